-- The incoming issues (registered as `candidates`: open, or without 办结日期) whose stored version is
-- closed: applying them would move the issue back (SPEC §4). An issue stored without a 问题编号 that now
-- arrives with one is matched under its natural key, as issue_takeover.sql does. $closed lists the
-- closed statuses.
with matched as (
    select candidates.pos, stored.status, stored.closed_on, stored.batch_id
    from candidates
    join issue as stored on stored.issue_key = candidates.issue_key
    union all
    select candidates.pos, stored.status, stored.closed_on, stored.batch_id
    from candidates
    join issue as stored on stored.issue_no is null and stored.issue_key = candidates.natural_key
    where candidates.issue_no is not null
      and not exists (select 1 from issue as numbered where numbered.issue_key = candidates.issue_key)
)

select pos, status, closed_on, batch_id
from matched
where list_contains($closed, status) or closed_on is not null
order by pos
