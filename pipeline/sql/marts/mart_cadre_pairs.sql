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

looked_up_contacts as (
    -- the contacts of those with none in the window: a mark join hashes these people and streams the
    -- millions of contacts past them (an inner join may pick the contacts as the side to hash)
    select id_number, contact_date
    from (
        select
            contacts.id_number,
            contacts.contact_date,
            contacts.id_number in (
                select id_number from beneficiaries where last_contact_in_window is null
            ) as is_looked_up
        from stg_contact as contacts
        where contacts.contact_date <= $scan_to::date
    )
    where is_looked_up
),

older_contact as (
    -- the window's last contact is the last one when there is one; the others (and the unpaired,
    -- whose contacts the window summary leaves out) are looked up over all contacts up to as_of
    select beneficiaries.period_id, beneficiaries.id_number, max(contacts.contact_date) as last_contact_on
    from beneficiaries
    inner join looked_up_contacts as contacts
        on contacts.id_number = beneficiaries.id_number
        and contacts.contact_date <= beneficiaries.as_of
    where beneficiaries.last_contact_in_window is null
    group by beneficiaries.period_id, beneficiaries.id_number
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
        coalesce(beneficiaries.last_contact_in_window, older_contact.last_contact_on) as last_contact_on,
        beneficiaries.as_of
        - coalesce(beneficiaries.last_contact_in_window, older_contact.last_contact_on) as days_since_contact,
        beneficiaries.contacts,
        beneficiaries.home_visits,
        beneficiaries.is_contacted,
        beneficiaries.is_home_visited,
        beneficiaries.months_required,
        beneficiaries.months_contacted,
        beneficiaries.is_standard_due,
        beneficiaries.is_on_standard,
        beneficiaries.is_overdue_contact,
        coalesce(issues.open_issues, 0) as open_issues,
        coalesce(issues.issues_overdue, 0) as issues_overdue
    from beneficiaries
    left join older_contact
        on beneficiaries.period_id = older_contact.period_id
        and beneficiaries.id_number = older_contact.id_number
    left join issues
        on beneficiaries.period_id = issues.period_id
        and beneficiaries.id_number = issues.id_number
)

select * from final
