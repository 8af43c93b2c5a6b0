-- One row per cadre (known by his 干部电话) with a pair in the scope, on any day; none without a scope, where every
-- cadre is in it and a check reads no list. A check that counts all of a cadre's pairs or visits lists him in a
-- county's or department's view only if he is one of these.
with pairings as (
    select * from stg_pairing
),

beneficiaries as (
    select * from stg_beneficiary
)

select distinct pairings.cadre_phone
from pairings
inner join beneficiaries on beneficiaries.id_number = pairings.id_number
where ($scope_county::varchar is not null or $scope_department::varchar is not null)
    and ($scope_county::varchar is null or beneficiaries.county = $scope_county::varchar)
    and ($scope_department::varchar is null or pairings.department = $scope_department::varchar)
