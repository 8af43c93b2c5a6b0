-- One row per pairing, current or past, within the caller's scope (the person in $scope_county, the pairing with
-- $scope_department), of the one cadre $key_cadre_phone when it is given, with the person as the roster holds him.
-- A cadre's file reads his pairings here: a county's users see his pairs in their county, a department's those
-- paired through their department.
with pairings as (
    select * from stg_pairing
    where $key_cadre_phone::varchar is null or cadre_phone = $key_cadre_phone::varchar
),

roster as (
    select * from int_person_roster
),

final as (
    select
        pairings.id_number,
        roster.name as beneficiary_name,
        roster.category,
        roster.county,
        roster.township,
        roster.village,
        roster.enrolled_on,
        roster.exited_on,
        pairings.cadre_phone,
        pairings.cadre_name,
        pairings.department,
        pairings.cadre_level,
        pairings.pairing_mode,
        pairings.paired_on,
        pairings.unpaired_on
    from pairings
    inner join roster
        on roster.id_number = pairings.id_number
    where ($scope_county::varchar is null or roster.county = $scope_county::varchar)
        and ($scope_department::varchar is null or pairings.department = $scope_department::varchar)
)

select * from final
