-- An item after a step: its state, and the dates the step sets (a null parameter leaves the stored value).
update supervision_item
set state = $state,
    due_on = coalesce($due_on, due_on),
    first_feedback_on = coalesce(first_feedback_on, $feedback_on),
    ready_on = coalesce(ready_on, $ready_on),
    closed_on = coalesce(closed_on, $closed_on),
    updated_at = $updated_at
where item_id = $item_id
