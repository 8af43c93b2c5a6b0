-- The stored tables. Imports write here; every model under staging/, intermediate/ and marts/
-- reads from here. Values are the cleaned canonical ones (Chinese enumerations as in SPEC §2).
-- Version 1 of the schema, as the first release created it: a change after it goes into a numbered file
-- of sql/migrations/ (see pipeline/db.py: migrate), never here, so that every database upgrades the same way.

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
-- The keys of beneficiary, pairing and contact are unique because the import writes only keys it has
-- not stored (pipeline/ingest/load.py, one import at a time), not by a primary key: maintaining that
-- index took most of an import's time. Databases created with the primary keys keep them.
create table if not exists beneficiary (
    id_number   varchar not null,           -- the key
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
    batch_id     integer not null           -- the key: (id_number, cadre_phone)
);

-- one row per contact (phone, message, visit…) with a beneficiary
create table if not exists contact (
    contact_key  varchar not null,          -- the key, see pipeline/ingest/load.py: contact_key()
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

-- ---------------------------------------------------------------- snapshots (封存)
-- A snapshot freezes the figures of one period at one moment, so that the numbers of a dispatch
-- meeting stay as they were shown when later imports correct the past. Every table below is keyed by
-- snapshot_id; row_no keeps the order the rows were frozen in.

create sequence if not exists report_snapshot_seq start 1;

-- one row per snapshot: which period and scope, who froze it, when, and on which data version
create table if not exists report_snapshot (
    snapshot_id      integer primary key,
    period           varchar not null,      -- canonical text: 2026Q3, 2026-10, 2026, a date range
    period_kind      varchar not null,
    start_on         date not null,
    end_on           date not null,
    as_of            date not null,         -- before end_on when the period was still running
    previous_period  varchar not null,      -- the comparable period the changes are measured against
    previous_kind    varchar not null,
    previous_start   date not null,
    previous_end     date not null,
    previous_as_of   date not null,
    scope_county     varchar,
    scope_department varchar,
    created_at       timestamp not null,
    created_by       varchar not null,
    note             varchar,
    data_batch_id    integer,               -- the last import batch when frozen (the data version)
    settings         varchar not null       -- JSON: thresholds, weights and RAG bands in force
);

-- one row per snapshot, period role and group: the metrics exactly as queries.metrics returned them
create table if not exists report_snapshot_metric (
    snapshot_id             integer not null,
    period_role             varchar not null,  -- current | previous | month
    period                  varchar not null,
    grouping_name           varchar not null,
    row_no                  integer not null,
    overall                 varchar,
    county                  varchar,
    township                varchar,
    department              varchar,
    cadre                   varchar,
    cadre_phone_masked      varchar,
    cadre_level             varchar,
    category                varchar,
    beneficiaries           bigint,
    paired                  bigint,
    pairing_rate            double,
    contacted               bigint,
    contact_rate            double,
    home_visited            bigint,
    home_visit_rate         double,
    contacts                bigint,
    contacts_per_pair_month double,
    on_standard             bigint,
    on_standard_rate        double,
    overdue_contact         bigint,
    issues_new              bigint,
    issues_total            bigint,
    issues_resolved         bigint,
    resolution_rate         double,
    issues_closed_in_p      bigint,
    median_days_to_close    double,
    issues_overdue          bigint,
    satisfaction_rate       double,
    score                   double
);

-- one row per snapshot and pair overdue for contact on the frozen as_of (full identifiers: masked on output)
create table if not exists report_snapshot_overdue_contact (
    snapshot_id        integer not null,
    row_no             integer not null,
    id_number          varchar,
    beneficiary_name   varchar,
    category           varchar,
    county             varchar,
    township           varchar,
    village            varchar,
    cadre_name         varchar,
    cadre_phone        varchar,
    department         varchar,
    paired_on          date,
    last_contact_on    date,
    days_since_contact integer,
    days_overdue       integer
);

-- one row per snapshot and issue overdue on the frozen as_of (full identifiers: masked on output)
create table if not exists report_snapshot_overdue_issue (
    snapshot_id      integer not null,
    row_no           integer not null,
    id_number        varchar,
    beneficiary_name varchar,
    category         varchar,
    county           varchar,
    township         varchar,
    village          varchar,
    cadre_name       varchar,
    cadre_phone      varchar,
    department       varchar,
    issue_no         varchar,
    raised_on        date,
    issue_category   varchar,
    issue_level      varchar,
    responsible_unit varchar,
    status           varchar,
    description      varchar,
    days_open        integer,
    days_overdue     integer
);

-- one row per snapshot, issue category and handling level: the ledger summary of the frozen period
create table if not exists report_snapshot_issue_summary (
    snapshot_id        integer not null,
    row_no             integer not null,
    issue_category     varchar,
    issue_level        varchar,
    issues_total       bigint,
    issues_new         bigint,
    issues_resolved    bigint,
    issues_open        bigint,
    issues_closed_in_p bigint,
    issues_overdue     bigint
);

-- one row per snapshot and department: whether the reminders of the previous period worked
create table if not exists report_snapshot_reminder (
    snapshot_id             integer not null,
    row_no                  integer not null,
    department              varchar,
    overdue_contacts_before bigint,
    contacted_after         bigint,
    overdue_issues_before   bigint,
    closed_after            bigint,
    resolved_after          bigint
);

-- ---------------------------------------------------------------- accounts and audit log (pipeline/access.py)
-- Local accounts of the dashboard and the record of who did what. A password is kept only as its scrypt
-- hash. The audit log is append-only: nothing in the code updates or deletes it, and the two triggers at
-- the end refuse UPDATE and DELETE on it from any connection.

-- one row per account; an account is disabled, never deleted, so that its audit records keep their author
create table if not exists app_user (
    user_name     varchar primary key,
    role          varchar not null,         -- city | county | department | readonly
    county        varchar,                  -- set for a county account only
    department    varchar,                  -- set for a department account only
    can_unmask    boolean not null,         -- may show full ID numbers and phones (each view is audited)
    password_hash varchar not null,         -- scrypt$n=…,r=…,p=…$salt$key (base64), see access.hash_password
    disabled      boolean not null,
    failed_logins timestamp[] not null,     -- the failed logins inside the lock-out window, oldest first
    locked_until  timestamp,
    last_login_at timestamp,
    created_at    timestamp not null,
    created_by    varchar not null,
    updated_at    timestamp,
    updated_by    varchar
);

create sequence if not exists audit_log_seq start 1;

-- one row per audited action: who, when, what, in which scope, how many rows; never a personal value
create table if not exists audit_log (
    audit_id   bigint primary key default nextval('audit_log_seq'),
    logged_at  timestamp not null,
    user_name  varchar not null,
    action     varchar not null,            -- one of access.AUDIT_ACTIONS
    scope_text varchar not null,            -- 全市, 县区：…, 单位：…
    detail     varchar not null,            -- masked before it is written (access.audit)
    row_count  bigint
);

-- always empty: the triggers below insert into it a row whose computation fails, which aborts the statement
create table if not exists audit_log_guard (refused varchar);
create trigger if not exists audit_log_no_update before update on audit_log for each statement
    insert into audit_log_guard select error('audit_log is append-only');
create trigger if not exists audit_log_no_delete before delete on audit_log for each statement
    insert into audit_log_guard select error('audit_log is append-only');

-- Materialised metrics: the rows of mart_metrics for the whole city, all groupings, for the periods the
-- office opens most (pipeline/materialized.py: the current and the last whole month, quarter and year,
-- and the stretches they are compared with). Refreshed after every import and settings change; a row
-- is read only while both keys still match, so a stale row is never shown.
create table if not exists stored_metric_period (
    figures_key  varchar not null,          -- the models' SQL and the settings they ran with (queries.figures_key)
    data_key     bigint not null,           -- the last import batch when they ran (queries.data_key)
    start_on     date not null,
    as_of        date not null,
    months       double not null,           -- the divisor of 月均联系频次 (periods.months_in_period)
    row_count    bigint not null,
    seconds      double not null,           -- how long computing them took
    computed_at  timestamp not null,
    primary key (figures_key, data_key, start_on, as_of, months)
);

-- one row per stored period, grouping and group: the columns of mart_metrics (without period_id), in
-- the mart's row order (row_no)
create table if not exists stored_metric (
    figures_key             varchar not null,
    data_key                bigint not null,
    start_on                date not null,
    as_of                   date not null,
    months                  double not null,
    row_no                  bigint not null,
    grouping_name           varchar not null,
    county                  varchar,
    township                varchar,
    department              varchar,
    cadre_phone             varchar,
    cadre_name              varchar,
    cadre_level             varchar,
    category                varchar,
    beneficiaries           bigint,
    paired                  bigint,
    contacted               bigint,
    home_visited            bigint,
    contacts                bigint,
    on_standard             bigint,
    overdue_contact         bigint,
    rated_contacts          bigint,
    satisfied_contacts      bigint,
    issues_new              bigint,
    issues_total            bigint,
    issues_resolved         bigint,
    issues_closed_in_p      bigint,
    median_days_to_close    double,
    issues_overdue          bigint,
    rated                   bigint,
    satisfied               bigint,
    pairing_rate            double,
    contact_rate            double,
    home_visit_rate         double,
    contacts_per_pair_month double,
    on_standard_rate        double,
    resolution_rate         double,
    satisfaction_rate       double,
    score                   double
);
