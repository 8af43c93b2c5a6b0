-- The people a batch wrote contacts for (the rows carrying its batch_id, new or changed): the first and last date
-- among those contacts, and whether any of them has a 记录编号 (only such a contact's date can change: the key of
-- one without holds its date, see pipeline/ingest/keys.py)
create or replace temporary table contact_state_batch as
select
    id_number,
    min(contact_date) as first_contact_on,
    max(contact_date) as last_contact_on,
    max(batch_id) as last_batch_id,
    bool_or(record_no is not null) as numbered
from contact
where batch_id = $batch_id
group by id_number
