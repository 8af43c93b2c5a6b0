-- Each person's first and last contact date, over every stored contact. Every import that writes contacts keeps
-- the rows of the people it wrote for (pipeline/contact_state.py), so that what asks about a person's whole history
-- (never contacted, contacted before the pairing, the last contact before a period, an earlier contact at all) reads
-- one row per person instead of every contact. contact_state_mark holds how many contacts the rows account for:
-- int_person_contact reads them only while that equals the contacts stored, and otherwise the contacts themselves,
-- so a contact written any other way costs time, never a wrong row.
create table if not exists contact_state (
    id_number        varchar not null,
    first_contact_on date not null,
    last_contact_on  date not null
);
create table if not exists contact_state_mark (
    contacts bigint not null
);
delete from contact_state;
delete from contact_state_mark;
insert into contact_state
select id_number, min(contact_date), max(contact_date)
from contact
group by id_number;
insert into contact_state_mark
select count(*) from contact;
