-- 督办事项 (SPEC §7): what the office hands to a department, follows, presses and closes on evidence.
-- Nothing here is ever deleted: 撤销 is a state, a refused extension stays beside a granted one, and every step
-- is a row of supervision_event (besides its audit record). The current state, time limit and dates of an item
-- are kept on its row for listing; supervision_event says how and when each came about.
create sequence if not exists supervision_item_seq start 1;
create sequence if not exists supervision_event_seq start 1;
create sequence if not exists supervision_press_seq start 1;
create sequence if not exists supervision_extension_seq start 1;

-- one row per 督办事项
create table if not exists supervision_item (
    item_id        integer primary key,
    year           integer not null,        -- the year of 交办: 督办〔year〕第number号
    number         integer not null,        -- running per year, from 1
    source         varchar not null,        -- overdue_contacts | overdue_issues | behind | other
    department     varchar not null,        -- 承办单位
    county         varchar,                 -- the county of all its lines (a county office sees these); else null
    requirement    varchar not null,        -- 督办要求
    level          varchar not null,        -- 一般 | 重点 | 挂牌
    period         varchar,                 -- the period of the list it was raised from (2026-10), if any
    raised_on      date not null,           -- 交办日期
    first_due_on   date not null,           -- 办理时限 when raised
    due_on         date not null,           -- 办理时限 in force (a granted extension moves it)
    due_estimated  boolean not null,        -- counted Monday to Friday: the holiday calendar did not know the year
    raised_by      varchar not null,        -- the account that raised it
    raised_at      timestamp not null,
    state          varchar not null,        -- assigned | signed | answered | closed | withdrawn
    first_feedback_on date,                 -- the first 反馈 (按期反馈率 compares it with the time limit)
    ready_on       date,                    -- first found with every line done (可销号), after an import or a step
    closed_on      date,                    -- 销号 or 撤销
    updated_at     timestamp,
    unique (year, number)
);

-- one row per line (明细) of an item: a pair not contacted in time, an overdue issue, or a matter in words.
-- Full identifiers are kept, as in the snapshots: every output masks them.
create table if not exists supervision_line (
    item_id          integer not null,
    line_no          integer not null,      -- 1, 2, … within the item
    kind             varchar not null,      -- pair | issue | text
    id_number        varchar,               -- the beneficiary (pair and issue lines)
    beneficiary_name varchar,
    category         varchar,
    county           varchar,
    township         varchar,
    cadre_name       varchar,
    cadre_phone      varchar,
    issue_key        varchar,               -- the ledger's key of the issue (issue lines)
    issue_no         varchar,
    issue_raised_on  date,
    issue_category   varchar,
    description      varchar,
    summary          varchar not null,      -- the line in words, masked (as in the reminder text)
    explanation      varchar,               -- the department's 情况说明, when the data cannot show it done
    explained_on     date,
    explained_by     varchar,
    accepted_on      date,                  -- the office accepted the 情况说明: the line is done
    accepted_by      varchar,
    accepted_note    varchar,
    primary key (item_id, line_no)
);

-- one row per step taken on an item (its history): who did what, on which day, with which text
create table if not exists supervision_event (
    event_id   integer primary key,
    item_id    integer not null,
    line_no    integer,                     -- for a step on one line (情况说明, 采纳)
    action     varchar not null,            -- raise | sign | feedback | return | press | extension_request |
                                            -- extension_grant | extension_refuse | explain | accept | ready |
                                            -- close | withdraw
    acted_on   date not null,               -- the working day it counts for ("today", pinned by --today)
    acted_at   timestamp not null,          -- the real clock
    user_name  varchar not null,
    state_after varchar not null,
    text       varchar,                     -- 反馈, 退回理由, 催办说明, 延期理由, 情况说明, 撤销理由
    due_on     date                         -- the new time limit asked for or granted
);

-- one row per 催办 (a press): date, way and note
create table if not exists supervision_press (
    press_id   integer primary key,
    item_id    integer not null,
    pressed_on date not null,
    way        varchar not null,            -- 电话 | 通知 | 约谈
    note       varchar,
    user_name  varchar not null,
    pressed_at timestamp not null
);

-- one row per 延期申请, with the office's decision once taken
create table if not exists supervision_extension (
    request_id    integer primary key,
    item_id       integer not null,
    requested_on  date not null,
    new_due_on    date not null,
    reason        varchar not null,
    requested_by  varchar not null,
    decision      varchar,                  -- granted | refused; null while pending
    decided_on    date,
    decided_by    varchar,
    decision_note varchar
);
