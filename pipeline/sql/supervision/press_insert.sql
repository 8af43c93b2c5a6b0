-- One 催办 of an item.
insert into supervision_press (press_id, item_id, pressed_on, way, note, user_name, pressed_at)
values (nextval('supervision_press_seq'), $item_id, $pressed_on, $way, $note, $user_name, $pressed_at)
