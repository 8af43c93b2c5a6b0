-- One row per beneficiary of the drilled group (a county, a township, a department, a cadre) on
-- as_of: who they are, the cadre paired with them that day, their last contact on or before as_of,
-- their contacts in the period and their issues still open on as_of — the pairs behind a figure.
with members as (
    select period_id, id_number from int_group_members
),

beneficiaries as (
    select beneficiaries.*
    from int_period_beneficiary_metrics as beneficiaries
    semi join members
        on beneficiaries.period_id = members.period_id
        and beneficiaries.id_number = members.id_number
),

issues as (
    -- an issue is open on as_of while it has no 办结日期 on or before that day
    select
        issues.period_id,
        issues.id_number,
        count(*) filter (where issues.closed_on is null or issues.closed_on > issues.as_of) as open_issues,
        count(*) filter (where issues.is_overdue) as issues_overdue
    from int_period_issue as issues
    semi join members
        on issues.period_id = members.period_id
        and issues.id_number = members.id_number
    group by issues.period_id, issues.id_number
),

final as (
    select
        beneficiaries.period_id,
        beneficiaries.id_number,
        beneficiaries.beneficiary_name,
        beneficiaries.category,
        beneficiaries.county,
        beneficiaries.township,
        beneficiaries.village,
        beneficiaries.department,
        beneficiaries.cadre_name,
        beneficiaries.cadre_phone,
        beneficiaries.cadre_level,
        beneficiaries.paired_on,
        beneficiaries.run_started_on,
        beneficiaries.is_paired,
        last_contact.last_contact_on,
        beneficiaries.as_of - last_contact.last_contact_on as days_since_contact,
        beneficiaries.contacts,
        beneficiaries.home_visits,
        beneficiaries.is_contacted,
        beneficiaries.is_home_visited,
        beneficiaries.months_required,
        beneficiaries.months_contacted,
        beneficiaries.is_standard_due,
        beneficiaries.is_on_standard,
        beneficiaries.is_overdue_contact,
        beneficiaries.is_festival_due,
        beneficiaries.is_festival_contacted,
        beneficiaries.is_child_paired,
        beneficiaries.is_child_led,
        coalesce(issues.open_issues, 0) as open_issues,
        coalesce(issues.issues_overdue, 0) as issues_overdue
    from beneficiaries
    left join int_member_last_contact as last_contact
        on beneficiaries.period_id = last_contact.period_id
        and beneficiaries.id_number = last_contact.id_number
    left join issues
        on beneficiaries.period_id = issues.period_id
        and beneficiaries.id_number = issues.id_number
)

select * from final
