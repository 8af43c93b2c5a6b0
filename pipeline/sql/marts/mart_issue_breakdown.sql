-- One row per period, issue category, escalation level (办理层级), stored status and whether the issue
-- was still open on as_of, over the issues raised on or before as_of by beneficiaries in scope (the
-- population of 累计问题): the 问题台账 page sums these rows by category, level or status.
with issues as (
    select * from int_period_issue
),

flagged as (
    select
        period_id,
        issue_category,
        issue_level,
        status,
        -- a ledger imported later may already say 已解决 for an issue that was still open on as_of
        closed_on is null or closed_on > as_of as is_open,
        is_new,
        is_overdue,
        is_closed_in_period,
        is_resolved
    from issues
),

final as (
    select
        period_id,
        issue_category,
        issue_level,
        status,
        is_open,
        count(*) as issues_total,
        count(*) filter (where is_new) as issues_new,
        count(*) filter (where is_overdue) as issues_overdue,
        count(*) filter (where is_closed_in_period) as issues_closed_in_p,
        count(*) filter (where is_resolved) as issues_resolved
    from flagged
    group by period_id, issue_category, issue_level, status, is_open
)

select * from final
