-- One row per issue raised on or before as_of by a beneficiary of the drilled group, with the flags
-- of the issue metrics: the rows behind 本期新增, 累计问题, 累计已解决, 本期办结, 超期未办结.
with members as (
    select period_id, id_number from int_group_members
),

issues as (
    select * from int_period_issue
),

final as (
    select
        issues.period_id,
        issues.issue_no,
        issues.id_number,
        issues.beneficiary_name,
        issues.category,
        issues.county,
        issues.township,
        issues.department,
        issues.cadre_name,
        issues.cadre_phone,
        issues.raised_on,
        issues.issue_category,
        issues.description,
        issues.issue_level,
        issues.responsible_unit,
        issues.status,
        issues.closed_on,
        issues.rating,
        issues.is_new,
        issues.is_resolved,
        issues.is_closed_in_period,
        issues.days_to_close,
        issues.is_overdue,
        issues.days_open
    from issues
    semi join members
        on issues.period_id = members.period_id
        and issues.id_number = members.id_number
)

select * from final
