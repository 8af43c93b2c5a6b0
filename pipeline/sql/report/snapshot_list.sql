-- One row per snapshot, newest first: the period, scope, who froze it, when, and the data version.
select
    snapshot_id,
    period,
    period_kind,
    start_on,
    end_on,
    as_of,
    scope_county,
    scope_department,
    created_at,
    created_by,
    note,
    data_batch_id
from report_snapshot
order by created_at desc, snapshot_id desc
