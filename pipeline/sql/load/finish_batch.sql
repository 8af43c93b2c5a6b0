-- Writes the final counts of an import batch.
update import_batch
set rows_read = $read, inserted = $inserted, updated = $updated, unchanged = $unchanged,
    duplicate = $duplicate, rejected = $rejected, held_back = $held_back
where batch_id = $batch_id
