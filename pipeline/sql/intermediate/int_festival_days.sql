-- One row per period, festival window and day of that window inside the period (节日关爱, SPEC §5): the days
-- on which a contact counts as festival care, and for whom (festival_group: common — 春节, 端午节, 中秋节 — for
-- everybody; children — 六一儿童节 — for 孤儿 and 事实无人抚养儿童; disabled — 全国助残日 — for 困难重度残疾人).
-- The windows come from pipeline/festivals.py (lunar dates, widths from the settings) as parallel lists.
with windows as (
    select
        unnest($festival_starts::date[]) as first_day,
        unnest($festival_ends::date[]) as last_day,
        unnest($festival_groups::varchar[]) as festival_group
),

final as (
    select distinct
        periods.period_id,
        unnest(generate_series(
            greatest(windows.first_day, periods.start_on), least(windows.last_day, periods.as_of), interval 1 day
        ))::date as day,
        windows.festival_group
    from int_periods as periods
    inner join windows
        on windows.first_day <= periods.as_of
        and windows.last_day >= periods.start_on
)

select * from final
