-- One row per paired beneficiary of the group whose contact is overdue on as_of (超期未联系): the
-- 督办 list, with the last contact on or before as_of and how many days past the threshold it is.
with members as (
    select period_id, id_number from int_group_members
),

overdue as (
    select beneficiaries.*
    from int_period_beneficiary_metrics as beneficiaries
    semi join members
        on beneficiaries.period_id = members.period_id
        and beneficiaries.id_number = members.id_number
    where beneficiaries.is_overdue_contact
),

final as (
    select
        overdue.period_id,
        overdue.id_number,
        overdue.beneficiary_name,
        overdue.category,
        overdue.county,
        overdue.township,
        overdue.village,
        overdue.cadre_name,
        overdue.cadre_phone,
        overdue.department,
        overdue.paired_on,
        overdue.run_started_on,
        last_contact.last_contact_on,
        -- with no contact at all, the clock runs from the first day of the pairing run (a change of cadre
        -- does not restart it)
        overdue.as_of - coalesce(last_contact.last_contact_on, overdue.run_started_on) as days_since_contact,
        overdue.as_of - coalesce(last_contact.last_contact_on, overdue.run_started_on)
        - $overdue_days::integer as days_overdue
    from overdue
    left join int_member_last_contact as last_contact
        on overdue.period_id = last_contact.period_id
        and overdue.id_number = last_contact.id_number
)

select * from final
