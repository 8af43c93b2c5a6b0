-- The ledger's key of an issue of an overdue list: by 问题编号 when it has one, else by person, date, category
-- and description (as the import keys it).
select min(issue_key) as issue_key
from issue
where id_number = $id_number
    and (
        (cast($issue_no as varchar) is not null and issue_no = $issue_no)
        or (
            cast($issue_no as varchar) is null
            and raised_on = $raised_on
            and category = $category
            and description = $description
        )
    )
