-- One row per department (as of the end of the period given) with pairs or issues overdue then: how
-- many of those pairs were contacted, and how many of those issues were closed, by $followed_until (the
-- as_of of the period reported on) — whether the reminders worked. Rates with nothing overdue are empty,
-- never 0.
with contacts as (
    select
        department,
        count(*) as overdue_contacts_before,
        count(*) filter (where is_contacted_after) as contacted_after
    from mart_reminder_contacts
    group by department
),

issues as (
    select
        department,
        count(*) as overdue_issues_before,
        count(*) filter (where is_closed_after) as closed_after,
        count(*) filter (where is_resolved_after) as resolved_after
    from mart_reminder_issues
    group by department
),

joined as (
    select
        coalesce(contacts.department, issues.department) as department,
        coalesce(contacts.overdue_contacts_before, 0) as overdue_contacts_before,
        coalesce(contacts.contacted_after, 0) as contacted_after,
        coalesce(issues.overdue_issues_before, 0) as overdue_issues_before,
        coalesce(issues.closed_after, 0) as closed_after,
        coalesce(issues.resolved_after, 0) as resolved_after
    from contacts
    full outer join issues
        on contacts.department = issues.department
),

final as (
    select
        department,
        overdue_contacts_before,
        contacted_after,
        overdue_contacts_before - contacted_after as not_contacted_after,
        contacted_after / nullif(overdue_contacts_before, 0) as contact_follow_rate,
        overdue_issues_before,
        closed_after,
        resolved_after,
        overdue_issues_before - closed_after as still_open_after,
        closed_after / nullif(overdue_issues_before, 0) as issue_close_rate
    from joined
)

select * from final
