-- One row per contact made on a day its beneficiary had an active pairing, with that pairing (the rule
-- of the pairings active on a day, applied on the contact's own date): the cadre the contact belongs to.
with contacts as (
    select contact_key, id_number, contact_date from contact
),

pairings as (
    select * from stg_pairing
),

final as (
    select
        contacts.contact_key,
        contacts.id_number,
        contacts.contact_date,
        pairings.cadre_name,
        pairings.cadre_phone,
        pairings.department,
        pairings.paired_on
    from contacts
    inner join pairings
        on pairings.id_number = contacts.id_number
        and pairings.paired_on <= contacts.contact_date
        and (pairings.unpaired_on is null or pairings.unpaired_on > contacts.contact_date)
)

select * from final
