-- A cadre's new phone on his pairings with the people of the file that restate them under it
-- (registered as `phone_change_ids`).
update pairing
set cadre_phone = $new_phone, batch_id = $batch_id
where cadre_phone = $old_phone
  and id_number in (select id_number from phone_change_ids)
returning id_number
