-- The number of groups of each period just stored under these keys (stored_group_insert.sql), by its position
-- in $start_ons/$as_ofs/$months, for their entries
select
    period.period_id,
    count(stored.row_no) as row_count
from (
    select
        unnest(range(len($start_ons::date[])))::integer as period_id,
        unnest($start_ons::date[]) as start_on,
        unnest($as_ofs::date[]) as as_of,
        unnest($months::double[]) as months
) as period
inner join stored_metric_group as stored
    on stored.start_on = period.start_on
    and stored.as_of = period.as_of
    and stored.months = period.months
where stored.figures_key = $figures_key
    and stored.data_key = $data_key
group by period.period_id
