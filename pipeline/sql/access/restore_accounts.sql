-- The accounts of a database, for comparing a backup's with the current database's before a restore.
select user_name, role, county, department, disabled
from app_user
order by user_name
