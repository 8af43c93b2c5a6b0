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

without_window as (
    -- those with no contact in the window (and the unpaired, whose contacts the window summary leaves out),
    -- with the first and last of all their contacts
    select
        beneficiaries.period_id,
        beneficiaries.id_number,
        beneficiaries.as_of,
        people.first_contact_on,
        people.last_contact_on
    from beneficiaries
    left join int_person_contact as people on people.id_number = beneficiaries.id_number
    where beneficiaries.last_contact_in_window is null
),

looked_up_contacts as (
    -- a person's last contact is his last one up to as_of unless he has later ones: only those with contacts on
    -- both sides of as_of are looked up over the contacts (none on a period cut at today). The few are hashed
    -- and the contacts stream past them; when there are none, the contacts are not read at all
    select contacts.id_number, contacts.contact_date
    from stg_contact as contacts
    where contacts.contact_date <= $scan_to::date
        and contacts.id_number in (
            select id_number from without_window where first_contact_on <= as_of and last_contact_on > as_of
        )
),

looked_up as (
    select without_window.period_id, without_window.id_number, max(contacts.contact_date) as last_contact_on
    from without_window
    inner join looked_up_contacts as contacts
        on contacts.id_number = without_window.id_number
        and contacts.contact_date <= without_window.as_of
    group by without_window.period_id, without_window.id_number
),

older_contact as (
    select
        without_window.period_id,
        without_window.id_number,
        case
            when without_window.last_contact_on <= without_window.as_of then without_window.last_contact_on
            else looked_up.last_contact_on
        end as last_contact_on
    from without_window
    left join looked_up
        on without_window.period_id = looked_up.period_id
        and without_window.id_number = looked_up.id_number
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
