-- Writes the final counts of an import batch, and the first day whose figures it changed (rows.touched_sql).
update import_batch
set rows_read = $read, inserted = $inserted, updated = $updated, unchanged = $unchanged,
    duplicate = $duplicate, rejected = $rejected, held_back = $held_back,
    touched_from = $touched_from
where batch_id = $batch_id
