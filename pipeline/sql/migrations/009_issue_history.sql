-- The history of each issue's state (一人一档: "every issue with its state history"): one row per issue and
-- import batch that wrote it — the status, 办结日期 and 办理层级 that batch set. An issue already stored gets
-- its present state as its first row, under the batch that last wrote it.
create table if not exists issue_history (
    issue_key  varchar not null,
    batch_id   integer not null,
    status     varchar not null,
    closed_on  date,
    level      varchar not null
);

insert into issue_history (issue_key, batch_id, status, closed_on, level)
select issue_key, batch_id, status, closed_on, level
from issue
where not exists (select 1 from issue_history);
