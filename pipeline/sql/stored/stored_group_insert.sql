-- The groups of one stored period (the temp table stored_rows), under the period's keys
insert into stored_metric_group by name
select
    $figures_key as figures_key,
    $data_key as data_key,
    $start_on::date as start_on,
    $as_of::date as as_of,
    $months::double as months,
    row_no,
    grouping_name,
    county,
    township,
    department,
    cadre_phone,
    cadre_name,
    cadre_level,
    category
from stored_rows
