-- The last audit record: its number and hash (none when the log is empty).
select audit_id, row_hash
from audit_log
order by audit_id desc
limit 1
