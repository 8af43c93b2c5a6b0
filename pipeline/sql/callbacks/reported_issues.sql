-- One row per callback dated in the period ($period_start..$period_end) in which the person reported a problem
-- (反映问题), in the scope: the person, his cadre and department on the callback date, and whether the problem is
-- in the issue ledger already (an issue of his raised on the callback date with the text the page writes:
-- $issue_prefix followed by the problem, whatever its category).
with reported as (
    select callback.callback_key, callback.id_number, callback.callback_date, callback.caller, callback.reported_issue
    from callback
    where callback.reported_issue is not null
        and callback.callback_date between $period_start::date and $period_end::date
),

final as (
    select
        reported.callback_key,
        reported.callback_date,
        reported.id_number,
        beneficiary.name as beneficiary_name,
        beneficiary.county,
        beneficiary.township,
        pairing.department,
        pairing.cadre_name,
        pairing.cadre_phone,
        reported.caller,
        reported.reported_issue,
        exists (
            select 1
            from issue
            where issue.id_number = reported.id_number
                and issue.raised_on = reported.callback_date
                and issue.description = $issue_prefix::varchar || reported.reported_issue
        ) as is_in_ledger
    from reported
    inner join beneficiary on beneficiary.id_number = reported.id_number
    left join pairing
        on pairing.id_number = reported.id_number
        and pairing.paired_on <= reported.callback_date
        and (pairing.unpaired_on is null or pairing.unpaired_on > reported.callback_date)
    where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or pairing.department = $scope_department::varchar)
)

select * from final
order by callback_date desc, county, township, id_number
