-- The contacts the cadre recorded under his old phone with the people whose pairings moved (registered as
-- `phone_change_moved`) now carry the new one. Their key (contact_key) stays as it was, so a contact log
-- sent again with the old phone finds them and counts nothing twice.
update contact
set cadre_phone = $new_phone
where cadre_phone = $old_phone
  and id_number in (select id_number from phone_change_moved)
