-- Replaces the password hash of one account and clears its failed logins and lock.
update app_user
set password_hash = $password_hash, failed_logins = [], failed_clients = [], locked_until = null,
    updated_at = $updated_at, updated_by = $updated_by
where user_name = $user_name
