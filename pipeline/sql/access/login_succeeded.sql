-- Records a successful login: the client's failed logins are forgotten (other clients' stay) and no lock holds.
update app_user
set failed_logins = $failed_logins::timestamp[], failed_clients = $failed_clients::varchar[],
    locked_until = null, last_login_at = $logged_in_at
where user_name = $user_name
