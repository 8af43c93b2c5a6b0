-- The frozen rows of one snapshot, in the order they were frozen
select * exclude (snapshot_id)
from report_snapshot_overdue_issue
where snapshot_id = $snapshot_id
order by row_no
