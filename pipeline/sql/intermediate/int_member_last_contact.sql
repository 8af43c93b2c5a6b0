-- One row per period and beneficiary of the drilled group (int_group_members): the last contact on or
-- before as_of, whoever made it (SPEC §5: a contact belongs to the person). The rule is written here once;
-- the pairs list and the 督办 list of overdue contacts read it.
with members as (
    select period_id, id_number from int_group_members
),

beneficiaries as (
    select
        beneficiaries.period_id,
        beneficiaries.id_number,
        beneficiaries.as_of,
        beneficiaries.last_contact_in_window
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
    -- the window's last contact is the last one when there is one; the others (and the unpaired, whose
    -- contacts the window summary leaves out) are looked up over all contacts up to as_of
    select beneficiaries.period_id, beneficiaries.id_number, max(contacts.contact_date) as last_contact_on
    from beneficiaries
    inner join looked_up_contacts as contacts
        on contacts.id_number = beneficiaries.id_number
        and contacts.contact_date <= beneficiaries.as_of
    where beneficiaries.last_contact_in_window is null
    group by beneficiaries.period_id, beneficiaries.id_number
),

final as (
    select
        beneficiaries.period_id,
        beneficiaries.id_number,
        coalesce(beneficiaries.last_contact_in_window, older_contact.last_contact_on) as last_contact_on
    from beneficiaries
    left join older_contact
        on beneficiaries.period_id = older_contact.period_id
        and beneficiaries.id_number = older_contact.id_number
)

select * from final
