-- One row per rejected spreadsheet row kept from the latest import of each file name. An earlier
-- import of a file that was fixed and uploaded again under the same name is history, not an open
-- problem. The reason is the text the import wrote (several reasons joined by "；"). Rows held back because
-- they would undo progress (状态回退，未导入) are kept beside them but are not rejected: not listed here.
with latest as (
    select file_name, max(batch_id) as batch_id
    from import_batch
    group by file_name
),

final as (
    select
        rejected_row.batch_id,
        import_batch.imported_at,
        import_batch.file_name,
        rejected_row.sheet,
        rejected_row.row_no,
        rejected_row.column_name,
        rejected_row.reason
    from rejected_row
    inner join latest on latest.batch_id = rejected_row.batch_id
    inner join import_batch on import_batch.batch_id = rejected_row.batch_id
    where not coalesce(rejected_row.held_back, false)
)

select * from final
order by batch_id desc, sheet, row_no
