-- The session is still in use: its last use is now (only while it is neither revoked nor expired).
update app_session
set last_seen = greatest(last_seen, $now)
where token_hash = $token_hash and revoked_at is null and expires_at > $now
