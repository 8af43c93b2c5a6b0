-- The frozen metric rows of a snapshot (their keys), for one period role and grouping or for all of them
-- (null), in the order they were frozen
select * exclude (snapshot_id)
from report_snapshot_metric
where snapshot_id = $snapshot_id
    and ($role::varchar is null or period_role = $role::varchar)
    and ($grouping::varchar is null or grouping_name = $grouping::varchar)
order by period_role, period, grouping_name, row_no
