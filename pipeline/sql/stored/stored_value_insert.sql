-- The values of one stored period (the temp table stored_rows), one row per group and computed column;
-- queries._stored_sql fills in the computed columns of the catalog (pipeline/catalog.py). An empty value
-- (a median of nothing) is left out and reads back empty.
insert into stored_metric_value by name
select
    $figures_key as figures_key,
    $data_key as data_key,
    $start_on::date as start_on,
    $as_of::date as as_of,
    $months::double as months,
    row_no,
    metric,
    value
from (
    unpivot (select row_no, {cast_columns} from stored_rows)
    on {columns}
    into name metric value value
)
