-- The outcome of each staged row of an import against the stored table, as a number (the order of
-- OUTCOMES in pipeline/ingest/load.py): 0 inserted (key not stored yet), 2 unchanged (every value
-- equal), 1 updated (some value differs).
-- touched_from: the first day whose figures the row changes, when it is inserted or updated ({touched}:
-- rows.touched_sql). {table}, {key_match}, {same_values} are filled from the fixed column lists of
-- pipeline/ingest/rows.py.
select
    staged.pos,
    case
        when stored.batch_id is null then 0
        when {same_values} then 2
        else 1
    end::tinyint as outcome,
    {touched} as touched_from
from staged
left join {table} as stored on {key_match}
