-- One row per pair overdue for contact (超期未联系) at the end of the period given — the 督办 list the
-- reminders went out with — and whether the beneficiary was contacted after that day, up to $followed_until
-- (the as_of of the period reported on). The department is the one the pair belonged to when it was
-- overdue: the one that was reminded.
with periods as (
    select * from int_periods
),

follow_up as (
    -- the period's as_of is the day the reminders went out; what was done is followed up to $followed_until
    select
        period_id as before_period_id,
        as_of as reminded_on,
        $followed_until::date as followed_until
    from periods
),

overdue_before as (
    select
        id_number,
        beneficiary_name,
        category,
        county,
        township,
        village,
        department,
        cadre_name,
        cadre_phone
    from int_period_beneficiary_metrics
    where period_id = (select before_period_id from follow_up)
        and is_overdue_contact
),

first_contact_after as (
    -- any contact with the person counts, whoever made it: the point is that someone got in touch
    select
        overdue_before.id_number,
        min(contacts.contact_date) as first_contact_on
    from overdue_before
    cross join follow_up
    inner join stg_contact as contacts
        on contacts.id_number = overdue_before.id_number
        and contacts.contact_date > follow_up.reminded_on
        and contacts.contact_date <= follow_up.followed_until
    group by overdue_before.id_number
),

final as (
    select
        overdue_before.*,
        follow_up.reminded_on,
        follow_up.followed_until,
        first_contact_after.first_contact_on,
        first_contact_after.first_contact_on is not null as is_contacted_after,
        first_contact_after.first_contact_on - follow_up.reminded_on as days_to_contact
    from overdue_before
    cross join follow_up
    left join first_contact_after
        on overdue_before.id_number = first_contact_after.id_number
)

select * from final
