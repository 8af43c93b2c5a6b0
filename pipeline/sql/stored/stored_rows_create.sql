-- The rows of some periods of mart_metrics, each period's numbered in the mart's row order, held for the
-- insert that stores them (stored_group_insert.sql). queries._stored_sql fills in the composed statement of
-- the mart (its values stay bound parameters) and the mart's ordering columns.
create or replace temp table stored_rows as
select
    row_number() over (partition by period_id order by {order}) as row_no,
    *
from (
{model}
)
