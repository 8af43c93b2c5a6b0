-- The people of a sample (registered as `drawn`), in the order of the sheet.
insert into callback_sample_line (sample_id, line_no, id_number, department, cadre_name, cadre_phone, doubt)
select sample_id, line_no, id_number, department, cadre_name, cadre_phone, doubt
from drawn
order by line_no
