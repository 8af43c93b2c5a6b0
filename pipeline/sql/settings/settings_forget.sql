-- Forget stored settings so that their defaults apply again: the keys listed, or all when the list is null.
delete from settings
where $keys::varchar[] is null or list_contains($keys::varchar[], key)
