-- One row per stored pairing of the people a roster file mentions.
select pairing.id_number, pairing.cadre_phone, pairing.paired_on, pairing.unpaired_on
from pairing
join incoming_ids using (id_number)
