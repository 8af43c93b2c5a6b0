-- Overwrites the stored contacts whose values a contact log read in chunks changes (after
-- stream_classify.sql, before stream_insert.sql); batch_id becomes the importing batch ($batch_id).
update contact as stored
set {assignments}, batch_id = $batch_id
from stream_contact as incoming
where stored.contact_key = incoming.contact_key and not ({same_values})
