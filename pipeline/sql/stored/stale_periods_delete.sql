-- Forget the stored periods computed from other data, with other settings or by other SQL, and those of
-- periods that are no longer among the standard ones (a running period's earlier days)
delete from stored_metric_period as stored
where stored.figures_key <> $figures_key
    or stored.data_key <> $data_key
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
