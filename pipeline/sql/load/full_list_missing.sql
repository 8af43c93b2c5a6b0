-- The people of a county ($county) in the programme (no 退出日期) who are not in a file that its uploader
-- declares the county's complete list (its ID numbers registered as `listed`).
select beneficiary.id_number, beneficiary.name, beneficiary.township, beneficiary.village
from beneficiary
where beneficiary.county = $county
  and beneficiary.exited_on is null
  and not exists (select 1 from listed where listed.id_number = beneficiary.id_number)
order by beneficiary.township, beneficiary.village, beneficiary.id_number
