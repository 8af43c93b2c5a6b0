-- Signed-in browser sessions (pipeline/sessions.py): a reload or a link opened in a new tab goes on signed in
-- while its row is live. The browser holds a random token in an HttpOnly cookie; only the token's SHA-256 is
-- kept here, so that reading this table (or a backup of it) gives no one a way in. A session ends when its row
-- is revoked (logout, the account disabled or its password reset, a restore) or when it has been idle longer
-- than the idle timeout or reached expires_at; ended rows stay for a while as a record, then are removed.
create table if not exists app_session (
    token_hash     varchar primary key,     -- sha256 of the cookie's token, hex
    user_name      varchar not null,
    created_at     timestamp not null,      -- the login with a password that began it
    last_seen      timestamp not null,      -- the last use (kept to the minute while the session is in use)
    expires_at     timestamp not null,      -- the latest moment it can be used, however busy
    client         varchar,                 -- the client's address at the login (null when unknown)
    last_client    varchar,                 -- the client's address at the last resumption
    resumed        integer not null,        -- how many page loads went on with it
    revoked_at     timestamp,
    revoked_reason varchar                  -- logout | idle | disabled | password | restore | expired
);
