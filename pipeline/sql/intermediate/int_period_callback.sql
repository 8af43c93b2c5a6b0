-- One row per period and callback dated in it of a beneficiary in scope on as_of, with the beneficiary's
-- group keys (SPEC §8: grouped like §5, the department and cadre from the pairing active on as_of). The
-- callbacks meet the people once per person and are then expanded over the periods that person's row
-- stands for, as the issues are.
with callbacks as (
    select * from stg_callback
    where callback_date between $scan_from::date and $scan_to::date
),

pairs as (
    select
        id_number, county, township, department, cadre_phone, cadre_name, cadre_level, category, period_mask
    from int_beneficiary_pairing
),

callback_pairs as materialized (
    select
        pairs.*,
        callbacks.* exclude (id_number)
    from callbacks
    inner join pairs
        on callbacks.id_number = pairs.id_number
),

final as (
    select
        periods.period_id,
        callback_pairs.* exclude (period_mask)
    from callback_pairs
    inner join int_periods as periods
        on callback_pairs.period_mask & periods.period_bit <> 0
        and callback_pairs.callback_date between periods.start_on and periods.as_of
)

select * from final
