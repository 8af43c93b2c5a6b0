-- One row per period, age band and escalation level (办理层级) of the issues still open on as_of
-- (raised on or before it, not closed by it) by beneficiaries in scope: how many, and how many of them
-- are overdue. An issue's age is the days from 提出日期 to as_of.
with open_issues as (
    select
        period_id,
        issue_level,
        days_open,
        is_overdue
    from int_period_issue
    where closed_on is null or closed_on > as_of
),

bands as (
    select * from int_issue_age_band
),

final as (
    select
        open_issues.period_id,
        bands.age_band,
        open_issues.issue_level,
        count(*) as open_issues,
        count(*) filter (where open_issues.is_overdue) as issues_overdue
    from open_issues
    inner join bands
        on open_issues.days_open >= bands.first_day
        and (bands.last_day is null or open_issues.days_open <= bands.last_day)
    group by open_issues.period_id, bands.age_band, open_issues.issue_level
)

select * from final
