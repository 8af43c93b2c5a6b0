-- Gives a column its default where neither the sheet nor the stored row has a value.
update staged
set {field} = $value
where {field} is null
