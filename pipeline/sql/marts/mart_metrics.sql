-- One row per period, grouping and group: the counts behind the metrics of SPEC §5 for every grouping asked for.
-- Each beneficiary (and each issue) of a period is counted once for every grouping asked for, under
-- that grouping's keys (the other keys blank), and all groups of all those groupings come out of one
-- aggregation: the facts are read once however many groupings are wanted, and a grouping nobody asked
-- for costs nothing (a trend of the overall figures sums the facts of each period straight into its row).
with groupings as (
    -- each grouping asked for, with the keys it groups by
    select
        grouping_name,
        grouping_name in ('county', 'township') as by_county,
        grouping_name = 'township' as by_township,
        grouping_name in ('department', 'cadre') as by_department,
        grouping_name = 'cadre' as by_cadre,
        grouping_name = 'cadre_level' as by_cadre_level,
        grouping_name = 'category' as by_category
    from (select distinct unnest($groupings::varchar[]) as grouping_name)
),

beneficiary_facts as (
    select
        groupings.grouping_name,
        facts.period_id,
        case when groupings.by_county then facts.county end as county,
        case when groupings.by_township then facts.township end as township,
        case when groupings.by_department then facts.department end as department,
        case when groupings.by_cadre then facts.cadre_phone end as cadre_phone,
        -- the name belongs to the cadre rows only; elsewhere it would be an arbitrary cadre's
        case when groupings.by_cadre then facts.cadre_name end as cadre_name,
        case when groupings.by_cadre_level then facts.cadre_level end as cadre_level,
        case when groupings.by_category then facts.category end as category,
        facts.is_paired::integer as is_paired,
        facts.is_contacted::integer as is_contacted,
        facts.is_home_visited::integer as is_home_visited,
        facts.is_standard_due::integer as is_standard_due,
        facts.is_on_standard::integer as is_on_standard,
        facts.is_overdue_contact::integer as is_overdue_contact,
        facts.is_festival_due::integer as is_festival_due,
        facts.is_festival_contacted::integer as is_festival_contacted,
        facts.is_child_paired::integer as is_child_paired,
        facts.is_child_led::integer as is_child_led,
        facts.contacts,
        facts.rated_contacts,
        facts.satisfied_contacts
    from int_period_beneficiary_metrics as facts
    cross join groupings
),

issue_facts as (
    select
        groupings.grouping_name,
        facts.period_id,
        case when groupings.by_county then facts.county end as county,
        case when groupings.by_township then facts.township end as township,
        case when groupings.by_department then facts.department end as department,
        case when groupings.by_cadre then facts.cadre_phone end as cadre_phone,
        case when groupings.by_cadre_level then facts.cadre_level end as cadre_level,
        case when groupings.by_category then facts.category end as category,
        facts.is_new::integer as is_new,
        facts.is_resolved::integer as is_resolved,
        facts.is_closed_in_period::integer as is_closed_in_period,
        facts.days_to_close,
        facts.is_overdue::integer as is_overdue,
        facts.is_rated_in_period::integer as is_rated_in_period,
        facts.is_satisfied_in_period::integer as is_satisfied_in_period
    from int_period_issue as facts
    cross join groupings
),

callback_facts as (
    select
        groupings.grouping_name,
        facts.period_id,
        case when groupings.by_county then facts.county end as county,
        case when groupings.by_township then facts.township end as township,
        case when groupings.by_department then facts.department end as department,
        case when groupings.by_cadre then facts.cadre_phone end as cadre_phone,
        case when groupings.by_cadre_level then facts.cadre_level end as cadre_level,
        case when groupings.by_category then facts.category end as category,
        facts.is_reached::integer as is_reached,
        facts.knows_yes::integer as knows_yes,
        facts.knows_answered::integer as knows_answered,
        facts.is_true::integer as is_true,
        facts.truth_answered::integer as truth_answered,
        facts.is_callback_rated::integer as is_callback_rated,
        facts.is_callback_satisfied::integer as is_callback_satisfied
    from int_period_callback as facts
    cross join groupings
),

beneficiary_groups as (
    select
        grouping_name,
        period_id,
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
        sum(is_standard_due)::bigint as standard_due,
        sum(is_on_standard)::bigint as on_standard,
        sum(is_overdue_contact)::bigint as overdue_contact,
        sum(is_festival_due)::bigint as festival_due,
        sum(is_festival_contacted)::bigint as festival_contacted,
        sum(is_child_paired)::bigint as children_paired,
        sum(is_child_led)::bigint as children_led,
        sum(rated_contacts)::bigint as rated_contacts,
        sum(satisfied_contacts)::bigint as satisfied_contacts
    from beneficiary_facts
    group by grouping_name, period_id, county, township, department, cadre_phone, cadre_level, category
),

issue_groups as (
    select
        grouping_name,
        period_id,
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
    group by grouping_name, period_id, county, township, department, cadre_phone, cadre_level, category
),

callback_groups as (
    select
        grouping_name,
        period_id,
        county,
        township,
        department,
        cadre_phone,
        cadre_level,
        category,
        count(*) as callbacks,
        sum(is_reached)::bigint as callbacks_reached,
        sum(knows_yes)::bigint as callbacks_knowing,
        sum(knows_answered)::bigint as callbacks_know_answered,
        sum(is_true)::bigint as callbacks_true,
        sum(truth_answered)::bigint as callbacks_truth_answered,
        sum(is_callback_rated)::bigint as callbacks_rated,
        sum(is_callback_satisfied)::bigint as callbacks_satisfied
    from callback_facts
    group by grouping_name, period_id, county, township, department, cadre_phone, cadre_level, category
),

empty_periods as (
    -- a period with nobody in scope still gets its overall row: counts 0, rates empty
    select
        'overall' as grouping_name,
        periods.period_id,
        0::bigint as beneficiaries,
        0::bigint as paired,
        0::bigint as contacted,
        0::bigint as home_visited,
        0::bigint as contacts,
        0::bigint as standard_due,
        0::bigint as on_standard,
        0::bigint as overdue_contact,
        0::bigint as festival_due,
        0::bigint as festival_contacted,
        0::bigint as children_paired,
        0::bigint as children_led,
        0::bigint as rated_contacts,
        0::bigint as satisfied_contacts
    from int_periods as periods
    semi join groupings
        on groupings.grouping_name = 'overall'
    anti join beneficiary_groups
        on periods.period_id = beneficiary_groups.period_id
        and beneficiary_groups.grouping_name = 'overall'
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
        beneficiary_groups.satisfied_contacts + coalesce(issue_groups.satisfied_issues, 0) as satisfied,
        coalesce(callback_groups.callbacks, 0) as callbacks,
        coalesce(callback_groups.callbacks_reached, 0) as callbacks_reached,
        coalesce(callback_groups.callbacks_knowing, 0) as callbacks_knowing,
        coalesce(callback_groups.callbacks_know_answered, 0) as callbacks_know_answered,
        coalesce(callback_groups.callbacks_true, 0) as callbacks_true,
        coalesce(callback_groups.callbacks_truth_answered, 0) as callbacks_truth_answered,
        coalesce(callback_groups.callbacks_rated, 0) as callbacks_rated,
        coalesce(callback_groups.callbacks_satisfied, 0) as callbacks_satisfied
    from all_groups as beneficiary_groups
    left join issue_groups
        on beneficiary_groups.grouping_name = issue_groups.grouping_name
        and beneficiary_groups.period_id = issue_groups.period_id
        and beneficiary_groups.county is not distinct from issue_groups.county
        and beneficiary_groups.township is not distinct from issue_groups.township
        and beneficiary_groups.department is not distinct from issue_groups.department
        and beneficiary_groups.cadre_phone is not distinct from issue_groups.cadre_phone
        and beneficiary_groups.cadre_level is not distinct from issue_groups.cadre_level
        and beneficiary_groups.category is not distinct from issue_groups.category
    -- every group with callbacks also has beneficiaries (a callback counts only with its beneficiary)
    left join callback_groups
        on beneficiary_groups.grouping_name = callback_groups.grouping_name
        and beneficiary_groups.period_id = callback_groups.period_id
        and beneficiary_groups.county is not distinct from callback_groups.county
        and beneficiary_groups.township is not distinct from callback_groups.township
        and beneficiary_groups.department is not distinct from callback_groups.department
        and beneficiary_groups.cadre_phone is not distinct from callback_groups.cadre_phone
        and beneficiary_groups.cadre_level is not distinct from callback_groups.cadre_level
        and beneficiary_groups.category is not distinct from callback_groups.category
),

final as (
    -- the counts of every group; the rates, 月均联系频次 and 综合得分 are derived from them (pipeline/catalog.py)
    select * exclude (rated_contacts, satisfied_contacts)
    from joined
)

select * from final
