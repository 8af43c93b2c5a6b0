-- How many audit records there are and the last one's number and hash (for the record of a restore).
select count(*) as records, max(audit_id) as last_id, arg_max(row_hash, audit_id) as last_hash
from audit_log
