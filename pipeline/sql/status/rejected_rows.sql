-- One row per rejected spreadsheet row of a batch, in sheet and row order.
select sheet, row_no, column_name, reason, raw
from rejected_row
where batch_id = $batch_id
order by sheet, row_no
