-- Ends every browser session (a restored database: sessions of the backup's time must not come back to life).
update app_session
set revoked_at = $now, revoked_reason = $reason
where revoked_at is null
