-- Every audit record in chain order, with what its hash covers and the hashes it carries.
select audit_id, logged_at, user_name, action, scope_text, detail, row_count, prev_hash, row_hash
from audit_log
order by audit_id
