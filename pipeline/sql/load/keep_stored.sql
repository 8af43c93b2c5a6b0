-- Keeps the stored value of a column the uploaded sheet does not have at all
-- (a later roster without a 村社区 column must not wipe the villages already stored).
update staged
set {field} = stored.{field}
from {table} as stored
where staged.keep__{field} and {key_match}
