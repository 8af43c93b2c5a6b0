-- The entry of one stored period, written in the transaction that stores its rows
insert into stored_metric_period (figures_key, data_key, start_on, as_of, months, row_count, seconds, computed_at)
values ($figures_key, $data_key, $start_on::date, $as_of::date, $months::double, $row_count, $seconds, $computed_at)
