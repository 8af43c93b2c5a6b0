-- One row per beneficiary with any contact, by anyone, on any date: the first and the last contact date, and the
-- last import that wrote one of his contacts. Read from contact_state, which every import keeps
-- (pipeline/contact_state.py), while it accounts for every stored contact ($contact_state_ok, bound by the caller);
-- otherwise worked out from the contacts. Two branches, one of which the bound value empties before the query runs.
select id_number, first_contact_on, last_contact_on, last_batch_id
from contact_state
where $contact_state_ok::boolean

union all

select
    id_number,
    min(contact_date) as first_contact_on,
    max(contact_date) as last_contact_on,
    max(batch_id) as last_batch_id
from contact
where not $contact_state_ok::boolean
group by id_number
