-- The schema versions a database has gone through (pipeline/db.py: migrate): version 1 is schema.sql,
-- each later one a numbered file of this folder.
create table if not exists schema_version (
    version    integer primary key,
    name       varchar not null,
    applied_at timestamp not null
);
