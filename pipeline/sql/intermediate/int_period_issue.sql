-- One row per period and issue raised on or before as_of by a beneficiary in scope on as_of, with
-- the beneficiary's group keys and the flags the issue metrics count.
with issues as (
    select * from stg_issue
),

beneficiaries as (
    select
        period_id, start_on, as_of, id_number, beneficiary_name, category, county, township, village,
        department, cadre_phone, cadre_name, cadre_level, is_paired
    from int_period_beneficiary
),

flagged as (
    select
        beneficiaries.*,
        issues.* exclude (id_number, is_rated, is_satisfied),
        issues.raised_on >= beneficiaries.start_on as is_new,
        coalesce(issues.has_resolved_status and issues.closed_on <= beneficiaries.as_of, false) as is_resolved,
        coalesce(
            issues.has_closed_status and issues.closed_on between beneficiaries.start_on and beneficiaries.as_of,
            false
        ) as is_closed_in_period,
        (issues.closed_on is null or issues.closed_on > beneficiaries.as_of)
        and beneficiaries.as_of - issues.raised_on > $overdue_days::integer as is_overdue,
        beneficiaries.as_of - issues.raised_on as days_open,
        issues.is_rated,
        issues.is_satisfied
    from issues
    inner join beneficiaries
        on issues.id_number = beneficiaries.id_number
        and issues.raised_on <= beneficiaries.as_of
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
