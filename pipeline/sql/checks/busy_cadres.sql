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
        and (
            ($scope_county::varchar is null and $scope_department::varchar is null)
            or pairing.cadre_phone in (select cadre_phone from int_scoped_cadres)
        )
),

busy as (
    -- counted first: the names are put together for the busy cadres only
    select cadre_phone, count(*) as pairs
    from active
    group by cadre_phone
    having count(*) > $max_pairs::integer
        and bool_or(
            ($scope_county::varchar is null or county = $scope_county::varchar)
            and ($scope_department::varchar is null or department = $scope_department::varchar)
        )
),

per_cadre as (
    select
        active.cadre_phone,
        arg_max(active.cadre_name, active.paired_on) as cadre_name,  -- the name on his latest pairing
        string_agg(distinct active.department, '、' order by active.department) as department,
        string_agg(distinct active.county, '、' order by active.county) as counties
    from active
    semi join busy on busy.cadre_phone = active.cadre_phone
    group by active.cadre_phone
),

final as (
    select per_cadre.department, per_cadre.cadre_name, busy.cadre_phone, busy.pairs, per_cadre.counties
    from busy
    inner join per_cadre on per_cadre.cadre_phone = busy.cadre_phone
)

select * from final
order by pairs desc, department, cadre_name, cadre_phone
