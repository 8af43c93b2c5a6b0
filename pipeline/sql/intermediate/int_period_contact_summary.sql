-- One row per period and beneficiary with at least one contact in the period's window (see
-- int_periods.window_start): contacts in P, of which home visits and rated/satisfied ones, the
-- calendar months of P that have a contact, and the last contact of the window.
-- Contacts are summed up here, before they meet the beneficiaries, so that millions of contact rows
-- shrink to one per beneficiary first; whether the beneficiary is paired or in scope is decided later.
with contacts as (
    -- the bound scan range lets DuckDB skip row groups of other dates
    select * from stg_contact
    where contact_date between $scan_from::date and $scan_to::date
),

periods as (
    select * from int_periods
),

in_window as (
    select
        periods.period_id,
        contacts.id_number,
        contacts.contact_date,
        contacts.contact_date >= periods.start_on as is_in_period,
        -- bit k stands for the calendar month k months before the month of as_of; pipeline/periods.py
        -- (MAX_MONTHS) keeps every period short enough for the bits to fit a HUGEINT
        1::hugeint << date_diff('month', contacts.contact_date, periods.as_of)::hugeint as month_bit,
        contacts.is_home_visit,
        contacts.is_rated,
        contacts.is_satisfied
    from contacts
    inner join periods
        on contacts.contact_date between periods.window_start and periods.as_of
),

final as (
    select
        period_id,
        id_number,
        count(*) filter (where is_in_period) as contacts,
        count(*) filter (where is_in_period and is_home_visit) as home_visits,
        count(*) filter (where is_in_period and is_rated) as rated_contacts,
        count(*) filter (where is_in_period and is_satisfied) as satisfied_contacts,
        coalesce(bit_or(month_bit) filter (where is_in_period), 0) as contact_months_mask,
        max(contact_date) as last_contact_in_window
    from in_window
    group by period_id, id_number
)

select * from final
