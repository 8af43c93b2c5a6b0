-- Records a successful login: the failed logins are forgotten and any expired lock is cleared.
update app_user
set failed_logins = [], locked_until = null, last_login_at = $logged_in_at
where user_name = $user_name
