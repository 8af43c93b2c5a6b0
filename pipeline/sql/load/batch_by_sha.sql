-- The latest batch that landed a file with this SHA-256, with its counts: importing the same bytes again
-- changes nothing (SPEC §4).
select batch_id, imported_at, user_name, rows_read, inserted, updated, unchanged, duplicate, rejected,
       coalesce(held_back, 0) as held_back
from import_batch
where sha256 = $sha256
order by batch_id desc
limit 1
