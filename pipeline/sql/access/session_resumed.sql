-- A page load went on with a live session: its last use, the client's address then, one more resumption.
update app_session
set last_seen = $now, last_client = $client, resumed = resumed + 1
where token_hash = $token_hash and revoked_at is null
