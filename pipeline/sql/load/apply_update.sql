-- Overwrites the stored rows whose values changed in this import; batch_id becomes the importing batch.
update {table} as stored
set {assignments}, batch_id = $batch_id
from classified
where classified.outcome = 'updated' and {key_match}
