-- One row per period and beneficiary in scope that belongs to the group a drill-down asks about.
-- Each key parameter narrows the group when it is given and is ignored when it is null, so the same
-- model serves every grouping (and, with all keys null, the whole scope).
with beneficiaries as (
    select * from int_period_beneficiary
),

final as (
    select *
    from beneficiaries
    where ($key_county::varchar is null or county = $key_county::varchar)
        and ($key_township::varchar is null or township = $key_township::varchar)
        and ($key_department::varchar is null or department = $key_department::varchar)
        and ($key_cadre_name::varchar is null or cadre_name = $key_cadre_name::varchar)
        and ($key_cadre_phone::varchar is null or cadre_phone = $key_cadre_phone::varchar)
        and ($key_cadre_level::varchar is null or cadre_level = $key_cadre_level::varchar)
        and ($key_category::varchar is null or category = $key_category::varchar)
)

select * from final
