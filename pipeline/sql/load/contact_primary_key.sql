-- Whether the contact table has a primary key (a database created before schema.sql dropped it).
select count(*) > 0
from duckdb_constraints()
where table_name = 'contact' and constraint_type = 'PRIMARY KEY'
