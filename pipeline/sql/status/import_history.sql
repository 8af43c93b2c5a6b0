-- One row per import batch, newest first.
select batch_id, imported_at, user_name, file_name, kind, rows_read, inserted, updated, unchanged,
       duplicate, rejected, coalesce(held_back, 0) as held_back, sha256
from import_batch
order by batch_id desc
limit $limit
