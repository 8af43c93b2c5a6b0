-- One sample drawn: its period and scope, how it was drawn, the seed that draws it again, by whom.
insert into callback_sample (
    sample_id, period, as_of, scope_county, scope_department, per_department, share, prefer_doubtful, skip_since, seed,
    data_batch_id, created_at, created_by
)
values (
    $sample_id, $period, $as_of, $scope_county, $scope_department, $per_department, $share, $prefer_doubtful, $skip_since, $seed,
    $data_batch_id, $created_at, $created_by
)
