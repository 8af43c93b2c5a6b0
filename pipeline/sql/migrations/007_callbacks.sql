-- 回访核查 (SPEC §8): the callback records of the people, the samples drawn for the callers, and the lines of
-- each sample. Nothing here is ever deleted: a sample is kept with its seed, so that it can be drawn again.

-- one row per callback (电话回访) of a beneficiary, keyed like a contact: (身份证号, 回访日期, 回访人 or empty)
create table if not exists callback (
    callback_key    varchar not null,       -- see pipeline/ingest/load.py: callback_key()
    id_number       varchar not null,
    callback_date   date not null,
    caller          varchar,                -- 回访人
    reach           varchar not null,       -- 接通 | 未接通 | 空号停机
    knows_cadre     varchar,                -- 是 | 否
    contact_truth   varchar,                -- 属实 | 不属实 | 记不清
    satisfaction    varchar,                -- 满意 | 基本满意 | 不满意
    reported_issue  varchar,                -- 反映问题 (free text; offered as a new ledger issue)
    sample_id       integer,                -- the sample the person was drawn in, when known
    batch_id        integer not null        -- the import batch (or the page entry) that last wrote the row
);

create sequence if not exists callback_sample_seq start 1;

-- one row per sample drawn: for which period and scope, how, by whom, and the seed that makes it reproducible
create table if not exists callback_sample (
    sample_id        integer primary key,
    period           varchar not null,
    as_of            date not null,
    scope_county     varchar,
    scope_department varchar,
    per_department   integer,               -- people per department, or
    share            double,                -- a share of each department's pairs (at least one)
    prefer_doubtful  boolean not null,
    skip_since       date not null,         -- people with a callback dated after this day were not drawn
    seed             bigint not null,
    data_batch_id    integer,               -- the last import batch when drawn (the data version)
    created_at       timestamp not null,
    created_by       varchar not null
);

-- one row per person drawn in a sample, in the order of the sheet
create table if not exists callback_sample_line (
    sample_id    integer not null,
    line_no      integer not null,
    id_number    varchar not null,
    department   varchar not null,
    cadre_name   varchar,
    cadre_phone  varchar,
    doubt        varchar                    -- why the person was drawn first (a doubtful record), if so
);
