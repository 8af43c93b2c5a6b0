-- One row per age band of an issue (账龄段): its number and the first and last whole day it covers.
-- The bands are the ones the office reads its ledger by (≤15, 16-30, 31-60, >60 days); they sort open
-- issues by age and closed issues by the days they took, so the two charts read alike.
with bands as (
    select *
    from (values (1, 0, 15), (2, 16, 30), (3, 31, 60), (4, 61, null)) as bands (age_band, first_day, last_day)
),

final as (
    select
        age_band,
        first_day,
        last_day
    from bands
)

select * from final
