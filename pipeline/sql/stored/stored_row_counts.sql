-- The number of groups stored under these keys for each period (stored_group_insert.sql), for their entries
select
    start_on,
    as_of,
    months,
    count(*) as row_count
from stored_metric_group
where figures_key = $figures_key
    and data_key = $data_key
group by start_on, as_of, months
