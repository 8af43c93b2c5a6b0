-- One row per beneficiary in the programme on $as_of, paired that day, with no contact recorded at
-- all (by anyone, on any date); the longest-paired first, since they have waited the longest.
with in_programme as (
    select *
    from beneficiary
    where enrolled_on <= $as_of::date
        and (exited_on is null or exited_on > $as_of::date)
),

final as (
    select
        in_programme.county,
        in_programme.township,
        in_programme.id_number,
        in_programme.name as beneficiary_name,
        in_programme.category,
        pairing.cadre_name,
        pairing.cadre_phone,
        pairing.department,
        pairing.paired_on,
        date_diff('day', pairing.paired_on, $as_of::date) as days_paired
    from in_programme
    inner join int_active_pairing as pairing
        on pairing.id_number = in_programme.id_number
    -- the people with any contact: one row each (int_person_contact), not every contact
    anti join int_person_contact as contacted on contacted.id_number = in_programme.id_number
    where ($scope_county::varchar is null or in_programme.county = $scope_county::varchar)
        and ($scope_department::varchar is null or pairing.department = $scope_department::varchar)
)

select * from final
order by paired_on, county, township, id_number
