-- The periods whose metrics are stored for these keys (the rows of a period are written together with
-- its entry here, in one transaction, so an entry means all of its rows are there)
select start_on, as_of, months
from stored_metric_period
where figures_key = $figures_key
    and data_key = $data_key
