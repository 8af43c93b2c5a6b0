-- Adds the rows whose key is new (registered as `incoming`, in key order); batch_id is the importing batch ($batch_id).
insert into {table} ({columns}, batch_id)
select {columns}, $batch_id
from incoming
