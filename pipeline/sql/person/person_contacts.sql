-- Every contact with one beneficiary, latest first, with the batch that brought it in.
select
    contact.contact_date,
    contact.method,
    contact.cadre_name as visit_cadre_name,
    contact.cadre_phone as visit_cadre_phone,
    contact.summary,
    contact.satisfaction as rating,
    contact.record_no,
    contact.batch_id
from contact
where contact.id_number = $id_number
order by contact.contact_date desc, contact.method
