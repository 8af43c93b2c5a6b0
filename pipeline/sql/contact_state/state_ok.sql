-- Whether contact_state accounts for every stored contact (see migration 013)
select coalesce((select max(contacts) from contact_state_mark) = (select count(*) from contact), false) as state_ok
