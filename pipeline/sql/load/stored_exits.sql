-- The incoming people (registered as `incoming_ids`) whose stored row has a 退出日期, with the batch that
-- last wrote it: a row that clears it would undo progress (SPEC §4).
select beneficiary.id_number, beneficiary.exited_on, beneficiary.batch_id
from beneficiary
join incoming_ids using (id_number)
where beneficiary.exited_on is not null
