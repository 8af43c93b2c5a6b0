-- Overwrites the stored rows whose values changed in this import (registered as `incoming`);
-- batch_id becomes the importing batch.
update {table} as stored
set {assignments}, batch_id = $batch_id
from incoming
where {key_match}
