-- Forget the stored groups whose period has no entry any more (stale_periods_delete.sql ran first, in the
-- same transaction): groups live exactly as long as the entry they were written with
delete from stored_metric_group as stored
where not exists (
    select 1
    from stored_metric_period as entry
    where entry.figures_key = stored.figures_key
        and entry.data_key = stored.data_key
        and entry.start_on = stored.start_on
        and entry.as_of = stored.as_of
        and entry.months = stored.months
)
