-- One row per period, issue category, escalation level (办理层级), stored status, whether the issue was still
-- open on as_of, its age band then (open issues only) and the band of the days it took to close (issues closed
-- in the period only), over the issues raised on or before as_of by beneficiaries in scope (the population of
-- 累计问题): how many, and how many of them are new, overdue, closed in the period and resolved. The 问题台账 page
-- sums these rows by category, level or status, the open issues by age band and level, and the issues closed in
-- the period by band and status (pipeline/issue_stats.py): one pass over the issues for all three. An issue's
-- age is the days from 提出日期 to as_of, the days to close 办结日期 − 提出日期, in the same bands.
with issues as (
    select
        period_id,
        issue_category,
        issue_level,
        status,
        -- a ledger imported later may already say 已解决 for an issue that was still open on as_of
        closed_on is null or closed_on > as_of as is_open,
        days_open,
        days_to_close,
        is_new,
        is_overdue,
        is_closed_in_period,
        is_resolved
    from int_period_issue
),

bands as (
    select * from int_issue_age_band
),

banded as (
    select
        issues.*,
        age.age_band,
        closing.age_band as close_band
    from issues
    left join bands as age
        on issues.is_open
        and issues.days_open >= age.first_day
        and (age.last_day is null or issues.days_open <= age.last_day)
    left join bands as closing
        on issues.is_closed_in_period
        and issues.days_to_close >= closing.first_day
        and (closing.last_day is null or issues.days_to_close <= closing.last_day)
),

final as (
    select
        period_id,
        issue_category,
        issue_level,
        status,
        is_open,
        age_band,
        close_band,
        count(*) as issues_total,
        count(*) filter (where is_new) as issues_new,
        count(*) filter (where is_overdue) as issues_overdue,
        count(*) filter (where is_closed_in_period) as issues_closed_in_p,
        count(*) filter (where is_resolved) as issues_resolved
    from banded
    group by period_id, issue_category, issue_level, status, is_open, age_band, close_band
)

select * from final
