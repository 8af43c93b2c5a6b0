-- The rows of one period of mart_metrics numbered in the mart's row order, held for the two inserts that
-- store them (stored_group_insert.sql, stored_value_insert.sql). queries._stored_sql fills in the composed
-- statement of the mart (its values stay bound parameters) and the mart's ordering columns.
create or replace temp table stored_rows as
select
    row_number() over (order by {order}) as row_no,
    * exclude (period_id)
from (
{model}
)
