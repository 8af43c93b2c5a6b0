-- Every stored pairing of some people (registered as `incoming_ids`), with its cadre and unit: the
-- candidates of a cadre's phone change.
select pairing.id_number, pairing.cadre_phone, pairing.cadre_name, pairing.department,
       pairing.paired_on, pairing.unpaired_on
from pairing
join incoming_ids using (id_number)
