-- Forget the stored periods that no longer hold (computed with other settings or by other SQL, or changed
-- by a batch imported since: see stored_periods.sql), those of periods that are no longer among the
-- standard ones (a running period's earlier days), and an older entry of a period stored twice
delete from stored_metric_period as stored
where stored.figures_key <> $figures_key
    or exists (
        select 1
        from import_batch as batch
        where batch.batch_id > stored.data_key
            and coalesce(batch.touched_from, date '0001-01-01') <= stored.as_of
    )
    or exists (
        select 1
        from stored_metric_period as newer
        where newer.figures_key = stored.figures_key
            and newer.start_on = stored.start_on
            and newer.as_of = stored.as_of
            and newer.months = stored.months
            and newer.data_key > stored.data_key
    )
    or not exists (
        select 1
        from (
            select
                unnest($keep_starts::date[]) as start_on,
                unnest($keep_as_ofs::date[]) as as_of,
                unnest($keep_months::double[]) as months
        ) as keep
        where keep.start_on = stored.start_on
            and keep.as_of = stored.as_of
            and keep.months = stored.months
    )
