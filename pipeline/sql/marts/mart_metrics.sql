-- One row per period, grouping and group: the counts behind the metrics of SPEC §5 for every grouping asked for.
-- The facts of a period (its beneficiaries, issues and callbacks) are counted under three sets of keys that
-- together hold the keys of every grouping: the cadre (department and phone), the place (county and
-- township) and the kind (cadre level and category). The three kinds of facts meet under each set, on few
-- rows, and every grouping is then summed from one set: cadre and department from the cadre rows (a
-- cadre's department is part of its key), township, county and overall from the place rows, cadre_level
-- and category from the kind rows. Each fact is thus read three times, not once per grouping, and a key
-- no grouping asked for is left blank, so that its set collapses to one row per period (a trend of the
-- overall figures costs next to nothing).
with wanted as (
    -- which keys the groupings asked for need
    select
        list_contains($groupings::varchar[], 'county')
        or list_contains($groupings::varchar[], 'township') as by_county,
        list_contains($groupings::varchar[], 'township') as by_township,
        list_contains($groupings::varchar[], 'department')
        or list_contains($groupings::varchar[], 'cadre') as by_department,
        list_contains($groupings::varchar[], 'cadre') as by_cadre,
        list_contains($groupings::varchar[], 'cadre_level') as by_cadre_level,
        list_contains($groupings::varchar[], 'category') as by_category
),

-- Each fact with its keys and, under the name of each count, what it adds to that count: every column
-- after the keys is a count, summed as it stands by the sets below (sum(columns(...)) keeps the names)

beneficiary_facts as (
    select
        facts.period_id,
        case when wanted.by_county then facts.county end as county,
        case when wanted.by_township then facts.township end as township,
        case when wanted.by_department then facts.department end as department,
        case when wanted.by_cadre then facts.cadre_phone end as cadre_phone,
        -- the name belongs to the cadre rows only; elsewhere it would be an arbitrary cadre's
        case when wanted.by_cadre then facts.cadre_name end as cadre_name,
        case when wanted.by_cadre_level then facts.cadre_level end as cadre_level,
        case when wanted.by_category then facts.category end as category,
        1 as beneficiaries,
        facts.is_paired::integer as paired,
        facts.is_contacted::integer as contacted,
        facts.is_home_visited::integer as home_visited,
        facts.contacts,
        facts.is_standard_due::integer as standard_due,
        facts.is_on_standard::integer as on_standard,
        facts.is_overdue_contact::integer as overdue_contact,
        facts.is_festival_due::integer as festival_due,
        facts.is_festival_contacted::integer as festival_contacted,
        facts.is_child_paired::integer as children_paired,
        facts.is_child_led::integer as children_led,
        facts.rated_contacts,
        facts.satisfied_contacts
    from int_period_beneficiary_metrics as facts
    cross join wanted
),

issue_facts as (
    select
        facts.period_id,
        case when wanted.by_county then facts.county end as county,
        case when wanted.by_township then facts.township end as township,
        case when wanted.by_department then facts.department end as department,
        case when wanted.by_cadre then facts.cadre_phone end as cadre_phone,
        case when wanted.by_cadre_level then facts.cadre_level end as cadre_level,
        case when wanted.by_category then facts.category end as category,
        1 as issues_total,
        facts.is_new::integer as issues_new,
        facts.is_resolved::integer as issues_resolved,
        facts.is_closed_in_period::integer as issues_closed_in_p,
        facts.is_overdue::integer as issues_overdue,
        facts.is_rated_in_period::integer as rated_issues,
        facts.is_satisfied_in_period::integer as satisfied_issues,
        -- not a count: a median cannot be summed, so the days themselves are gathered (days_to_close below)
        facts.days_to_close
    from int_period_issue as facts
    cross join wanted
),

callback_facts as (
    select
        facts.period_id,
        case when wanted.by_county then facts.county end as county,
        case when wanted.by_township then facts.township end as township,
        case when wanted.by_department then facts.department end as department,
        case when wanted.by_cadre then facts.cadre_phone end as cadre_phone,
        case when wanted.by_cadre_level then facts.cadre_level end as cadre_level,
        case when wanted.by_category then facts.category end as category,
        1 as callbacks,
        facts.is_reached::integer as callbacks_reached,
        facts.knows_yes::integer as callbacks_knowing,
        facts.knows_answered::integer as callbacks_know_answered,
        facts.is_true::integer as callbacks_true,
        facts.truth_answered::integer as callbacks_truth_answered,
        facts.is_callback_rated::integer as callbacks_rated,
        facts.is_callback_satisfied::integer as callbacks_satisfied
    from int_period_callback as facts
    cross join wanted
),

-- The counts under each set of keys

beneficiaries_by_cadre as (
    select
        period_id,
        department,
        cadre_phone,
        -- a cadre is known by phone; should two roster rows spell the name differently, one is shown
        any_value(cadre_name) as cadre_name,
        sum(columns(* exclude (
            period_id, county, township, department, cadre_phone, cadre_name, cadre_level, category
        )))::bigint
    from beneficiary_facts
    group by period_id, department, cadre_phone
),

beneficiaries_by_place as (
    select
        period_id,
        county,
        township,
        sum(columns(* exclude (
            period_id, county, township, department, cadre_phone, cadre_name, cadre_level, category
        )))::bigint
    from beneficiary_facts
    group by period_id, county, township
),

beneficiaries_by_kind as (
    select
        period_id,
        cadre_level,
        category,
        sum(columns(* exclude (
            period_id, county, township, department, cadre_phone, cadre_name, cadre_level, category
        )))::bigint
    from beneficiary_facts
    group by period_id, cadre_level, category
),

issues_by_cadre as (
    select
        period_id,
        department,
        cadre_phone,
        sum(columns(* exclude (
            period_id, county, township, department, cadre_phone, cadre_level, category, days_to_close
        )))::bigint,
        list(days_to_close) filter (where days_to_close is not null) as days_to_close
    from issue_facts
    group by period_id, department, cadre_phone
),

issues_by_place as (
    select
        period_id,
        county,
        township,
        sum(columns(* exclude (
            period_id, county, township, department, cadre_phone, cadre_level, category, days_to_close
        )))::bigint,
        list(days_to_close) filter (where days_to_close is not null) as days_to_close
    from issue_facts
    group by period_id, county, township
),

issues_by_kind as (
    select
        period_id,
        cadre_level,
        category,
        sum(columns(* exclude (
            period_id, county, township, department, cadre_phone, cadre_level, category, days_to_close
        )))::bigint,
        list(days_to_close) filter (where days_to_close is not null) as days_to_close
    from issue_facts
    group by period_id, cadre_level, category
),

callbacks_by_cadre as (
    select
        period_id,
        department,
        cadre_phone,
        sum(columns(* exclude (period_id, county, township, department, cadre_phone, cadre_level, category)))::bigint
    from callback_facts
    group by period_id, department, cadre_phone
),

callbacks_by_place as (
    select
        period_id,
        county,
        township,
        sum(columns(* exclude (period_id, county, township, department, cadre_phone, cadre_level, category)))::bigint
    from callback_facts
    group by period_id, county, township
),

callbacks_by_kind as (
    select
        period_id,
        cadre_level,
        category,
        sum(columns(* exclude (period_id, county, township, department, cadre_phone, cadre_level, category)))::bigint
    from callback_facts
    group by period_id, cadre_level, category
),

-- The three kinds of facts side by side under each set of keys: every key with issues or callbacks also has
-- beneficiaries (an issue or a callback counts only with its beneficiary)

by_cadre as (
    select
        beneficiaries.*,
        issues.* exclude (period_id, department, cadre_phone),
        callbacks.* exclude (period_id, department, cadre_phone)
    from beneficiaries_by_cadre as beneficiaries
    left join issues_by_cadre as issues
        on beneficiaries.period_id = issues.period_id
        and beneficiaries.department is not distinct from issues.department
        and beneficiaries.cadre_phone is not distinct from issues.cadre_phone
    left join callbacks_by_cadre as callbacks
        on beneficiaries.period_id = callbacks.period_id
        and beneficiaries.department is not distinct from callbacks.department
        and beneficiaries.cadre_phone is not distinct from callbacks.cadre_phone
),

by_place as (
    select
        beneficiaries.*,
        issues.* exclude (period_id, county, township),
        callbacks.* exclude (period_id, county, township)
    from beneficiaries_by_place as beneficiaries
    left join issues_by_place as issues
        on beneficiaries.period_id = issues.period_id
        and beneficiaries.county is not distinct from issues.county
        and beneficiaries.township is not distinct from issues.township
    left join callbacks_by_place as callbacks
        on beneficiaries.period_id = callbacks.period_id
        and beneficiaries.county is not distinct from callbacks.county
        and beneficiaries.township is not distinct from callbacks.township
),

by_kind as (
    select
        beneficiaries.*,
        issues.* exclude (period_id, cadre_level, category),
        callbacks.* exclude (period_id, cadre_level, category)
    from beneficiaries_by_kind as beneficiaries
    left join issues_by_kind as issues
        on beneficiaries.period_id = issues.period_id
        and beneficiaries.cadre_level is not distinct from issues.cadre_level
        and beneficiaries.category is not distinct from issues.category
    left join callbacks_by_kind as callbacks
        on beneficiaries.period_id = callbacks.period_id
        and beneficiaries.cadre_level is not distinct from callbacks.cadre_level
        and beneficiaries.category is not distinct from callbacks.category
),

groups as (
    -- every grouping from the set that holds its keys: the counts summed again, the days gathered again
    select 'cadre' as grouping_name, *
    from by_cadre
    union all by name
    select
        'department' as grouping_name,
        period_id,
        department,
        sum(columns(* exclude (period_id, department, cadre_phone, cadre_name, days_to_close)))::bigint,
        flatten(list(days_to_close)) as days_to_close
    from by_cadre
    group by period_id, department
    union all by name
    select 'township' as grouping_name, *
    from by_place
    union all by name
    select
        'county' as grouping_name,
        period_id,
        county,
        sum(columns(* exclude (period_id, county, township, days_to_close)))::bigint,
        flatten(list(days_to_close)) as days_to_close
    from by_place
    group by period_id, county
    union all by name
    select
        'overall' as grouping_name,
        period_id,
        sum(columns(* exclude (period_id, county, township, days_to_close)))::bigint,
        flatten(list(days_to_close)) as days_to_close
    from by_place
    group by period_id
    union all by name
    select
        'cadre_level' as grouping_name,
        period_id,
        cadre_level,
        sum(columns(* exclude (period_id, cadre_level, category, days_to_close)))::bigint,
        flatten(list(days_to_close)) as days_to_close
    from by_kind
    group by period_id, cadre_level
    union all by name
    select
        'category' as grouping_name,
        period_id,
        category,
        sum(columns(* exclude (period_id, cadre_level, category, days_to_close)))::bigint,
        flatten(list(days_to_close)) as days_to_close
    from by_kind
    group by period_id, category
),

empty_periods as (
    -- a period with nobody in scope still gets its overall row: counts 0, rates empty
    select
        'overall' as grouping_name,
        periods.period_id
    from int_periods as periods
    anti join beneficiaries_by_place
        on periods.period_id = beneficiaries_by_place.period_id
),

asked as (
    -- the groupings asked for: the sets computed every grouping, some of them with blank keys
    select * from groups
    where list_contains($groupings::varchar[], grouping_name)
    union all by name
    select * from empty_periods
    where list_contains($groupings::varchar[], 'overall')
),

final as (
    -- the counts of every group; the rates, 月均联系频次 and 综合得分 are derived from them (pipeline/catalog.py)
    select
        grouping_name,
        period_id,
        county,
        township,
        department,
        cadre_phone,
        cadre_name,
        cadre_level,
        category,
        coalesce(beneficiaries, 0) as beneficiaries,
        coalesce(paired, 0) as paired,
        coalesce(contacted, 0) as contacted,
        coalesce(home_visited, 0) as home_visited,
        coalesce(contacts, 0) as contacts,
        coalesce(standard_due, 0) as standard_due,
        coalesce(on_standard, 0) as on_standard,
        coalesce(overdue_contact, 0) as overdue_contact,
        coalesce(festival_due, 0) as festival_due,
        coalesce(festival_contacted, 0) as festival_contacted,
        coalesce(children_paired, 0) as children_paired,
        coalesce(children_led, 0) as children_led,
        coalesce(issues_new, 0) as issues_new,
        coalesce(issues_total, 0) as issues_total,
        coalesce(issues_resolved, 0) as issues_resolved,
        coalesce(issues_closed_in_p, 0) as issues_closed_in_p,
        list_median(days_to_close) as median_days_to_close,
        coalesce(issues_overdue, 0) as issues_overdue,
        coalesce(rated_contacts, 0) + coalesce(rated_issues, 0) as rated,
        coalesce(satisfied_contacts, 0) + coalesce(satisfied_issues, 0) as satisfied,
        coalesce(callbacks, 0) as callbacks,
        coalesce(callbacks_reached, 0) as callbacks_reached,
        coalesce(callbacks_knowing, 0) as callbacks_knowing,
        coalesce(callbacks_know_answered, 0) as callbacks_know_answered,
        coalesce(callbacks_true, 0) as callbacks_true,
        coalesce(callbacks_truth_answered, 0) as callbacks_truth_answered,
        coalesce(callbacks_rated, 0) as callbacks_rated,
        coalesce(callbacks_satisfied, 0) as callbacks_satisfied
    from asked
)

select * from final
