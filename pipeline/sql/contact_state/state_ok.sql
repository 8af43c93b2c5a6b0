-- Whether contact_state accounts for every stored contact but the $inserted a batch has just added (0: all of them)
select coalesce(
    (select max(contacts) from contact_state_mark) = (select count(*) from contact) - $inserted::bigint, false
) as state_ok
