-- The stored tables. Imports write here; every model under staging/, intermediate/ and marts/
-- reads from here. Values are the cleaned canonical ones (Chinese enumerations as in SPEC §2).

create sequence if not exists import_batch_seq start 1;

-- one row per imported file (a batch): who, when, what, and what happened to its rows
create table if not exists import_batch (
    batch_id        integer primary key,
    imported_at     timestamp not null,
    user_name       varchar not null,
    file_name       varchar not null,
    sha256          varchar not null,
    kind            varchar not null,       -- roster | visits | issues | mixed
    sheets          varchar,                -- JSON: [{"sheet":…, "kind":…, "header_row":n}]
    rows_read       integer not null,
    inserted        integer not null,
    updated         integer not null,
    unchanged       integer not null,
    duplicate       integer not null,
    rejected        integer not null,
    unknown_columns varchar                 -- JSON: {"sheet": ["列名", …]}
);

-- one row per beneficiary (帮扶对象), keyed by the cleaned 18-digit ID number
create table if not exists beneficiary (
    id_number   varchar primary key,
    name        varchar not null,
    category    varchar not null,
    county      varchar not null,
    township    varchar not null,
    village     varchar,
    phone       varchar,
    enrolled_on date not null,              -- 1900-01-01 when the sheet left it blank
    exited_on   date,
    batch_id    integer not null            -- the batch that last wrote the row
);

-- one row per pairing of a beneficiary with a cadre; a re-pairing is a new row
create table if not exists pairing (
    id_number    varchar not null,
    cadre_phone  varchar not null,
    cadre_name   varchar not null,
    department   varchar not null,
    cadre_level  varchar,
    pairing_mode varchar,
    paired_on    date not null,
    unpaired_on  date,                      -- exclusive: active while paired_on <= d < unpaired_on
    batch_id     integer not null,
    primary key (id_number, cadre_phone)
);

-- one row per contact (phone, message, visit…) with a beneficiary
create table if not exists contact (
    contact_key  varchar primary key,       -- see pipeline/ingest/load.py: contact_key()
    record_no    varchar,
    id_number    varchar not null,
    contact_date date not null,
    method       varchar not null,
    cadre_name   varchar,
    cadre_phone  varchar,
    summary      varchar,
    satisfaction varchar,
    batch_id     integer not null
);

-- one row per issue of the ledger (问题台账)
create table if not exists issue (
    issue_key        varchar primary key,   -- see pipeline/ingest/load.py: issue_key()
    issue_no         varchar,
    id_number        varchar not null,
    raised_on        date not null,
    category         varchar not null,
    description      varchar not null,
    level            varchar not null,
    responsible_unit varchar,
    status           varchar not null,
    closed_on        date,
    rating           varchar,
    batch_id         integer not null
);

-- one row per rejected spreadsheet row, kept so that it can be downloaded, fixed and re-uploaded
create table if not exists rejected_row (
    batch_id    integer not null,
    sheet       varchar not null,
    row_no      integer not null,           -- the row number a person sees in Excel
    column_name varchar,
    reason      varchar not null,
    raw         varchar not null            -- JSON: the row's cells under their original headers
);

-- one row per setting the office can change (thresholds, weights, RAG bands)
create table if not exists settings (
    key        varchar primary key,
    value      double not null,
    updated_at timestamp,
    updated_by varchar
);
