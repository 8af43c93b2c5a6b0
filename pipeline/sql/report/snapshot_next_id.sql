-- The number of the next snapshot
select nextval('report_snapshot_seq')
