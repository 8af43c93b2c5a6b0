-- Where the chain of audit records starts: the hash before the first record, and what the chain began with.
select genesis_hash, started_at, rows_chained, last_audit_id
from audit_chain_genesis
