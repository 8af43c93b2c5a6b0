-- Every issue of one beneficiary, latest raised first, as it stands now.
select
    issue_no,
    raised_on,
    category as issue_category,
    description,
    level as issue_level,
    responsible_unit,
    status,
    closed_on,
    rating,
    batch_id
from issue
where id_number = $id_number
order by raised_on desc, issue_no
