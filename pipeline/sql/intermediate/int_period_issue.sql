-- One row per period and issue raised on or before as_of by a beneficiary in scope on as_of, with
-- the beneficiary's group keys and the flags the issue metrics count. Issues meet the beneficiaries once
-- per person (int_beneficiary_pairing) and are then expanded over the periods that person's row stands for.
with issues as (
    select * from stg_issue
),

pairs as (
    select
        id_number, beneficiary_name, category, county, township, village, department, cadre_phone,
        cadre_name, cadre_level, is_paired, period_mask
    from int_beneficiary_pairing
),

periods as (
    select * from int_periods
),

issue_pairs as materialized (
    -- materialized: the issues meet the people first, and only then the periods
    select
        pairs.*,
        issues.* exclude (id_number)
    from issues
    inner join pairs
        on issues.id_number = pairs.id_number
),

flagged as (
    select
        periods.period_id,
        periods.start_on,
        periods.as_of,
        issue_pairs.* exclude (period_mask, is_rated, is_satisfied),
        issue_pairs.raised_on >= periods.start_on as is_new,
        coalesce(issue_pairs.has_resolved_status and issue_pairs.closed_on <= periods.as_of, false) as is_resolved,
        coalesce(
            issue_pairs.has_closed_status and issue_pairs.closed_on between periods.start_on and periods.as_of,
            false
        ) as is_closed_in_period,
        (issue_pairs.closed_on is null or issue_pairs.closed_on > periods.as_of)
        and periods.as_of - issue_pairs.raised_on > $overdue_days::integer as is_overdue,
        periods.as_of - issue_pairs.raised_on as days_open,
        issue_pairs.is_rated,
        issue_pairs.is_satisfied
    from issue_pairs
    inner join periods
        on issue_pairs.period_mask & periods.period_bit <> 0
        and issue_pairs.raised_on <= periods.as_of
),

final as (
    select
        * exclude (is_rated, is_satisfied),
        case when is_closed_in_period then closed_on - raised_on end as days_to_close,
        -- only issues closed in P bring their rating into 群众满意率
        coalesce(is_closed_in_period and is_rated, false) as is_rated_in_period,
        coalesce(is_closed_in_period and is_satisfied, false) as is_satisfied_in_period
    from flagged
)

select * from final
