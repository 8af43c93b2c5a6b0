-- A batch that changed stored contacts: a corrected date (a contact with 记录编号) may have been the person's
-- first or last, so the rows of the people with such a contact in the batch are worked out again from all their
-- contacts
delete from contact_state
where id_number in (select id_number from contact_state_batch where numbered);

insert into contact_state
select id_number, min(contact_date), max(contact_date), max(batch_id)
from contact
where id_number in (select id_number from contact_state_batch where numbered)
group by id_number;
