-- One row per incoming issue written without a 问题编号 that matches exactly one stored numbered
-- issue (same person, date, category, description): a later ledger that dropped the numbers.
select staged.pos, min(stored.issue_key) as issue_key, min(stored.issue_no) as issue_no
from staged
join issue as stored
    on stored.issue_no is not null
    and stored.id_number = staged.id_number
    and stored.raised_on = staged.raised_on
    and stored.category = staged.category
    and stored.description = staged.description
where staged.issue_no is null
  and not exists (select 1 from issue as plain where plain.issue_key = staged.issue_key)
group by staged.pos
having count(*) = 1
