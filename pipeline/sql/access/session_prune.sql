-- Forgets sessions that ended (revoked or past their expiry) before $before; the audit log keeps their record.
delete from app_session
where coalesce(revoked_at, expires_at) < $before
