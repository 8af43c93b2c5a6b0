-- One beneficiary as the roster holds him, if he is within the caller's scope (a department's users see
-- the people whose pairing today is with their department).
select roster.*
from int_person_roster as roster
where roster.id_number = $id_number
    and ($scope_county::varchar is null or roster.county = $scope_county::varchar)
    and (
        $scope_department::varchar is null
        or exists (
            select 1
            from int_active_pairing as pairing
            where pairing.id_number = roster.id_number
                and pairing.department = $scope_department::varchar
        )
    )
