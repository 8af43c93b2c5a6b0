-- Whether {table} holds any row: when it holds none, every staged row of an import is new
-- and classify.sql need not run. {table} is one of the fixed table names of pipeline/ingest/load.py.
select exists (select 1 from {table})
