-- The department's 情况说明 of one line (a later one replaces the earlier; the history keeps both).
update supervision_line
set explanation = $explanation, explained_on = $explained_on, explained_by = $explained_by
where item_id = $item_id and line_no = $line_no
