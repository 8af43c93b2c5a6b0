-- One row per account, by name; the password hash and the failed logins are not selected.
select user_name, role, county, department, can_unmask, disabled, locked_until, last_login_at,
       created_at, created_by, updated_at, updated_by
from app_user
order by user_name
