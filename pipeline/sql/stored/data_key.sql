-- The data the figures were computed from, in one number: the last import batch (every change of the
-- ledgers is an import batch; a rolled-back import leaves no batch behind)
select coalesce(max(batch_id), 0) as data_key
from import_batch
