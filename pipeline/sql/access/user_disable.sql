-- Disables one account; the row stays, so that its audit records keep their author.
update app_user
set disabled = true, updated_at = $updated_at, updated_by = $updated_by
where user_name = $user_name
