-- One row per contact dated before the beneficiary was paired or before his 纳入日期: on a day
-- without an active pairing, with a pairing starting later (or no pairing at all yet), or earlier
-- than the day he joined the programme. A wrong date, or a pairing missing from the roster, usually
-- lies behind it. Contacts after the last pairing ended are not "before the pairing": left out.
with pairings_per_person as (
    select
        id_number,
        count(*) as pairings,
        min(paired_on) as first_paired_on,
        max(paired_on) as last_paired_on,
        min(unpaired_on) as first_unpaired_on
    from pairing
    group by id_number
),

people as (
    -- a department sees the contacts it is answerable for: the person has a pairing with it.
    -- Only the people who can have such a contact, told by the first of all their contacts (int_person_contact):
    -- one before his 纳入日期 or his first pairing, or someone never paired; or a day between his pairings without
    -- one, which needs a pairing that ended before his latest began
    select
        beneficiary.id_number,
        beneficiary.county,
        beneficiary.township,
        beneficiary.name,
        beneficiary.enrolled_on,
        pairings_per_person.id_number is not null as has_pairing,
        pairings_per_person.first_paired_on,
        pairings_per_person.first_unpaired_on,
        pairings_per_person.last_paired_on
    from beneficiary
    inner join int_person_contact as contacted on contacted.id_number = beneficiary.id_number
    left join pairings_per_person on pairings_per_person.id_number = beneficiary.id_number
    where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and (
            $scope_department::varchar is null
            or beneficiary.id_number in (select id_number from pairing where department = $scope_department::varchar)
        )
        and (
            contacted.first_contact_on < beneficiary.enrolled_on
            or pairings_per_person.id_number is null
            or contacted.first_contact_on < pairings_per_person.first_paired_on
            or pairings_per_person.first_unpaired_on < pairings_per_person.last_paired_on
        )
),

contacts as (
    -- the only contacts that can be such, picked out as they meet the person: dated before his 纳入日期, before his
    -- first pairing, of someone never paired, or on a day between pairings: from the first day a pairing of his had
    -- ended (until then his first pairing is active) to the day his latest began (a pairing that starts later is no
    -- later than that one). Only the columns that decide are read here; the others of the few found are read at the
    -- end (details)
    select
        contact.rowid as contact_row,  -- which contact, within this statement (its key is long text)
        contact.id_number,
        contact.contact_date,
        people.county,
        people.township,
        people.name,
        people.enrolled_on,
        people.has_pairing
    from contact
    inner join people
        on people.id_number = contact.id_number
        and (
            contact.contact_date < people.enrolled_on
            or not people.has_pairing
            or contact.contact_date < people.first_paired_on
            or (contact.contact_date >= people.first_unpaired_on and contact.contact_date < people.last_paired_on)
        )
),

their_pairings as (
    select pairing.*
    from pairing
    semi join contacts on contacts.id_number = pairing.id_number
),

active_pairing as (
    -- the pairing active on the contact's day (the rule of int_contact_active_pairing)
    select contacts.contact_row, pairings.paired_on, pairings.cadre_name, pairings.department
    from contacts
    inner join their_pairings as pairings
        on pairings.id_number = contacts.id_number
        and pairings.paired_on <= contacts.contact_date
        and (pairings.unpaired_on is null or pairings.unpaired_on > contacts.contact_date)
),

next_pairing as (
    -- the first pairing that starts after the contact: the one the contact came too early for
    select
        contacts.contact_row,
        min(pairings.paired_on) as paired_on,
        arg_min(pairings.cadre_name, pairings.paired_on) as cadre_name,
        arg_min(pairings.department, pairings.paired_on) as department
    from contacts
    inner join their_pairings as pairings
        on pairings.id_number = contacts.id_number
        and pairings.paired_on > contacts.contact_date
    group by contacts.contact_row
),

judged as (
    select
        contacts.county,
        contacts.township,
        contacts.id_number,
        contacts.name as beneficiary_name,
        contacts.contact_date,
        contacts.contact_row,
        contacts.enrolled_on,
        -- the pairing the contact belongs to (a contact before 纳入日期 may have one), else the next one
        coalesce(active_pairing.paired_on, next_pairing.paired_on) as paired_on,
        coalesce(active_pairing.cadre_name, next_pairing.cadre_name) as cadre_name,
        coalesce(active_pairing.department, next_pairing.department) as department,
        active_pairing.contact_row is null
            and (next_pairing.contact_row is not null or not contacts.has_pairing)
            as is_before_pairing,
        contacts.contact_date < contacts.enrolled_on as is_before_enrolment
    from contacts
    left join active_pairing on active_pairing.contact_row = contacts.contact_row
    left join next_pairing on next_pairing.contact_row = contacts.contact_row
),

found as (
    select *
    from judged
    where (is_before_pairing or is_before_enrolment)
        and ($scope_department::varchar is null or department = $scope_department::varchar)
),

details as (
    -- the method and the cadre the ledger names, of the contacts found only (none found: no contact is read)
    select rowid as contact_row, method, cadre_name
    from contact
    where rowid in (select contact_row from found)
),

final as (
    select
        found.county,
        found.township,
        found.id_number,
        found.beneficiary_name,
        found.contact_date,
        details.method,
        details.cadre_name as visit_cadre_name,
        found.enrolled_on,
        found.paired_on,
        found.cadre_name,
        found.department,
        found.is_before_pairing,
        found.is_before_enrolment
    from found
    inner join details on details.contact_row = found.contact_row
)

select * from final
order by contact_date desc, county, township, id_number
