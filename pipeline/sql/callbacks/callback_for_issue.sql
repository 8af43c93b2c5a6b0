-- One callback ($callback_key) with what an issue raised from it needs: the person, the day, the problem reported,
-- and the department of the cadre paired with the person that day (the issue's 责任单位).
select callback.id_number, callback.callback_date, callback.reported_issue, pairing.department
from callback
left join pairing
    on pairing.id_number = callback.id_number
    and pairing.paired_on <= callback.callback_date
    and (pairing.unpaired_on is null or pairing.unpaired_on > callback.callback_date)
where callback.callback_key = $callback_key
