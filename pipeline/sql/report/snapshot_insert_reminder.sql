-- Frozen rows of one snapshot (the registered frame snapshot_rows, its columns named as the table's)
insert into report_snapshot_reminder by name select * from snapshot_rows
