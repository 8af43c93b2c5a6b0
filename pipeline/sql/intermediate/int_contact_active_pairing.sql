-- One row per contact made on a day its beneficiary had an active pairing, with that pairing (the rule
-- of the pairings active on a day, applied on the contact's own date): the cadre the contact belongs to.
-- The contact's own columns come along (visit_cadre_name and visit_cadre_phone: the cadre the ledger names), so
-- that a check reads its contacts here, filtered by date or method before the join, instead of joining every
-- contact back by its key. contact_row tells the contacts apart within one statement: a number, far cheaper to
-- read and join on than the key, which is long text.
with contacts as (
    select rowid as contact_row, contact_key, id_number, contact_date, method, cadre_name, cadre_phone, batch_id
    from contact
),

pairings as (
    select * from stg_pairing
),

final as (
    select
        contacts.contact_row,
        contacts.contact_key,
        contacts.id_number,
        contacts.contact_date,
        contacts.method,
        contacts.cadre_name as visit_cadre_name,
        contacts.cadre_phone as visit_cadre_phone,
        contacts.batch_id,
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
