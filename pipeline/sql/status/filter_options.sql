-- One row per value a page filter can take within a scope: kind 'county' or 'department', then the value.
-- A county scope offers its own county and the departments pairing its beneficiaries; a department scope
-- offers its own department and the counties of the beneficiaries its cadres were paired with.
with in_scope as (
    select beneficiary.county, pairing.department
    from beneficiary
    left join pairing on pairing.id_number = beneficiary.id_number
    where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or pairing.department = $scope_department::varchar)
)
select 'county' as kind, county as value
from in_scope
where county is not null
group by county
union all
select 'department' as kind, department as value
from in_scope
where department is not null
group by department
order by kind, value
