-- Adds the staged rows whose key is new; batch_id is the importing batch ($batch_id).
insert into {table} ({columns}, batch_id)
select {columns}, $batch_id
from classified
where outcome = 'inserted'
