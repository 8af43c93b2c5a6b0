-- One row per 催办 of an item, in the order made.
select pressed_on, way, note, user_name
from supervision_press
where item_id = $item_id
order by press_id
