-- The stored groups of one period for the groupings asked for (every one when $groupings is null), with their
-- row_no (the mart's row order, the order they were written in: queries._stored_frame sorts only rows that
-- come otherwise), numbered as the caller numbers the period, with their values ({value_columns}: each
-- computed column of the catalog from its place in metric_values, a count as an integer, filled in by
-- queries._stored_sql); with $county (or $department) given, only the groups under that county (department): a
-- county's rows are read from the city's (queries._SCOPED_FROM_CITY)
select
    $period_id::integer as period_id,
    row_no,
    grouping_name,
    county,
    township,
    department,
    cadre_phone,
    cadre_name,
    cadre_level,
    category,
    {value_columns}
from stored_metric_group
where figures_key = $figures_key
    and data_key = $data_key
    and start_on = $start_on::date
    and as_of = $as_of::date
    and months = $months::double
    and ($groupings::varchar[] is null or list_contains($groupings::varchar[], grouping_name))
    and ($county::varchar is null or county = $county::varchar)
    and ($department::varchar is null or department = $department::varchar)
