-- One row per cadre (known by his 干部电话) and day with at least $doubt_day_visits home visits (入户走访) of the
-- people paired with him that day, spread over at least $doubt_day_townships townships: one person can hardly do
-- so much in a day, so the office calls these people back first (SPEC §8). Only days in the period
-- ($period_start..$period_end) when one is given. The rule counts all his visits; a county or department view lists
-- the cadre-days with at least one visit in it, and only the visits in it.
with home_visits as not materialized (
    -- inlined in each branch below, so that a scope's inner join reaches the contacts' scan
    select active.id_number, active.contact_date, active.cadre_name, active.cadre_phone, active.department
    from int_contact_active_pairing as active
    where active.method = $visit_method::varchar
        and ($period_start::date is null or active.contact_date >= $period_start::date)
        and ($period_end::date is null or active.contact_date <= $period_end::date)
),

visits as (
    -- in a scope, the visits of its cadres met with them in an inner join (DuckDB then picks their pairings before
    -- it meets the contacts); the city's view needs no cadre list (int_scoped_cadres has none without a scope)
    select *
    from home_visits
    where $scope_county::varchar is null and $scope_department::varchar is null
    union all
    select home_visits.*
    from home_visits
    inner join int_scoped_cadres as scoped_cadres on scoped_cadres.cadre_phone = home_visits.cadre_phone
),

busy_days as (
    -- a plain count first: only a day with enough visits can qualify, so the townships are counted for those alone
    select cadre_phone, contact_date
    from visits
    group by cadre_phone, contact_date
    having count(*) >= $doubt_day_visits::integer
),

busy_visits as (
    select
        visits.*,
        beneficiary.county,
        beneficiary.township,
        beneficiary.name as beneficiary_name,
        ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
            and ($scope_department::varchar is null or visits.department = $scope_department::varchar) as is_in_scope
    from visits
    semi join busy_days
        on busy_days.cadre_phone = visits.cadre_phone
        and busy_days.contact_date = visits.contact_date
    inner join beneficiary on beneficiary.id_number = visits.id_number
),

per_day as (
    select
        cadre_phone,
        contact_date,
        min(cadre_name) as cadre_name,
        string_agg(distinct department, '、' order by department) as department,
        string_agg(distinct county, '、' order by county) as county,
        count(*) as visits,
        count(distinct (county, township)) as townships,
        string_agg(distinct township, '、' order by township) as township_names,
        list(
            struct_pack(id_number, beneficiary_name, township, contact_date)
            order by township, id_number
        ) filter (where is_in_scope) as records,
        bool_or(is_in_scope) as is_in_scope
    from busy_visits
    group by cadre_phone, contact_date
),

final as (
    select
        department,
        cadre_name,
        cadre_phone,
        county,
        contact_date,
        visits,
        townships,
        township_names,
        records
    from per_day
    where visits >= $doubt_day_visits::integer
        and townships >= $doubt_day_townships::integer
        and is_in_scope
)

select * from final
order by contact_date desc, department, cadre_name, cadre_phone
