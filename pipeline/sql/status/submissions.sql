-- 报送情况: one row per county or department (unit_kind) with paired people in the programme on $as_of: the
-- last import that wrote each kind of its rows (roster: its people or pairings; visits: contacts with its
-- people; issues: their issues), and how many of its pairs have a contact dated in the month reported on
-- ($month_start to $as_of). A unit whose pairs have no contact in that month has not sent its log yet.
-- The scope narrows the people first: a county's users see their county and the departments' share of it.
with pairs as (
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

contact_facts as (
    select
        id_number,
        max(batch_id) as visits_batch,
        count(*) filter (where contact_date between $month_start::date and $as_of::date) as month_contacts
    from contact
    where id_number in (select id_number from pairs)
    group by id_number
),

issue_facts as (
    select id_number, max(batch_id) as issues_batch
    from issue
    where id_number in (select id_number from pairs)
    group by id_number
),

facts as (
    select
        pairs.*,
        contact_facts.visits_batch,
        coalesce(contact_facts.month_contacts, 0) as month_contacts,
        issue_facts.issues_batch
    from pairs
    left join contact_facts on contact_facts.id_number = pairs.id_number
    left join issue_facts on issue_facts.id_number = pairs.id_number
),

units as (
    select 'county' as unit_kind, county as unit, * exclude (county, department) from facts
    union all
    select 'department' as unit_kind, department as unit, * exclude (county, department) from facts
),

per_unit as (
    select
        unit_kind,
        unit,
        count(*) as pairs,
        count(*) filter (where month_contacts > 0) as pairs_contacted_in_month,
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
