-- Records a login about to be checked as failed (a success takes it back): the failures that can still count,
-- the client each came from, and the lock of the whole account when there are enough.
update app_user
set failed_logins = $failed_logins::timestamp[], failed_clients = $failed_clients::varchar[],
    locked_until = $locked_until
where user_name = $user_name
