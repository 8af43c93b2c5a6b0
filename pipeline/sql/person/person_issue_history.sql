-- The state history of one beneficiary's issues: each state an import set, oldest first, with when and by
-- whom the file was imported.
select
    issue.issue_no,
    issue.raised_on,
    issue.category as issue_category,
    history.status,
    history.closed_on,
    history.level as issue_level,
    batch.imported_at,
    batch.user_name as imported_by,
    batch.file_name
from issue_history as history
inner join issue
    on issue.issue_key = history.issue_key
left join import_batch as batch
    on batch.batch_id = history.batch_id
where issue.id_number = $id_number
order by issue.raised_on, issue.issue_no, history.batch_id
