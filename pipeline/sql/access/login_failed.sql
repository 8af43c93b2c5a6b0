-- Records a wrong password: the failed logins still inside the window, and the lock when there are enough.
update app_user
set failed_logins = $failed_logins::timestamp[], locked_until = $locked_until
where user_name = $user_name
