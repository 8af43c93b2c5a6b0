-- One row: the header of the snapshot asked for (none when there is no such snapshot).
select *
from report_snapshot
where snapshot_id = $snapshot_id
