-- One schema version applied.
insert into schema_version (version, name, applied_at)
values ($version, $name, current_localtimestamp()::timestamp(0))
