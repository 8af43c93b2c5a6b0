-- Every pairing of one beneficiary, earliest first: the cadres who had him, with their dates.
select
    cadre_name,
    cadre_phone,
    department,
    cadre_level,
    pairing_mode,
    paired_on,
    unpaired_on
from pairing
where id_number = $id_number
order by paired_on, cadre_phone
