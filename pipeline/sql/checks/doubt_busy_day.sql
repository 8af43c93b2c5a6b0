-- One row per cadre (known by his 干部电话) and day with at least $doubt_day_visits home visits (入户走访) of the
-- people paired with him that day, spread over at least $doubt_day_townships townships: one person can hardly do
-- so much in a day, so the office calls these people back first (SPEC §8). Only days in the period
-- ($period_start..$period_end) when one is given. The rule counts all his visits; a county or department view lists
-- the cadre-days with at least one visit in it, and only the visits in it.
with visits as (
    select
        contact.id_number,
        contact.contact_date,
        active.cadre_name,
        active.cadre_phone,
        active.department,
        beneficiary.county,
        beneficiary.township,
        beneficiary.name as beneficiary_name,
        ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
            and ($scope_department::varchar is null or active.department = $scope_department::varchar) as is_in_scope
    from contact
    inner join int_contact_active_pairing as active on active.contact_key = contact.contact_key
    inner join beneficiary on beneficiary.id_number = contact.id_number
    where contact.method = $visit_method::varchar
        and ($period_start::date is null or contact.contact_date >= $period_start::date)
        and ($period_end::date is null or contact.contact_date <= $period_end::date)
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
    from visits
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
