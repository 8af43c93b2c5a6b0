-- Opens the record of an import batch; the counts are filled in when the file is done.
insert into import_batch
    (batch_id, imported_at, user_name, file_name, sha256, kind, sheets,
     rows_read, inserted, updated, unchanged, duplicate, rejected, unknown_columns)
values ($batch_id, $imported_at, $user_name, $file_name, $sha256, $kind, $sheets, 0, 0, 0, 0, 0, 0, $unknown)
