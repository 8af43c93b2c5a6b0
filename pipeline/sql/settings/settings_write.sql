-- One changed setting, stored with who changed it and when (a key written before is overwritten).
insert into settings (key, value, updated_at, updated_by)
values ($key, $value, $updated_at, $updated_by)
on conflict (key) do update set
    value = excluded.value,
    updated_at = excluded.updated_at,
    updated_by = excluded.updated_by
