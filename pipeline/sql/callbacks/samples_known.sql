-- The samples among some numbers ($ids): a 抽样编号 written on a callback row must name one of them.
select sample_id
from callback_sample
where list_contains($ids::integer[], sample_id)
