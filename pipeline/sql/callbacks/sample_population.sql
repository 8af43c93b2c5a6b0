-- The people a sample may draw from, given the pairs of the scope on as_of ($ids, from queries.pair_rows): each with
-- the date of his latest callback, so that people called back since $since are left out (SPEC §8).
with wanted as (
    select unnest($ids::varchar[]) as id_number
)

select wanted.id_number, max(callback.callback_date) as last_callback_on
from wanted
left join callback on callback.id_number = wanted.id_number
group by wanted.id_number
having max(callback.callback_date) is null or max(callback.callback_date) <= $since::date
