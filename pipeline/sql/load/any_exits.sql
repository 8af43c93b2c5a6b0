-- Whether any stored person has a 退出日期: when none has, no roster row can clear one.
select exists (select 1 from beneficiary where exited_on is not null)
