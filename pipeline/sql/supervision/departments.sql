-- One row per department (干部单位) of the pairing roster within a county (all when county is null).
select distinct pairing.department
from pairing
join beneficiary on beneficiary.id_number = pairing.id_number
where cast($county as varchar) is null or beneficiary.county = $county
order by pairing.department
