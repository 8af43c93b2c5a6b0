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

looked_up_contacts as (
    -- the contacts of those with none in the window: a mark join hashes these few people and streams the
    -- millions of contacts past them (an inner join may pick the contacts as the side to hash)
    select id_number, contact_date
    from (
        select
            contacts.id_number,
            contacts.contact_date,
            contacts.id_number in (
                select id_number from overdue where last_contact_in_window is null
            ) as is_looked_up
        from stg_contact as contacts
        where contacts.contact_date <= $scan_to::date
    )
    where is_looked_up
),

older_contact as (
    -- a contact in the period's window, if any, is the last one; the others are looked up further back
    select overdue.period_id, overdue.id_number, max(contacts.contact_date) as last_contact_on
    from overdue
    inner join looked_up_contacts as contacts
        on contacts.id_number = overdue.id_number
        and contacts.contact_date < overdue.window_start
    where overdue.last_contact_in_window is null
    group by overdue.period_id, overdue.id_number
),

last_contact as (
    select
        overdue.period_id,
        overdue.id_number,
        coalesce(overdue.last_contact_in_window, older_contact.last_contact_on) as last_contact_on
    from overdue
    left join older_contact
        on overdue.period_id = older_contact.period_id
        and overdue.id_number = older_contact.id_number
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
    left join last_contact
        on overdue.period_id = last_contact.period_id
        and overdue.id_number = last_contact.id_number
)

select * from final
