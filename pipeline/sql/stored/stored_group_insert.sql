-- The groups of the periods just computed (the temp table stored_rows, a period by its period_id, the position
-- in $start_ons/$as_ofs/$months), under their keys, each with its values in one list in the order of the
-- catalog's computed columns ({cast_columns}: queries._stored_sql, names from pipeline/catalog.py); an empty
-- value (a median of nothing) is an empty element
insert into stored_metric_group by name
select
    $figures_key as figures_key,
    $data_key as data_key,
    period.start_on,
    period.as_of,
    period.months,
    stored_rows.row_no,
    stored_rows.grouping_name,
    stored_rows.county,
    stored_rows.township,
    stored_rows.department,
    stored_rows.cadre_phone,
    stored_rows.cadre_name,
    stored_rows.cadre_level,
    stored_rows.category,
    [{cast_columns}] as metric_values
from stored_rows
inner join (
    select
        unnest(range(len($start_ons::date[])))::integer as period_id,
        unnest($start_ons::date[]) as start_on,
        unnest($as_ofs::date[]) as as_of,
        unnest($months::double[]) as months
) as period
    on stored_rows.period_id = period.period_id
