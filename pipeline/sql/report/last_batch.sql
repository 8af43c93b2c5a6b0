-- The last import batch: the data version a snapshot is taken from
select max(batch_id) from import_batch
