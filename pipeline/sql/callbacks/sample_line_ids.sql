-- The person of each (sample, line) asked for ($samples and $lines, pairwise): how a callback row whose ID number
-- is masked, as the 回访清单 shows it, finds the person it is about.
with wanted as (
    select distinct unnest($samples::integer[]) as sample_id, unnest($lines::integer[]) as line_no
)

select lines.sample_id, lines.line_no, lines.id_number
from callback_sample_line as lines
inner join wanted
    on lines.sample_id = wanted.sample_id
    and lines.line_no = wanted.line_no
