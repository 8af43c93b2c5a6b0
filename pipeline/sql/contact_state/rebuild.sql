-- Every person's row worked out again from all the contacts
delete from contact_state;

insert into contact_state
select id_number, min(contact_date), max(contact_date), max(batch_id)
from contact
group by id_number;
