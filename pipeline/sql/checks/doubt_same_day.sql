-- One row per cadre (known by his 干部电话) and run of at least $doubt_same_day_months consecutive calendar months in
-- each of which there was a day when every one of his pairs (at least $doubt_same_day_pairs, counting the pairings
-- active that day of people in the programme that day) was contacted: a ledger filled in at a desk looks like that
-- (SPEC §8). With a period ($period_start..$period_end), the runs that reach into it (looked for from a year before
-- it, so that a run shows from its first month).
with candidate_cadres as (
    -- only a cadre with at least $doubt_same_day_pairs pairings of people on the roster can have that many pairs
    -- on a day, and a county or department view lists only cadres with a pair in it
    select pairing.cadre_phone
    from pairing
    inner join beneficiary on beneficiary.id_number = pairing.id_number
    group by pairing.cadre_phone
    having count(*) >= $doubt_same_day_pairs::integer
        and bool_or(
            ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
            and ($scope_department::varchar is null or pairing.department = $scope_department::varchar)
        )
),

busy_cadres as (
    -- with a period, only a cadre who had a busy day in its months can have a run reaching into it (the run has a
    -- month in the period, with a day when at least $doubt_same_day_pairs of his pairs were contacted): those days
    -- are counted first, over the period's own contacts, and the runs looked for among these cadres only; without
    -- a period, every candidate. Each cadre once: the contacts meet these cadres in an inner join, which lets DuckDB
    -- pick their pairings before it meets the contacts with them (a semi join would come after)
    select cadre_phone
    from candidate_cadres
    where $period_start::date is null
    union all
    select distinct active.cadre_phone
    from int_contact_active_pairing as active
    inner join candidate_cadres on candidate_cadres.cadre_phone = active.cadre_phone
    where $period_start::date is not null
        and active.contact_date >= date_trunc('month', $period_start::date)
        and active.contact_date <= last_day($period_end::date)
    group by active.cadre_phone, active.contact_date
    having count(*) >= $doubt_same_day_pairs::integer
),

scanned as (
    select active.id_number, active.contact_date, active.cadre_name, active.cadre_phone, active.department
    from int_contact_active_pairing as active
    inner join busy_cadres on busy_cadres.cadre_phone = active.cadre_phone
    where $period_start::date is null
        or active.contact_date
            >= date_trunc('month', $period_start::date) - to_months($doubt_same_day_months::integer + 11)
),

person_days as (
    select distinct cadre_phone, contact_date, id_number
    from scanned
),

day_counts as (
    select cadre_phone, contact_date, count(*) as contacted
    from person_days
    group by cadre_phone, contact_date
    having count(*) >= $doubt_same_day_pairs::integer
),

pairs_that_day as (
    select day_counts.cadre_phone, day_counts.contact_date, day_counts.contacted, count(*) as pairs
    from day_counts
    inner join pairing
        on pairing.cadre_phone = day_counts.cadre_phone
        and pairing.paired_on <= day_counts.contact_date
        and (pairing.unpaired_on is null or pairing.unpaired_on > day_counts.contact_date)
    inner join beneficiary
        on beneficiary.id_number = pairing.id_number
        and beneficiary.enrolled_on <= day_counts.contact_date
        and (beneficiary.exited_on is null or beneficiary.exited_on > day_counts.contact_date)
    group by day_counts.cadre_phone, day_counts.contact_date, day_counts.contacted
),

full_months as (
    -- the first such day of each month
    select
        cadre_phone,
        date_trunc('month', contact_date)::date as month,
        min(contact_date) as contact_date,
        arg_min(pairs, contact_date) as pairs
    from pairs_that_day
    where contacted = pairs
    group by cadre_phone, date_trunc('month', contact_date)
),

numbered as (
    select
        *,
        year(month) * 12 + month(month)
            - row_number() over (partition by cadre_phone order by month) as run
    from full_months
),

runs as (
    select
        cadre_phone,
        run,
        count(*) as months,
        min(month) as first_month,
        max(month) as last_month,
        list(contact_date order by contact_date) as days,
        min(pairs) as pairs
    from numbered
    group by cadre_phone, run
    having count(*) >= $doubt_same_day_months::integer
),

run_days as (
    -- each day of a run on its own row: the contacts of those days meet them by an equality join
    select cadre_phone, run, unnest(days) as contact_date
    from runs
),

people as (
    -- the people contacted on those days, with the cadre's name and department as of the last of them
    select
        run_days.cadre_phone,
        run_days.run,
        arg_max(scanned.cadre_name, scanned.contact_date) as cadre_name,
        arg_max(scanned.department, scanned.contact_date) as department,
        string_agg(distinct beneficiary.county, '、' order by beneficiary.county) as county,
        list(
            distinct struct_pack(id_number := scanned.id_number, beneficiary_name := beneficiary.name)
            order by struct_pack(id_number := scanned.id_number, beneficiary_name := beneficiary.name)
        ) filter (
            where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        ) as records,
        bool_or(
            ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
            and ($scope_department::varchar is null or scanned.department = $scope_department::varchar)
        ) as is_in_scope
    from run_days
    inner join scanned
        on scanned.cadre_phone = run_days.cadre_phone
        and scanned.contact_date = run_days.contact_date
    inner join beneficiary on beneficiary.id_number = scanned.id_number
    group by run_days.cadre_phone, run_days.run
),

final as (
    select
        people.department,
        people.cadre_name,
        runs.cadre_phone,
        people.county,
        runs.months,
        runs.first_month,
        runs.last_month,
        runs.days,
        runs.pairs,
        people.records
    from runs
    inner join people
        on people.cadre_phone = runs.cadre_phone
        and people.run = runs.run
    where people.is_in_scope
        and ($period_start::date is null or last_day(runs.last_month) >= $period_start::date)
        and ($period_end::date is null or runs.first_month <= $period_end::date)
)

select * from final
order by last_month desc, department, cadre_name, cadre_phone
