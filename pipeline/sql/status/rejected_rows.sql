-- One row per rejected (or held-back) spreadsheet row of a batch, in sheet and row order.
select sheet, row_no, column_name, reason, raw, coalesce(held_back, false) as held_back
from rejected_row
where batch_id = $batch_id
order by sheet, row_no
