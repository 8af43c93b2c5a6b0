-- 报送情况: one row per county or department (unit_kind) with paired people in the programme on $as_of: the
-- last import that wrote each kind of its rows (roster: its people or pairings; visits: contacts with its
-- people; issues: their issues), and how many of its pairs have a contact dated in the month reported on
-- ($month_start to $as_of). A unit whose pairs have no contact in that month has not sent its log yet.
-- The scope narrows the people first: a county's users see their county and the departments' share of it.
with pairs as materialized (
    select
        beneficiary.id_number,
        beneficiary.county,
        pairing.department,
        greatest(beneficiary.batch_id, pairing.batch_id) as roster_batch
    from beneficiary
    inner join int_active_pairing as pairing
        on pairing.id_number = beneficiary.id_number
    where beneficiary.enrolled_on <= $as_of::date
        and (beneficiary.exited_on is null or beneficiary.exited_on > $as_of::date)
        and ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or pairing.department = $scope_department::varchar)
),

pair_groups as (
    -- the pairs of each county and department together: what the units are counted from
    select county, department, count(*) as pairs, max(roster_batch) as roster_batch
    from pairs
    group by county, department
),

month_groups as (
    select pairs.county, pairs.department, count(*) as pairs_contacted_in_month
    from pairs
    where pairs.id_number in (
        select id_number from contact where contact_date between $month_start::date and $as_of::date
    )
    group by pairs.county, pairs.department
),

visit_groups as (
    -- each person's last import of contacts is kept with his first and last contact (int_person_contact): one row
    -- per person, not every contact
    select pairs.county, pairs.department, max(people.last_batch_id) as visits_batch
    from pairs
    inner join int_person_contact as people on people.id_number = pairs.id_number
    group by pairs.county, pairs.department
),

issue_groups as (
    select pairs.county, pairs.department, max(issue.batch_id) as issues_batch
    from issue
    inner join pairs on pairs.id_number = issue.id_number
    group by pairs.county, pairs.department
),

groups as (
    select
        pair_groups.*,
        coalesce(month_groups.pairs_contacted_in_month, 0) as pairs_contacted_in_month,
        visit_groups.visits_batch,
        issue_groups.issues_batch
    from pair_groups
    left join month_groups using (county, department)
    left join visit_groups using (county, department)
    left join issue_groups using (county, department)
),

units as (
    select 'county' as unit_kind, county as unit, * exclude (county, department) from groups
    union all
    select 'department' as unit_kind, department as unit, * exclude (county, department) from groups
),

per_unit as (
    select
        unit_kind,
        unit,
        sum(pairs)::bigint as pairs,
        sum(pairs_contacted_in_month)::bigint as pairs_contacted_in_month,
        max(roster_batch) as roster_batch,
        max(visits_batch) as visits_batch,
        max(issues_batch) as issues_batch
    from units
    group by unit_kind, unit
),

final as (
    select
        per_unit.unit_kind,
        per_unit.unit,
        per_unit.pairs,
        per_unit.pairs_contacted_in_month,
        per_unit.pairs_contacted_in_month > 0 as has_month_log,
        roster.imported_at as roster_imported_at,
        roster.user_name as roster_user,
        visits.imported_at as visits_imported_at,
        visits.user_name as visits_user,
        issues.imported_at as issues_imported_at,
        issues.user_name as issues_user
    from per_unit
    left join import_batch as roster on roster.batch_id = per_unit.roster_batch
    left join import_batch as visits on visits.batch_id = per_unit.visits_batch
    left join import_batch as issues on issues.batch_id = per_unit.issues_batch
)

select * from final
order by unit_kind, has_month_log, unit
