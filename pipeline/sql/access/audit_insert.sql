-- Appends one audit record and returns its number.
insert into audit_log (logged_at, user_name, action, scope_text, detail, row_count)
values ($logged_at, $user_name, $action, $scope_text, $detail, $row_count)
returning audit_id
