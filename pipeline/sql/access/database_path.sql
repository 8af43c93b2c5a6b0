-- The file of the connection's database ('' for one in memory): what the lock-out of unknown names is kept by.
select coalesce(path, '')
from duckdb_databases()
where database_name = current_database()
