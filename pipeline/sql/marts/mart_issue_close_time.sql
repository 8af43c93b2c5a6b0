-- One row per period, band of days to close and closing status (已解决 or 无法解决) of the issues
-- closed in the period (本期办结) by beneficiaries in scope: how many. The days to close are
-- 办结日期 − 提出日期, in the same bands as the age of open issues.
with closed as (
    select
        period_id,
        status,
        days_to_close
    from int_period_issue
    where is_closed_in_period
),

bands as (
    select * from int_issue_age_band
),

final as (
    select
        closed.period_id,
        bands.age_band,
        closed.status,
        count(*) as issues_closed_in_p
    from closed
    inner join bands
        on closed.days_to_close >= bands.first_day
        and (bands.last_day is null or closed.days_to_close <= bands.last_day)
    group by closed.period_id, bands.age_band, closed.status
)

select * from final
