-- A browser session begun by a login with a password (only the token's hash is stored).
insert into app_session (token_hash, user_name, created_at, last_seen, expires_at, client, last_client, resumed)
values ($token_hash, $user_name, $created_at, $created_at, $expires_at, $client, $client, 0)
