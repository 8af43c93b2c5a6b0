-- One row per value a page filter can take: kind 'county' or 'department', then the value.
select 'county' as kind, county as value
from beneficiary
group by county
union all
select 'department' as kind, department as value
from pairing
group by department
order by kind, value
