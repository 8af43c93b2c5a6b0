-- Whether the database has the snapshot tables (a database opened read-only before they existed has not)
select count(*) from information_schema.tables where table_name = 'report_snapshot'
