-- Some periods of mart_metrics computed and stored in one statement: their groups under their keys, each
-- period's numbered in the mart's row order (row_no), each group with its values in one list in the order of
-- the catalog's computed columns; an empty value (a median of nothing) is an empty element. A period is known
-- in the mart by its period_id, its position in $start_ons/$as_ofs/$months. queries._stored_sql fills in the
-- composed statement of the mart (its values stay bound parameters), the mart's ordering columns and the cast
-- values (names from pipeline/catalog.py). The rows go straight from the mart into the table: held in a table
-- of their own first, they cost a write and a read more. They are written in the order they are read back
-- (period by period, row_no): a read then needs no sort of its 200,000 groups (queries._stored_frame).
insert into stored_metric_group by name
select
    $figures_key as figures_key,
    $data_key as data_key,
    period.start_on,
    period.as_of,
    period.months,
    row_number() over (partition by stored_rows.period_id order by {order}) as row_no,
    stored_rows.grouping_name,
    stored_rows.county,
    stored_rows.township,
    stored_rows.department,
    stored_rows.cadre_phone,
    stored_rows.cadre_name,
    stored_rows.cadre_level,
    stored_rows.category,
    [{cast_columns}] as metric_values
from (
{model}
) as stored_rows
inner join (
    select
        unnest(range(len($start_ons::date[])))::integer as period_id,
        unnest($start_ons::date[]) as start_on,
        unnest($as_ofs::date[]) as as_of,
        unnest($months::double[]) as months
) as period
    on stored_rows.period_id = period.period_id
order by period.period_id, row_no
