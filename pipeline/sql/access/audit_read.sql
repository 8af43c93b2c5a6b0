-- One row per audit record, newest first, optionally since a moment, of one user and of one action.
select audit_id, logged_at, user_name, action, scope_text, detail, row_count
from audit_log
where ($since::timestamp is null or logged_at >= $since::timestamp)
    and ($user_name::varchar is null or user_name = $user_name::varchar)
    and ($action::varchar is null or action = $action::varchar)
order by logged_at desc, audit_id desc
limit $limit
