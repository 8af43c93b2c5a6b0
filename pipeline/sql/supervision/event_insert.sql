-- One step taken on an item (its history).
insert into supervision_event (
    event_id, item_id, line_no, action, acted_on, acted_at, user_name, state_after, text, due_on
)
values (
    nextval('supervision_event_seq'), $item_id, $line_no, $action, $acted_on, $acted_at, $user_name, $state_after,
    $text, $due_on
)
