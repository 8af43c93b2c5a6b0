-- One row for one account (none when the name is unknown), with its hash and lock-out state for login.
select user_name, role, county, department, can_unmask, password_hash, disabled, failed_logins, locked_until,
       failed_clients
from app_user
where user_name = $user_name
