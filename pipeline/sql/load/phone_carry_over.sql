-- The same cadre's other pairings under the old phone (same name and unit) follow him to the new one,
-- except for the people the file itself writes with either phone (registered as `phone_change_skip`)
-- and a person who already has a pairing under the new phone. A county office's file ($county) changes
-- only the pairings of its own county's people.
update pairing as stored
set cadre_phone = $new_phone, batch_id = $batch_id
where stored.cadre_phone = $old_phone
  and stored.cadre_name = $cadre_name
  and stored.department = $department
  and stored.id_number not in (select id_number from phone_change_skip)
  and not exists (
      select 1 from pairing as taken where taken.id_number = stored.id_number and taken.cadre_phone = $new_phone
  )
  and (
      $county is null
      or exists (select 1 from beneficiary where beneficiary.id_number = stored.id_number and beneficiary.county = $county)
  )
returning stored.id_number
