-- Adds the contacts of a contact log read in chunks whose key is not stored yet ({new_only}), null for a
-- column the file lacks; batch_id is the importing batch ($batch_id). {order_by} puts them in key order
-- where a primary-key index takes them faster (a database created before schema.sql dropped the key).
insert into contact ({columns}, batch_id)
select incoming.contact_key, {values}, $batch_id
from stream_contact as incoming
where {new_only}
{order_by}
