-- Every pairing of one cadre ($key_cadre_phone) within the caller's scope, earliest first: the person and the
-- days the pairing began and ended (解除日期, empty while it runs).
select *
from int_cadre_pairing
order by paired_on, county, township, id_number
