-- Appends one audit record, chained to the record before it (audit_chain.append), and returns its number.
insert into audit_log (audit_id, logged_at, user_name, action, scope_text, detail, row_count, prev_hash, row_hash)
values ($audit_id, $logged_at, $user_name, $action, $scope_text, $detail, $row_count, $prev_hash, $row_hash)
returning audit_id
