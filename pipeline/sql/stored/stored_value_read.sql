-- The stored values of one period for the groupings asked for: group (row_no), the position of the metric
-- in the list asked for ($metrics), value. Metrics stored but not asked for are left out; $county and
-- $department keep the groups stored_group_read.sql keeps.
with wanted as (
    select
        unnest($metrics::varchar[]) as metric,
        unnest(range(len($metrics::varchar[])))::integer as metric_no
),

groups as (
    select row_no
    from stored_metric_group
    where figures_key = $figures_key
        and data_key = $data_key
        and start_on = $start_on::date
        and as_of = $as_of::date
        and months = $months::double
        and list_contains($groupings::varchar[], grouping_name)
        and ($county::varchar is null or county = $county::varchar)
        and ($department::varchar is null or department = $department::varchar)
)

select
    stored.row_no,
    wanted.metric_no,
    stored.value
from stored_metric_value as stored
inner join wanted
    on stored.metric = wanted.metric
semi join groups
    on stored.row_no = groups.row_no
where stored.figures_key = $figures_key
    and stored.data_key = $data_key
    and stored.start_on = $start_on::date
    and stored.as_of = $as_of::date
    and stored.months = $months::double
