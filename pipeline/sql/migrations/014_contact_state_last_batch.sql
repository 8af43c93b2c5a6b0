-- Each person's row of contact_state also holds the last import that wrote one of his contacts (the highest
-- batch_id among them: an import stamps its batch on the contacts it adds or changes, and contacts are never
-- deleted). 报送情况 takes each county's and department's last contact log from it, one row per person, instead of
-- reading the contacts. The rows are worked out again from the contacts, as migration 013 first did.
drop table if exists contact_state;
create table contact_state (
    id_number        varchar not null,
    first_contact_on date not null,
    last_contact_on  date not null,
    last_batch_id    integer not null
);
delete from contact_state_mark;
insert into contact_state
select id_number, min(contact_date), max(contact_date), max(batch_id)
from contact
group by id_number;
insert into contact_state_mark
select count(*) from contact;
