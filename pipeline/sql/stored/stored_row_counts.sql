-- The number of groups of each period just computed (the temp table stored_rows), for their entries
select period_id, count(*) as row_count
from stored_rows
group by period_id
