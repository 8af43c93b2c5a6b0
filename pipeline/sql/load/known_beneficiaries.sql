-- One row per incoming ID number that is in the roster, with the county it is stored under.
select incoming_ids.id_number, beneficiary.county
from incoming_ids
join beneficiary using (id_number)
