-- One row per issue of the group not closed by as_of and raised more than the threshold before it
-- (超期未办结): the 督办 list, with the responsible cadre and how many days past the threshold it is.
with members as (
    select period_id, id_number from int_group_members
),

final as (
    select
        issues.period_id,
        issues.id_number,
        issues.beneficiary_name,
        issues.category,
        issues.county,
        issues.township,
        issues.village,
        issues.cadre_name,
        issues.cadre_phone,
        issues.department,
        issues.issue_no,
        issues.raised_on,
        issues.issue_category,
        issues.issue_level,
        issues.responsible_unit,
        issues.status,
        issues.description,
        issues.days_open,
        issues.days_open - $overdue_days::integer as days_overdue
    from int_period_issue as issues
    semi join members
        on issues.period_id = members.period_id
        and issues.id_number = members.id_number
    where issues.is_overdue
)

select * from final
