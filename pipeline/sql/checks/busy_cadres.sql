-- One row per cadre (known by his 干部电话) with more than $max_pairs pairings active on $as_of,
-- counting only beneficiaries in the programme that day. The count is over all his pairs; a
-- county or department view lists the cadres with at least one of those pairs in it.
with active as (
    select
        pairing.cadre_phone,
        pairing.cadre_name,
        pairing.department,
        pairing.paired_on,
        beneficiary.county
    from int_active_pairing as pairing
    inner join beneficiary on beneficiary.id_number = pairing.id_number
    where beneficiary.enrolled_on <= $as_of::date
        and (beneficiary.exited_on is null or beneficiary.exited_on > $as_of::date)
),

per_cadre as (
    select
        cadre_phone,
        arg_max(cadre_name, paired_on) as cadre_name,  -- the name on his latest pairing
        string_agg(distinct department, '、' order by department) as department,
        string_agg(distinct county, '、' order by county) as counties,
        count(*) as pairs,
        bool_or(
            ($scope_county::varchar is null or county = $scope_county::varchar)
            and ($scope_department::varchar is null or department = $scope_department::varchar)
        ) as is_in_scope
    from active
    group by cadre_phone
),

final as (
    select department, cadre_name, cadre_phone, pairs, counties
    from per_cadre
    where pairs > $max_pairs::integer and is_in_scope
)

select * from final
order by pairs desc, department, cadre_name, cadre_phone
