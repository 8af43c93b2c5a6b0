-- One new row of report_snapshot: the header of a snapshot (its frozen rows are inserted beside it).
insert into report_snapshot (
    snapshot_id, period, period_kind, start_on, end_on, as_of,
    previous_period, previous_kind, previous_start, previous_end, previous_as_of,
    scope_county, scope_department, created_at, created_by, note, data_batch_id, settings
)
values (
    $snapshot_id, $period, $period_kind, $start_on, $end_on, $as_of,
    $previous_period, $previous_kind, $previous_start, $previous_end, $previous_as_of,
    $scope_county, $scope_department, $created_at, $created_by, $note, $data_batch_id, $settings
)
