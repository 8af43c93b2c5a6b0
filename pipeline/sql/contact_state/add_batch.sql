-- The batch's contacts (contact_state_batch) widen each person's first and last contact and make the batch his
-- last import of contacts, and a person without a row gets one. Exact for new contacts and for changed ones whose
-- date stayed; redo_people.sql then takes the people whose dates may have moved.
update contact_state as state
set first_contact_on = least(state.first_contact_on, batch.first_contact_on),
    last_contact_on = greatest(state.last_contact_on, batch.last_contact_on),
    last_batch_id = greatest(state.last_batch_id, batch.last_batch_id)
from contact_state_batch as batch
where state.id_number = batch.id_number;

insert into contact_state
select batch.id_number, batch.first_contact_on, batch.last_contact_on, batch.last_batch_id
from contact_state_batch as batch
anti join contact_state as state on state.id_number = batch.id_number;
