-- The rows of one period of mart_metrics stored under their keys and numbered in the mart's row order.
-- queries._stored_sql fills in the composed statement of the mart (its values stay bound parameters)
-- and the mart's ordering columns (queries._MODEL_ORDER).
insert into stored_metric by name
select
    $figures_key as figures_key,
    $data_key as data_key,
    $start_on::date as start_on,
    $as_of::date as as_of,
    $months::double as months,
    row_number() over (order by {order}) as row_no,
    * exclude (period_id)
from (
{model}
)
