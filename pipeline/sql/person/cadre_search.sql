-- The cadres a search text finds, within the caller's scope: by name (a part of it) or by phone (full, or
-- masked: first three and last four digits). One row per cadre (known by phone) with his department(s) and
-- how many pairs in the programme he has today. At most $limit rows.
with pairings as (
    select pairing.*, beneficiary.county
    from int_active_pairing as pairing
    inner join beneficiary
        on beneficiary.id_number = pairing.id_number
    where beneficiary.enrolled_on <= $as_of::date
        and (beneficiary.exited_on is null or beneficiary.exited_on > $as_of::date)
        and ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or pairing.department = $scope_department::varchar)
),

final as (
    select
        cadre_phone,
        arg_max(cadre_name, paired_on) as cadre_name,
        string_agg(distinct department, '、' order by department) as department,
        arg_max(cadre_level, paired_on) as cadre_level,
        count(*) as pairs
    from pairings
    where ($name_text::varchar is not null and contains(cadre_name, $name_text::varchar))
        or cadre_phone = $full_phone::varchar
        or (
            $phone_head::varchar is not null
            and starts_with(cadre_phone, $phone_head::varchar)
            and ends_with(cadre_phone, $phone_tail::varchar)
        )
    group by cadre_phone
)

select * from final
order by cadre_name, cadre_phone
limit $limit
