-- The triggers that refuse to change or delete audit records, by name (two when the log is protected).
select trigger_name
from duckdb_triggers()
where database_name = current_database() and table_name = 'audit_log'
order by trigger_name
