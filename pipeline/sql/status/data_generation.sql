-- What the figures depend on, in four numbers that change with every import, settings change and snapshot
-- but not with a login, an export or any other audit record (which also write the database file).
select
    (select coalesce(max(batch_id), 0) from import_batch) as last_batch,
    (select count(*) from settings) as settings_rows,
    (select max(updated_at) from settings) as settings_changed,
    (select coalesce(max(snapshot_id), 0) from report_snapshot) as last_snapshot
