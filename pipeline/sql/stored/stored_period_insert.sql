-- The entry of one stored period, written in the transaction that stores its rows; metric_names: the
-- computed columns of the catalog, the order of every group's metric_values
insert into stored_metric_period (
    figures_key, data_key, start_on, as_of, months, row_count, seconds, computed_at, metric_names
)
values (
    $figures_key, $data_key, $start_on::date, $as_of::date, $months::double, $row_count, $seconds, $computed_at,
    $metric_names::varchar[]
)
