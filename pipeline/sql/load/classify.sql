-- The outcome of each staged row of an import against the stored table, as a number (the order of
-- OUTCOMES in pipeline/ingest/load.py): 0 inserted (key not stored yet), 2 unchanged (every value
-- equal), 1 updated (some value differs).
-- {table}, {key_match}, {same_values} are filled from the fixed column lists in pipeline/ingest/load.py.
select
    staged.pos,
    case
        when stored.batch_id is null then 0
        when {same_values} then 2
        else 1
    end::tinyint as outcome
from staged
left join {table} as stored on {key_match}
