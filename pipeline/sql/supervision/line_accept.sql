-- The office accepts the 情况说明 of one line: the line counts as done from this day.
update supervision_line
set accepted_on = $accepted_on, accepted_by = $accepted_by, accepted_note = $accepted_note
where item_id = $item_id and line_no = $line_no
