-- One row per stored issue that was imported without a 问题编号 and now arrives with one:
-- the numbered row takes its place (the stored row is replaced, counted as updated).
select staged.pos, stored.issue_key as old_key
from staged
join issue as stored
    on stored.issue_no is null and stored.issue_key = staged.natural_key
where staged.issue_no is not null
  and not exists (select 1 from issue as numbered where numbered.issue_key = staged.issue_key)
