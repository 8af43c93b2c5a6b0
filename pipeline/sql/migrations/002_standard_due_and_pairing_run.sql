-- 联系达标率 counts finished months only (SPEC §5): its denominator 应达标数 (standard_due) is stored beside
-- 联系达标数 in the stored metrics and in snapshots.
alter table stored_metric add column if not exists standard_due bigint;
alter table report_snapshot_metric add column if not exists standard_due bigint;
-- Snapshots frozen before this version counted every paired person as due (on_standard / paired): their
-- standard_due is that number, so that each frozen rate still equals its numerator over its denominator.
update report_snapshot_metric set standard_due = paired where standard_due is null;
-- 超期未联系 runs from the first day of the current pairing run: the frozen 督办 list keeps that day too (empty
-- in snapshots frozen before, whose clock ran from 结对日期).
alter table report_snapshot_overdue_contact add column if not exists run_started_on date;
