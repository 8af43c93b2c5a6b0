-- Every issue of one cadre's pairs ($key_cadre_phone, within the caller's scope) that was open at some time while
-- the pair was his: raised before the pairing ended and not closed before it began (an issue closed without a
-- 办结日期 counts as open). is_open: still open on $as_of (no 办结日期 on or before it). Open ones first.
with his_pairings as (
    select * from int_cadre_pairing
),

final as (
    select
        issues.issue_no,
        his_pairings.id_number,
        his_pairings.beneficiary_name,
        his_pairings.county,
        his_pairings.township,
        issues.raised_on,
        issues.issue_category,
        issues.description,
        issues.issue_level,
        issues.responsible_unit,
        issues.status,
        issues.closed_on,
        issues.closed_on is null or issues.closed_on > $as_of::date as is_open
    from stg_issue as issues
    inner join his_pairings
        on his_pairings.id_number = issues.id_number
        and issues.raised_on < coalesce(his_pairings.unpaired_on, date '9999-12-31')
        and (issues.closed_on is null or issues.closed_on >= his_pairings.paired_on)
)

select * from final
order by is_open desc, raised_on desc, county, township, id_number, issue_no
