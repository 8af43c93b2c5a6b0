-- One row per issue overdue (超期未办结) at the end of the period given, and whether it was closed (已解决
-- or 无法解决) after that day, up to $followed_until (the as_of of the period reported on). The department
-- is the one the beneficiary's cadre belonged to when the issue was overdue.
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
    -- overdue means not closed by the period's as_of, so a close on or before followed_until came after it
    select
        issue_key,
        issue_no,
        id_number,
        beneficiary_name,
        county,
        township,
        department,
        cadre_name,
        cadre_phone,
        raised_on,
        issue_category,
        issue_level,
        status,
        closed_on,
        has_closed_status,
        has_resolved_status
    from int_period_issue
    where period_id = (select before_period_id from follow_up)
        and is_overdue
),

final as (
    select
        overdue_before.* exclude (has_closed_status, has_resolved_status),
        follow_up.reminded_on,
        follow_up.followed_until,
        coalesce(overdue_before.has_closed_status and overdue_before.closed_on <= follow_up.followed_until, false)
            as is_closed_after,
        coalesce(overdue_before.has_resolved_status and overdue_before.closed_on <= follow_up.followed_until, false)
            as is_resolved_after
    from overdue_before
    cross join follow_up
)

select * from final
