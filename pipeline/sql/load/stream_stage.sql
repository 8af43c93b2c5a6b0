-- One chunk of a contact log read in chunks (registered as stream_chunk, see pipeline/ingest/chunked.py),
-- as it is staged in the temporary table stream_contact: 64-bit digests of the key (to find the keys seen
-- more than once) and of the row's cells as written (sig: to tell a row repeated exactly).
select * exclude (row_text), hash(contact_key) as key_hash, hash(row_text) as sig
from stream_chunk
