-- One row per sample with at least one person in the scope (a county's people, a department's pairs as drawn):
-- how it was drawn, how many of its people in the scope, and how many of them were called back since it was drawn
-- (a callback carrying the sample's number, or any callback of the person dated after the sample's skip_since: the
-- draw left out everyone with such a callback, so it came after the draw).
with lines as (
    select
        lines.sample_id,
        lines.id_number,
        lines.department,
        exists (
            select 1
            from callback
            where callback.id_number = lines.id_number
                and (callback.sample_id = lines.sample_id or callback.callback_date > samples.skip_since)
        ) as is_done,
        exists (
            select 1
            from callback
            where callback.id_number = lines.id_number
                and (callback.sample_id = lines.sample_id or callback.callback_date > samples.skip_since)
                and callback.reach = $reached_answer::varchar
        ) as is_reached
    from callback_sample_line as lines
    inner join callback_sample as samples on samples.sample_id = lines.sample_id
    inner join beneficiary on beneficiary.id_number = lines.id_number
    where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or lines.department = $scope_department::varchar)
        and ($sample_id::integer is null or lines.sample_id = $sample_id::integer)
),

final as (
    select
        samples.sample_id,
        samples.period,
        samples.as_of,
        samples.scope_county,
        samples.scope_department,
        samples.per_department,
        samples.share,
        samples.prefer_doubtful,
        samples.skip_since,
        samples.seed,
        samples.data_batch_id,
        samples.created_at,
        samples.created_by,
        count(*) as people,
        count(distinct lines.department) as departments,
        count(*) filter (where lines.is_done) as done,
        count(*) filter (where lines.is_reached) as reached
    from callback_sample as samples
    inner join lines on lines.sample_id = samples.sample_id
    group by all
)

select * from final
order by sample_id desc
