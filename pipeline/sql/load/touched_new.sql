-- The first day whose figures the rows of a first import touch ({source}: the staged rows, every one new,
-- so the stored side of {touched}, rows.touched_sql, is empty), as classify.sql gives it row by row.
select min({touched})
from {source} as incoming
left join {table} as stored on false
