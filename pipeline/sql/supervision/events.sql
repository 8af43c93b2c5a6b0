-- One row per step taken on an item, in the order taken.
select event_id, line_no, action, acted_on, acted_at, user_name, state_after, text, due_on
from supervision_event
where item_id = $item_id
order by event_id
