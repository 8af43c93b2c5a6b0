-- Gives the confirmed missing people of a complete list (registered as `leaving`) their 退出日期.
update beneficiary
set exited_on = $exit_on, batch_id = $batch_id
where county = $county
  and exited_on is null
  and id_number in (select id_number from leaving)
returning id_number
