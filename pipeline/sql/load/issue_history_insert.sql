-- The state each issue written by this batch has now: one history row per issue and batch
insert into issue_history (issue_key, batch_id, status, closed_on, level)
select issue_key, batch_id, status, closed_on, level
from issue
where batch_id = $batch_id
