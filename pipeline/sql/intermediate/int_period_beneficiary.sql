-- One row per period and beneficiary in scope on the period's as_of (enrolled, not yet exited), with
-- the pairing active that day if there is one, and the keys every grouping needs: the rows of
-- int_beneficiary_pairing (where the scope is applied) expanded over the periods they stand for.
with pairs as (
    select * from int_beneficiary_pairing
),

periods as (
    select * from int_periods
),

final as (
    select
        periods.period_id,
        periods.start_on,
        periods.as_of,
        periods.window_start,
        periods.months_in_period,
        pairs.* exclude (run_month_number, period_mask),
        -- 联系达标 asks for a contact in every month P touches that has ended by as_of, from the month the
        -- pairing run began on (the per-beneficiary metrics work these two out the same way, from the same rows)
        date_trunc('month', greatest(periods.start_on, pairs.run_started_on))::date as first_required_month,
        case
            when pairs.is_paired
                then greatest(
                    periods.as_of_month_number - periods.running_months
                    - greatest(periods.start_month_number, pairs.run_month_number) + 1,
                    0
                )
            else 0
        end as months_required
    from pairs
    inner join periods
        on pairs.period_mask & periods.period_bit <> 0
)

select * from final
