-- The stored periods whose figures still hold, with the batch they were computed after: computed by this
-- SQL with these settings ($figures_key), and no batch imported since has changed a day up to the period's
-- as_of (import_batch.touched_from; empty means any day). The rows of a period are written together with
-- its entry here, in one transaction, so an entry means all of its rows are there.
select
    stored.start_on,
    stored.as_of,
    stored.months,
    max(stored.data_key) as data_key
from stored_metric_period as stored
where stored.figures_key = $figures_key
    and not exists (
        select 1
        from import_batch as batch
        where batch.batch_id > stored.data_key
            and coalesce(batch.touched_from, date '0001-01-01') <= stored.as_of
    )
group by stored.start_on, stored.as_of, stored.months
