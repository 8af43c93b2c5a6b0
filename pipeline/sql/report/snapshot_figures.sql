-- The frozen figures of those rows: one row per row and metric (report_snapshot_figure, long)
select period_role, period, grouping_name, row_no, metric, value
from report_snapshot_figure
where snapshot_id = $snapshot_id
    and ($role::varchar is null or period_role = $role::varchar)
    and ($grouping::varchar is null or grouping_name = $grouping::varchar)
