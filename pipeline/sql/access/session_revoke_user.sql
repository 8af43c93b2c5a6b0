-- Ends every browser session of one account (disabled, or its password reset).
update app_session
set revoked_at = $now, revoked_reason = $reason
where user_name = $user_name and revoked_at is null
