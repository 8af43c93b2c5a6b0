-- The outcome of each staged row of a contact log read in chunks against the stored contacts, as
-- classify.sql gives it: 0 inserted, 1 updated, 2 unchanged. {same_values} compares the columns the
-- file has, and the stored value with null for a column it lacks that is not kept (rows.CONTACT_KEEP);
-- touched_from: the first day whose figures the row changes (rows.touched_sql).
select
    incoming.pos,
    case
        when stored.batch_id is null then 0
        when {same_values} then 2
        else 1
    end::tinyint as outcome,
    {touched} as touched_from
from stream_contact as incoming
left join contact as stored on stored.contact_key = incoming.contact_key
