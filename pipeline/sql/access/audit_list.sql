-- Audit records oldest first, optionally from a day on and of one action, for `audit list`.
select audit_id, logged_at, user_name, action, scope_text, detail, row_count, row_hash
from audit_log
where ($since::timestamp is null or logged_at >= $since::timestamp)
    and ($action::varchar is null or action = $action::varchar)
order by audit_id
