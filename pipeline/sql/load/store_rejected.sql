-- Keeps the rejected and the held-back rows of a batch (registered as `rejected_staged`) with their reasons
-- and their cells as written.
insert into rejected_row (batch_id, sheet, row_no, column_name, reason, raw, held_back)
select batch_id, sheet, row_no, column_name, reason, raw, held_back
from rejected_staged
