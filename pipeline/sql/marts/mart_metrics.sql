-- One row per period, grouping and group: the counts behind the metrics of SPEC §5 for every grouping asked for.
-- The facts of beneficiaries, issues and callbacks come as one stream; each fact of a period is counted once
-- for every grouping asked for, under that grouping's keys (the other keys blank), and all groups of all
-- those groupings come out of one aggregation: the facts are read once however many groupings are wanted,
-- and a grouping nobody asked for costs nothing (a trend of the overall figures sums the facts of each
-- period straight into its row).
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

facts as (
    -- the three kinds of fact, each with the keys of its person and pairing; a column of another kind is null
    select
        'beneficiary' as fact,
        period_id,
        county,
        township,
        department,
        cadre_phone,
        cadre_name,
        cadre_level,
        category,
        is_paired::integer as is_paired,
        is_contacted::integer as is_contacted,
        is_home_visited::integer as is_home_visited,
        is_standard_due::integer as is_standard_due,
        is_on_standard::integer as is_on_standard,
        is_overdue_contact::integer as is_overdue_contact,
        is_festival_due::integer as is_festival_due,
        is_festival_contacted::integer as is_festival_contacted,
        is_child_paired::integer as is_child_paired,
        is_child_led::integer as is_child_led,
        contacts,
        rated_contacts,
        satisfied_contacts
    from int_period_beneficiary_metrics
    union all by name
    select
        'issue' as fact,
        period_id,
        county,
        township,
        department,
        cadre_phone,
        cadre_level,
        category,
        is_new::integer as is_new,
        is_resolved::integer as is_resolved,
        is_closed_in_period::integer as is_closed_in_period,
        days_to_close,
        is_overdue::integer as is_overdue,
        is_rated_in_period::integer as rated_issue,
        is_satisfied_in_period::integer as satisfied_issue
    from int_period_issue
    union all by name
    select
        'callback' as fact,
        period_id,
        county,
        township,
        department,
        cadre_phone,
        cadre_level,
        category,
        is_reached::integer as is_reached,
        knows_yes::integer as knows_yes,
        knows_answered::integer as knows_answered,
        is_true::integer as is_true,
        truth_answered::integer as truth_answered,
        is_callback_rated::integer as is_callback_rated,
        is_callback_satisfied::integer as is_callback_satisfied
    from int_period_callback
),

keyed as (
    -- every fact under the keys of every grouping asked for
    select
        groupings.grouping_name,
        case when groupings.by_county then facts.county end as county,
        case when groupings.by_township then facts.township end as township,
        case when groupings.by_department then facts.department end as department,
        case when groupings.by_cadre then facts.cadre_phone end as cadre_phone,
        -- the name belongs to the cadre rows only; elsewhere it would be an arbitrary cadre's
        case when groupings.by_cadre then facts.cadre_name end as cadre_name,
        case when groupings.by_cadre_level then facts.cadre_level end as cadre_level,
        case when groupings.by_category then facts.category end as category,
        facts.* exclude (county, township, department, cadre_phone, cadre_name, cadre_level, category)
    from facts
    cross join groupings
),

grouped as (
    -- a group is one of beneficiaries: an issue or a callback counts only with its beneficiary, who is in the
    -- same group, so a group of issues or callbacks alone cannot arise (the having clause says so)
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
        count(*) filter (where fact = 'beneficiary') as beneficiaries,
        coalesce(sum(is_paired), 0)::bigint as paired,
        coalesce(sum(is_contacted), 0)::bigint as contacted,
        coalesce(sum(is_home_visited), 0)::bigint as home_visited,
        coalesce(sum(contacts), 0)::bigint as contacts,
        coalesce(sum(is_standard_due), 0)::bigint as standard_due,
        coalesce(sum(is_on_standard), 0)::bigint as on_standard,
        coalesce(sum(is_overdue_contact), 0)::bigint as overdue_contact,
        coalesce(sum(is_festival_due), 0)::bigint as festival_due,
        coalesce(sum(is_festival_contacted), 0)::bigint as festival_contacted,
        coalesce(sum(is_child_paired), 0)::bigint as children_paired,
        coalesce(sum(is_child_led), 0)::bigint as children_led,
        coalesce(sum(is_new), 0)::bigint as issues_new,
        count(*) filter (where fact = 'issue') as issues_total,
        coalesce(sum(is_resolved), 0)::bigint as issues_resolved,
        coalesce(sum(is_closed_in_period), 0)::bigint as issues_closed_in_p,
        median(days_to_close) as median_days_to_close,
        coalesce(sum(is_overdue), 0)::bigint as issues_overdue,
        (coalesce(sum(rated_contacts), 0) + coalesce(sum(rated_issue), 0))::bigint as rated,
        (coalesce(sum(satisfied_contacts), 0) + coalesce(sum(satisfied_issue), 0))::bigint as satisfied,
        count(*) filter (where fact = 'callback') as callbacks,
        coalesce(sum(is_reached), 0)::bigint as callbacks_reached,
        coalesce(sum(knows_yes), 0)::bigint as callbacks_knowing,
        coalesce(sum(knows_answered), 0)::bigint as callbacks_know_answered,
        coalesce(sum(is_true), 0)::bigint as callbacks_true,
        coalesce(sum(truth_answered), 0)::bigint as callbacks_truth_answered,
        coalesce(sum(is_callback_rated), 0)::bigint as callbacks_rated,
        coalesce(sum(is_callback_satisfied), 0)::bigint as callbacks_satisfied
    from keyed
    group by grouping_name, period_id, county, township, department, cadre_phone, cadre_level, category
    having count(*) filter (where fact = 'beneficiary') > 0
),

empty_periods as (
    -- a period with nobody in scope still gets its overall row: its counts 0, its rates empty
    select
        'overall' as grouping_name,
        periods.period_id
    from int_periods as periods
    semi join groupings
        on groupings.grouping_name = 'overall'
    anti join grouped
        on periods.period_id = grouped.period_id
        and grouped.grouping_name = 'overall'
),

final as (
    -- the counts of every group; the rates, 月均联系频次 and 综合得分 are derived from them (pipeline/catalog.py)
    select * from grouped
    union all by name
    -- the empty overall rows: every count 0 (the median, like the keys, stays empty)
    select
        empty_periods.*,
        coalesce(columns(counts.*), 0)
    from empty_periods
    left join (
        select * exclude (
            grouping_name, period_id, county, township, department, cadre_phone, cadre_name, cadre_level,
            category, median_days_to_close
        )
        from grouped
        limit 0
    ) as counts
        on false
)

select * from final
