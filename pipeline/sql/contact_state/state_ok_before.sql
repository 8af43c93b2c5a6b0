-- Whether contact_state accounted for every contact stored before a batch that has just added $inserted of them
select coalesce(
    (select max(contacts) from contact_state_mark) = (select count(*) from contact) - $inserted::bigint, false
) as state_ok
