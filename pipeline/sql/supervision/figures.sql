-- One row per department (承办单位) with items 交办 in the period (start .. end, up to as_of), within the scope,
-- as the items stood on as_of: every step dated after as_of is left out, so the figures of a day stay as they
-- were. Withdrawn items (撤销 by as_of) are not counted.
--   items             督办事项数
--   feedback_due      items whose answer is due: answered by as_of, or past the time limit
--   feedback_on_time  items whose first 反馈 came on or before the time limit      → 按期反馈率 = on_time / due
--   close_due         items 销号 by as_of, or past the time limit
--   closed_on_time    items 销号 on or before the time limit                          → 按期销号率 = on_time / due
--   closed            items 销号 by as_of
--   overdue_open      items past the time limit on as_of and not 销号                 超期未销号数
--   days_to_close     total calendar days from 交办 to 销号 of the closed items       → 平均办结天数
--   presses           催办 of these items up to as_of                                  催办次数
-- The time limit is the one in force on as_of: the first, or the date of the last extension granted by then.
with items as (
    select item_id, department, raised_on, first_due_on
    from supervision_item
    where raised_on between $start_on and $end_on
        and raised_on <= $as_of
        and (cast($county as varchar) is null or county = $county)
        and (cast($department as varchar) is null or department = $department)
),

steps as (
    select
        item_id,
        min(acted_on) filter (where action = 'feedback') as first_feedback_on,
        min(acted_on) filter (where action = 'close') as closed_on,
        min(acted_on) filter (where action = 'withdraw') as withdrawn_on,
        arg_max(due_on, event_id) filter (where action = 'extension_grant') as granted_due_on
    from supervision_event
    where acted_on <= $as_of and item_id in (select item_id from items)
    group by item_id
),

presses as (
    select item_id, count(*) as presses
    from supervision_press
    where pressed_on <= $as_of and item_id in (select item_id from items)
    group by item_id
),

per_item as (
    select
        items.department,
        items.raised_on,
        coalesce(steps.granted_due_on, items.first_due_on) as due_on,
        steps.first_feedback_on,
        steps.closed_on,
        coalesce(presses.presses, 0) as presses
    from items
    left join steps on steps.item_id = items.item_id
    left join presses on presses.item_id = items.item_id
    where steps.withdrawn_on is null
),

final as (
    select
        department,
        count(*) as items,
        count(*) filter (where first_feedback_on is not null or due_on < $as_of) as feedback_due,
        count(*) filter (where first_feedback_on <= due_on) as feedback_on_time,
        count(*) filter (where closed_on is not null or due_on < $as_of) as close_due,
        count(*) filter (where closed_on <= due_on) as closed_on_time,
        count(*) filter (where closed_on is not null) as closed,
        count(*) filter (where closed_on is null and due_on < $as_of) as overdue_open,
        coalesce(sum(closed_on - raised_on) filter (where closed_on is not null), 0) as days_to_close,
        sum(presses) as presses
    from per_item
    group by department
)

select * from final
order by department
