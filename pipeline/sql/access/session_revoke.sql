-- Ends one browser session (a row already ended keeps its first reason); with $idle_before, only when its last
-- use was before then (another tab of the same browser may still be using it).
update app_session
set revoked_at = $now, revoked_reason = $reason
where token_hash = $token_hash and revoked_at is null
  and ($idle_before::timestamp is null or last_seen < $idle_before)
