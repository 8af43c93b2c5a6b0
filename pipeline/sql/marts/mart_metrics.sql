-- One row per period, grouping and group: the metrics of SPEC §5 for every grouping asked for.
-- All groupings come out of one pass over the per-beneficiary facts and one over the per-issue
-- facts (grouping sets), so the contacts are read once however many groupings are wanted.
with beneficiary_facts as (
    -- a key of a grouping nobody asked for is blanked, so that its grouping set collapses to a few
    -- rows instead of one per cadre or township
    select
        period_id,
        county,
        case when list_contains($groupings::varchar[], 'township') then township end as township,
        department,
        case when list_contains($groupings::varchar[], 'cadre') then cadre_phone end as cadre_phone,
        case when list_contains($groupings::varchar[], 'cadre') then cadre_name end as cadre_name,
        cadre_level,
        category,
        is_paired::integer as is_paired,
        is_contacted::integer as is_contacted,
        is_home_visited::integer as is_home_visited,
        is_on_standard::integer as is_on_standard,
        is_overdue_contact::integer as is_overdue_contact,
        contacts,
        rated_contacts,
        satisfied_contacts
    from int_period_beneficiary_metrics
),

issue_facts as (
    select
        period_id,
        county,
        case when list_contains($groupings::varchar[], 'township') then township end as township,
        department,
        case when list_contains($groupings::varchar[], 'cadre') then cadre_phone end as cadre_phone,
        case when list_contains($groupings::varchar[], 'cadre') then cadre_name end as cadre_name,
        cadre_level,
        category,
        is_new::integer as is_new,
        is_resolved::integer as is_resolved,
        is_closed_in_period::integer as is_closed_in_period,
        days_to_close,
        is_overdue::integer as is_overdue,
        is_rated_in_period::integer as is_rated_in_period,
        is_satisfied_in_period::integer as is_satisfied_in_period
    from int_period_issue
),

beneficiary_groups as (
    select
        period_id,
        -- grouping() sets a bit for each column left out of the set: it names the set
        grouping(county, township, department, cadre_phone, cadre_level, category) as grouping_id,
        county,
        township,
        department,
        cadre_phone,
        -- a cadre is known by phone; should two roster rows spell the name differently, one is shown
        any_value(cadre_name) as cadre_name,
        cadre_level,
        category,
        count(*) as beneficiaries,
        sum(is_paired)::bigint as paired,
        sum(is_contacted)::bigint as contacted,
        sum(is_home_visited)::bigint as home_visited,
        sum(contacts)::bigint as contacts,
        sum(is_on_standard)::bigint as on_standard,
        sum(is_overdue_contact)::bigint as overdue_contact,
        sum(rated_contacts)::bigint as rated_contacts,
        sum(satisfied_contacts)::bigint as satisfied_contacts
    from beneficiary_facts
    group by grouping sets (
        (period_id),
        (period_id, county),
        (period_id, county, township),
        (period_id, department),
        (period_id, department, cadre_phone),
        (period_id, cadre_level),
        (period_id, category)
    )
),

issue_groups as (
    select
        period_id,
        grouping(county, township, department, cadre_phone, cadre_level, category) as grouping_id,
        county,
        township,
        department,
        cadre_phone,
        cadre_level,
        category,
        count(*) as issues_total,
        sum(is_new)::bigint as issues_new,
        sum(is_resolved)::bigint as issues_resolved,
        sum(is_closed_in_period)::bigint as issues_closed_in_p,
        median(days_to_close) as median_days_to_close,
        sum(is_overdue)::bigint as issues_overdue,
        sum(is_rated_in_period)::bigint as rated_issues,
        sum(is_satisfied_in_period)::bigint as satisfied_issues
    from issue_facts
    group by grouping sets (
        (period_id),
        (period_id, county),
        (period_id, county, township),
        (period_id, department),
        (period_id, department, cadre_phone),
        (period_id, cadre_level),
        (period_id, category)
    )
),

empty_periods as (
    -- a period with nobody in scope still gets its overall row: counts 0, rates empty
    select
        periods.period_id,
        63 as grouping_id,
        0::bigint as beneficiaries,
        0::bigint as paired,
        0::bigint as contacted,
        0::bigint as home_visited,
        0::bigint as contacts,
        0::bigint as on_standard,
        0::bigint as overdue_contact,
        0::bigint as rated_contacts,
        0::bigint as satisfied_contacts
    from int_periods as periods
    anti join beneficiary_groups
        on periods.period_id = beneficiary_groups.period_id
        and beneficiary_groups.grouping_id = 63
),

all_groups as (
    select * from beneficiary_groups
    union all by name
    select * from empty_periods
),

joined as (
    -- every group with issues also has beneficiaries (an issue counts only with its beneficiary)
    select
        beneficiary_groups.*,
        coalesce(issue_groups.issues_new, 0) as issues_new,
        coalesce(issue_groups.issues_total, 0) as issues_total,
        coalesce(issue_groups.issues_resolved, 0) as issues_resolved,
        coalesce(issue_groups.issues_closed_in_p, 0) as issues_closed_in_p,
        issue_groups.median_days_to_close,
        coalesce(issue_groups.issues_overdue, 0) as issues_overdue,
        beneficiary_groups.rated_contacts + coalesce(issue_groups.rated_issues, 0) as rated,
        beneficiary_groups.satisfied_contacts + coalesce(issue_groups.satisfied_issues, 0) as satisfied
    from all_groups as beneficiary_groups
    left join issue_groups
        on beneficiary_groups.period_id = issue_groups.period_id
        and beneficiary_groups.grouping_id = issue_groups.grouping_id
        and beneficiary_groups.county is not distinct from issue_groups.county
        and beneficiary_groups.township is not distinct from issue_groups.township
        and beneficiary_groups.department is not distinct from issue_groups.department
        and beneficiary_groups.cadre_phone is not distinct from issue_groups.cadre_phone
        and beneficiary_groups.cadre_level is not distinct from issue_groups.cadre_level
        and beneficiary_groups.category is not distinct from issue_groups.category
),

named as (
    -- bits of grouping_id, highest first: county, township, department, cadre_phone, cadre_level, category
    select
        case grouping_id
            when 63 then 'overall'
            when 31 then 'county'
            when 15 then 'township'
            when 55 then 'department'
            when 51 then 'cadre'
            when 61 then 'cadre_level'
            when 62 then 'category'
        end as grouping_name,
        * exclude (grouping_id, cadre_name),
        -- the name belongs to the cadre rows only; elsewhere it would be an arbitrary cadre's
        case when grouping_id = 51 then cadre_name end as cadre_name
    from joined
),

rates as (
    select
        named.*,
        paired / nullif(beneficiaries, 0) as pairing_rate,
        contacted / nullif(paired, 0) as contact_rate,
        home_visited / nullif(paired, 0) as home_visit_rate,
        contacts / nullif(paired, 0) / periods.months_in_period as contacts_per_pair_month,
        on_standard / nullif(paired, 0) as on_standard_rate,
        issues_resolved / nullif(issues_total, 0) as resolution_rate,
        satisfied / nullif(rated, 0) as satisfaction_rate
    from named
    inner join int_periods as periods on named.period_id = periods.period_id
    where list_contains($groupings::varchar[], named.grouping_name)
),

final as (
    select
        *,
        -- weighted mean of the rates that exist; an empty rate drops out and the weights renormalise
        100 * (
            coalesce($weight_pairing_rate * pairing_rate, 0)
            + coalesce($weight_on_standard_rate * on_standard_rate, 0)
            + coalesce($weight_home_visit_rate * home_visit_rate, 0)
            + coalesce($weight_resolution_rate * resolution_rate, 0)
            + coalesce($weight_satisfaction_rate * satisfaction_rate, 0)
        ) / nullif(
            (case when pairing_rate is null then 0 else $weight_pairing_rate end)
            + (case when on_standard_rate is null then 0 else $weight_on_standard_rate end)
            + (case when home_visit_rate is null then 0 else $weight_home_visit_rate end)
            + (case when resolution_rate is null then 0 else $weight_resolution_rate end)
            + (case when satisfaction_rate is null then 0 else $weight_satisfaction_rate end),
            0
        ) as score
    from rates
)

select * from final
