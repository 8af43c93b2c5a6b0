-- One row per pairing active on $as_of: 结对日期 on or before it and no 解除日期, or a 解除日期 after it (SPEC §5).
-- The rule is written here once for the data-quality checks (sql/checks/); the metrics models apply the
-- same rule to many periods at once, through bit masks of the periods.
with pairings as (
    select * from stg_pairing
),

final as (
    select *
    from pairings
    where paired_on <= $as_of::date
        and (unpaired_on is null or unpaired_on > $as_of::date)
)

select * from final
