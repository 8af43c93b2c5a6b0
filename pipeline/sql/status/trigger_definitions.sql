-- The CREATE TRIGGER statements of one attached database, by name (a copy does not carry its triggers).
select sql
from duckdb_triggers()
where database_name = $database
order by trigger_name
