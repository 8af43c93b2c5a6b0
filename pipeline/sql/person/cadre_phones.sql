-- One row per cadre (known by his phone) with a pairing, current or past, within the caller's scope: the cadres
-- whose file the caller may open.
select distinct cadre_phone
from int_cadre_pairing
