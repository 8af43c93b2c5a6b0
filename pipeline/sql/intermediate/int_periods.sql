-- One row per period asked for: its first day, the day its figures are taken at (as_of), its length
-- in months, and the first day of the window of contacts the metrics need to look at.
with requested as (
    -- the periods arrive as parallel lists; unnest in one select zips them position by position
    select
        unnest($period_ids::integer[]) as period_id,
        unnest($period_starts::date[]) as start_on,
        unnest($period_as_ofs::date[]) as as_of,
        unnest($period_months::double[]) as months_in_period
),

final as (
    select
        period_id,
        start_on,
        as_of,
        months_in_period,
        date_trunc('month', as_of)::date as as_of_month,
        -- contacts dated in P decide the coverage metrics, contacts within the overdue threshold decide
        -- 超期未联系: the window covers both, so contacts are read once
        least(start_on, as_of - $overdue_days::integer) as window_start
    from requested
)

select * from final
