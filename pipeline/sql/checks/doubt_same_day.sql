-- One row per cadre (known by his 干部电话) and run of at least $doubt_same_day_months consecutive calendar months in
-- each of which there was a day when every one of his pairs (at least $doubt_same_day_pairs, counting the pairings
-- active that day of people in the programme that day) was contacted: a ledger filled in at a desk looks like that
-- (SPEC §8). With a period ($period_start..$period_end), the runs that reach into it (looked for from a year before
-- it, so that a run shows from its first month).
with scanned as (
    select
        contact.id_number,
        contact.contact_date,
        active.cadre_name,
        active.cadre_phone,
        active.department
    from contact
    inner join int_contact_active_pairing as active on active.contact_key = contact.contact_key
    where $period_start::date is null
        or contact.contact_date >= date_trunc('month', $period_start::date) - to_months($doubt_same_day_months::integer + 11)
),

day_counts as (
    select cadre_phone, contact_date, count(distinct id_number) as contacted
    from scanned
    group by cadre_phone, contact_date
    having count(distinct id_number) >= $doubt_same_day_pairs::integer
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

people as (
    -- the people contacted on those days, with the cadre's name and department as of the last of them
    select
        runs.cadre_phone,
        runs.run,
        arg_max(scanned.cadre_name, scanned.contact_date) as cadre_name,
        arg_max(scanned.department, scanned.contact_date) as department,
        string_agg(distinct beneficiary.county, '、' order by beneficiary.county) as county,
        list(distinct struct_pack(
            id_number := scanned.id_number, beneficiary_name := beneficiary.name
        )) filter (
            where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        ) as records,
        bool_or(
            ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
            and ($scope_department::varchar is null or scanned.department = $scope_department::varchar)
        ) as is_in_scope
    from runs
    inner join scanned
        on scanned.cadre_phone = runs.cadre_phone
        and list_contains(runs.days, scanned.contact_date)
    inner join beneficiary on beneficiary.id_number = scanned.id_number
    group by runs.cadre_phone, runs.run
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
