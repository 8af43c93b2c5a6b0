-- Whether a county (of a beneficiary) or a department (of a pairing) appears in the data: one row, one flag.
select
    ($county::varchar is not null and exists (select 1 from beneficiary where county = $county::varchar))
        or ($department::varchar is not null
            and exists (select 1 from pairing where department = $department::varchar)) as known
