-- The staged rows of an import once keep_stored.sql and fill_default.sql have run, read back for writing.
select * from staged
