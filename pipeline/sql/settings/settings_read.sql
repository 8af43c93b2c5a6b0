-- The stored settings: one row per key the office changed, with who changed it and when.
select key, value, updated_at, updated_by
from settings
order by key
