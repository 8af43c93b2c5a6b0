-- Adds one account: no failed logins, not locked, not disabled.
insert into app_user
    (user_name, role, county, department, can_unmask, password_hash, disabled, failed_logins,
     locked_until, last_login_at, created_at, created_by, updated_at, updated_by)
values ($user_name, $role, $county, $department, $can_unmask, $password_hash, false, [],
        null, null, $created_at, $created_by, null, null)
