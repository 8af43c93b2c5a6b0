-- One row per period and beneficiary with a contact dated in a festival window inside the period: which
-- kinds of window (see int_festival_days) the contacts fall in. The window days are few (a few weeks a
-- year): contacts meet them by a hash join on the date, and only the contacts of those days are read.
with days as (
    select * from int_festival_days
),

contacts as (
    select id_number, contact_date
    from stg_contact
    where contact_date between $scan_from::date and $scan_to::date
),

final as (
    select
        days.period_id,
        contacts.id_number,
        bool_or(days.festival_group = 'common') as in_common_window,
        bool_or(days.festival_group = 'children') as in_children_window,
        bool_or(days.festival_group = 'disabled') as in_disabled_window
    from contacts
    inner join days
        on contacts.contact_date = days.day
    group by days.period_id, contacts.id_number
)

select * from final
