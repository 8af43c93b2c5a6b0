-- One row per staged row of an import, with its outcome against the stored table:
-- inserted (key not stored yet), unchanged (every value equal), updated (some value differs).
-- {table}, {key_match}, {same_values} are filled from the fixed column lists in pipeline/ingest/load.py.
create or replace temp table classified as
with final as (
    select
        staged.*,
        case
            when stored.batch_id is null then 'inserted'
            when {same_values} then 'unchanged'
            else 'updated'
        end as outcome
    from staged
    left join {table} as stored on {key_match}
)
select * from final
