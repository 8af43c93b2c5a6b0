-- The audit log becomes tamper-evident (pipeline/audit_chain.py): every record carries the hash of the record
-- before it (prev_hash) and its own hash over that and its content (row_hash), so that deleting, inserting or
-- editing a record anywhere breaks the chain at that point. The chain starts from a random genesis kept in
-- audit_chain_genesis; the records an older database already holds are chained here, in audit_id order.
alter table audit_log add column if not exists prev_hash varchar;
alter table audit_log add column if not exists row_hash varchar;

create table if not exists audit_chain_genesis (
    genesis_hash  varchar not null,         -- the prev_hash of the first record
    started_at    timestamp not null,       -- when the chain began (this migration)
    rows_chained  bigint not null,          -- records that existed then and were chained by this migration
    last_audit_id bigint                    -- the last of them (null when there were none)
);

insert into audit_chain_genesis
select sha256('guanai-audit-genesis|' || gen_random_uuid()::varchar || '|' || epoch_us(now()::timestamp)::varchar),
       now()::timestamp, count(*), max(audit_id)
from audit_log
where not exists (select 1 from audit_chain_genesis);

-- row_hash = sha256(prev_hash | audit_id | logged_at in microseconds | sha256 of each text | row_count or -),
-- the same formula as audit_chain.row_hash. The append-only trigger is lifted for this one statement.
drop trigger audit_log_no_update on audit_log;

update audit_log
set prev_hash = chained.prev_hash, row_hash = chained.row_hash
from (
    with recursive ordered as (
        select row_number() over (order by audit_id) as n, audit_id,
               '|' || audit_id::varchar || '|' || epoch_us(logged_at)::varchar || '|' || sha256(user_name)
                   || '|' || sha256(action) || '|' || sha256(scope_text) || '|' || sha256(detail)
                   || '|' || coalesce(row_count::varchar, '-') as body
        from audit_log
        where row_hash is null
    ),
    chain (n, audit_id, prev_hash, row_hash) as (
        select o.n, o.audit_id, g.genesis_hash, sha256(g.genesis_hash || o.body)
        from ordered o, audit_chain_genesis g
        where o.n = 1
        union all
        select o.n, o.audit_id, c.row_hash, sha256(c.row_hash || o.body)
        from chain c
        join ordered o on o.n = c.n + 1
    )
    select audit_id, prev_hash, row_hash from chain
) as chained
where audit_log.audit_id = chained.audit_id;

create trigger audit_log_no_update before update on audit_log for each statement
    insert into audit_log_guard select error('audit_log is append-only');

-- Lock-out per client (pipeline/access.py): beside each failed login, the client it came from (a short hash of
-- its address, "" when unknown), in the same order as failed_logins.
alter table app_user add column if not exists failed_clients varchar[] default [];
