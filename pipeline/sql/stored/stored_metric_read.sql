-- The stored rows of one period for the groupings asked for, in the mart's row order, numbered as the
-- caller numbers the period
select
    $period_id::integer as period_id,
    * exclude (figures_key, data_key, start_on, as_of, months, row_no)
from stored_metric
where figures_key = $figures_key
    and data_key = $data_key
    and start_on = $start_on::date
    and as_of = $as_of::date
    and months = $months::double
    and list_contains($groupings::varchar[], grouping_name)
order by row_no
