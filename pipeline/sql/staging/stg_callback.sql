-- One row per callback (电话回访) of a beneficiary (SPEC §8), with its answers as flags read the same way
-- by every model: reached, knows the cadre (yes / answered yes or no), the recorded contact true (yes /
-- answered true or untrue), satisfied (yes / rated).
with source as (
    select * from callback
),

final as (
    select
        callback_key,
        id_number,
        callback_date,
        caller,
        reach,
        knows_cadre,
        contact_truth,
        satisfaction,
        reported_issue,
        reach = $reached_answer as is_reached,
        knows_cadre = $yes_answer as knows_yes,
        coalesce(knows_cadre in ($yes_answer, $no_answer), false) as knows_answered,
        contact_truth = $true_answer as is_true,
        coalesce(contact_truth in ($true_answer, $untrue_answer), false) as truth_answered,
        satisfaction is not null as is_callback_rated,
        coalesce(list_contains($satisfied_ratings::varchar[], satisfaction), false) as is_callback_satisfied
    from source
)

select * from final
