-- One row per incoming ID number that is in the roster.
select incoming_ids.id_number
from incoming_ids
join beneficiary using (id_number)
