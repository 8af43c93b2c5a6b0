-- One row per column header that an import did not recognise (as written), with how many imports
-- met it, in which files and when last. import_batch.unknown_columns holds {"sheet": ["header", …]}.
-- A header that keeps coming back may be an alias worth adding, or a column filled in vain.
with entries as (
    select
        batch_id,
        imported_at,
        file_name,
        unnest(map_entries(from_json(unknown_columns, '"MAP(VARCHAR, VARCHAR[])"'))) as entry
    from import_batch
    where unknown_columns is not null
),

headers as (
    select batch_id, imported_at, file_name, unnest(entry.value) as header
    from entries
),

final as (
    select
        header,
        count(distinct batch_id) as imports,
        string_agg(distinct file_name, '、' order by file_name) as files,
        max(imported_at) as last_seen_at
    from headers
    group by header
)

select * from final
order by imports desc, last_seen_at desc, header
