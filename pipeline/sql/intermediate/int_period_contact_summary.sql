-- One row per beneficiary with a contact in the contact window of any period asked for (see
-- int_periods): the facts every period needs of those contacts, packed side by side, so that millions
-- of contact rows shrink to one row per person in a single pass, however many periods are asked for,
-- before they meet the beneficiaries; whether the beneficiary is paired or in scope on a period's as_of
-- is decided later, per period, by unpacking:
--   contacts             contacts dated in P (first day to as_of), in P's lane (int_periods.lane_shift)
--   home_visits          of them home visits, in P's lane
--   rated_contacts       of them rated, in P's lane
--   satisfied_contacts   of them rated satisfied, in P's lane
--   most_contacts        the contacts of all windows together (one counted once per window it lies in):
--                        no lane can hold more, so while this fits a lane (checked when unpacking) no count
--                        spills into the next lane
--   contact_bits         period_bit of P: a contact within the overdue threshold before P's as_of;
--                        second_period_bit of P: a home visit dated in P;
--                        bit month_offset(P) + k: a contact dated in P, k calendar months before the month
--                        of P's as_of (pipeline/periods.py MAX_MONTHS keeps a period within one block)
--   first_contact_on     the first contact of any period's window
--   last_contact_on      the last contact of any period's window: with one period, the last of its window
--   contact_dates        with several periods, the dates of the contacts (the last one of each window is
--                        read from them); with one, last_contact_on says it all and no list is kept
with contacts as (
    -- the bound scan range lets DuckDB skip row groups of other dates; a county's or a department's query
    -- summarises the contacts of its own paired people only (int_beneficiary_pairing applies the scope, and
    -- only a paired person's contacts are met there), not every person's, and so does a 督办 list of some people
    -- ($people_asked). Two branches, one of which the bound values empty before the query runs: the city's
    -- contacts are not looked up at all
    select * from stg_contact
    where contact_date between $scan_from::date and $scan_to::date
        and $scope_county::varchar is null and $scope_department::varchar is null
        and $people_asked::varchar is null
    union all
    select * from stg_contact
    where contact_date between $scan_from::date and $scan_to::date
        and (
            $scope_county::varchar is not null
            or $scope_department::varchar is not null
            or $people_asked::varchar is not null
        )
        and id_number in (select id_number from int_beneficiary_pairing where is_paired)
),

periods as (
    select * from int_periods
),

window_months as (
    -- each period once with every calendar month its window touches: contacts meet the periods by their
    -- month, a hash join on a few dozen rows, and the window's own days then keep the contacts within it.
    -- What a contact adds to the packed facts depends only on its period and month, so it is worked out
    -- here, once per period and month, not once per contact
    select
        period_id,
        start_on,
        as_of,
        window_start,
        periods_in_query,
        as_of - $overdue_days::integer as recent_from,
        period_bit as recent_bit,
        second_period_bit as home_visit_bit,
        1::hugeint << lane_shift::hugeint as lane_one,
        month_start,
        case
            when month_bits_fit
                then 1::hugeint << (month_offset + date_diff('month', month_start, as_of))::hugeint
            else 0
        end as month_bit
    from (
        select
            periods.*,
            unnest(generate_series(date_trunc('month', periods.window_start), periods.as_of, interval 1 month))::date
                as month_start
        from periods
    )
),

tagged as (
    select
        contacts.id_number,
        contacts.contact_date,
        contacts.is_home_visit,
        contacts.is_rated,
        contacts.is_satisfied,
        window_months.lane_one,
        window_months.periods_in_query,
        contacts.contact_date >= window_months.start_on as is_in_period,
        (case when contacts.contact_date >= window_months.recent_from then window_months.recent_bit else 0 end)
        | (
            case
                when contacts.contact_date >= window_months.start_on
                    then window_months.month_bit
                    | (case when contacts.is_home_visit then window_months.home_visit_bit else 0 end)
                else 0
            end
        ) as contact_bits
    from contacts
    inner join window_months
        on date_trunc('month', contacts.contact_date)::date = window_months.month_start
        and contacts.contact_date between window_months.window_start and window_months.as_of
),

final as (
    select
        id_number,
        coalesce(sum(lane_one) filter (where is_in_period), 0) as contacts,
        coalesce(sum(lane_one) filter (where is_in_period and is_home_visit), 0) as home_visits,
        coalesce(sum(lane_one) filter (where is_in_period and is_rated), 0) as rated_contacts,
        coalesce(sum(lane_one) filter (where is_in_period and is_satisfied), 0) as satisfied_contacts,
        count(*) as most_contacts,
        bit_or(contact_bits) as contact_bits,
        min(contact_date) as first_contact_on,
        max(contact_date) as last_contact_on,
        list(contact_date) filter (where periods_in_query > 1) as contact_dates
    from tagged
    group by id_number
)

select * from final
