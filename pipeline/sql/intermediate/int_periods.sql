-- One row per period asked for: its first day, the day its figures are taken at (as_of), its length
-- in months, the first day of the window of contacts the metrics need to look at, and where the period
-- sits in the per-beneficiary HUGEINTs that hold the facts of all the periods of a query side by side.
with requested as (
    -- the periods arrive as parallel lists; unnest in one select zips them position by position
    select
        unnest($period_ids::integer[]) as period_id,
        unnest($period_starts::date[]) as start_on,
        unnest($period_as_ofs::date[]) as as_of,
        unnest($period_months::double[]) as months_in_period
),

sized as (
    select
        *,
        count(*) over () as periods_in_query,
        -- the calendar months from start_on to as_of: 联系达标 asks for a contact in each of them
        date_diff('month', start_on, as_of) + 1 as months_touched
    from requested
),

final as (
    select
        period_id,
        start_on,
        as_of,
        months_in_period,
        date_trunc('month', as_of)::date as as_of_month,
        -- calendar months numbered on from year 0, so that counting months is a subtraction
        year(start_on) * 12 + month(start_on) - 1 as start_month_number,
        year(as_of) * 12 + month(as_of) - 1 as as_of_month_number,
        -- 联系达标 requires only months that have ended by as_of: the month of as_of is one of them only
        -- when as_of is its last day (a period cut at today leaves its running month out)
        case when as_of = last_day(as_of) then 0 else 1 end as running_months,
        -- contacts dated in P decide the coverage metrics, contacts within the overdue threshold decide
        -- 超期未联系: the window covers both, so contacts are read once
        least(start_on, as_of - $overdue_days::integer) as window_start,
        months_touched,
        periods_in_query,
        -- Masks: one bit per period, from bit 0 in period order (pipeline/queries.py keeps few enough
        -- periods in one query for every bit to fit a HUGEINT)
        1::hugeint << period_id::hugeint as period_bit,
        -- a second run of one bit per period, after the first
        1::hugeint << (periods_in_query + period_id)::hugeint as second_period_bit,
        -- after both runs, one block of bits per period with a bit for each calendar month it touches,
        -- the blocks side by side in period order: the first bit of this period's block
        (
            2 * periods_in_query
            + coalesce(
                sum(months_touched) over (order by period_id rows between unbounded preceding and 1 preceding), 0
            )
        )::integer as month_offset,
        -- Counts: one count per period side by side, each in lane_width bits from bit lane_shift, 126
        -- bits shared out among the periods of the query (a lane and the guard that checks it,
        -- 1 << lane_width, stay clear of the sign bit)
        (126 // periods_in_query)::integer as lane_width,
        (126 // periods_in_query)::integer * period_id as lane_shift
    from sized
)

select
    *,
    -- whether this period's block of month bits fits a HUGEINT; queries.py splits a long list of periods
    -- so that it always does, except for the marts that compare two periods in one query
    month_offset + months_touched <= 127 as month_bits_fit
from final
