-- The rows now account for every stored contact (a batch's temporary rows are done with)
drop table if exists contact_state_batch;

delete from contact_state_mark;

insert into contact_state_mark
select count(*) from contact;
