-- The office's decision on the pending 延期申请 of an item; returns the date asked for.
update supervision_extension
set decision = $decision, decided_on = $decided_on, decided_by = $decided_by, decision_note = $decision_note
where item_id = $item_id and decision is null
returning new_due_on
