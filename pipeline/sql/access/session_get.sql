-- One browser session by its token's hash (none when unknown).
select token_hash, user_name, created_at, last_seen, expires_at, client, last_client, resumed, revoked_at,
       revoked_reason
from app_session
where token_hash = $token_hash
