-- One row per item 交办 in the period (within the scope) that was past its time limit on as_of and not 销号 or
-- 撤销 by then: the items a 督办通报 names. The time limit is the one in force on as_of.
with items as (
    select item_id, year, number, department, level, raised_on, first_due_on
    from supervision_item
    where raised_on between $start_on and $end_on
        and raised_on <= $as_of
        and (cast($county as varchar) is null or county = $county)
        and (cast($department as varchar) is null or department = $department)
),

steps as (
    select
        item_id,
        min(acted_on) filter (where action in ('close', 'withdraw')) as ended_on,
        min(acted_on) filter (where action = 'feedback') as first_feedback_on,
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

final as (
    select
        items.item_id,
        items.year,
        items.number,
        items.department,
        items.level,
        items.raised_on,
        coalesce(steps.granted_due_on, items.first_due_on) as due_on,
        $as_of::date - coalesce(steps.granted_due_on, items.first_due_on) as days_overdue,
        steps.first_feedback_on is not null as answered,
        coalesce(presses.presses, 0) as presses
    from items
    left join steps on steps.item_id = items.item_id
    left join presses on presses.item_id = items.item_id
    where steps.ended_on is null
        and coalesce(steps.granted_due_on, items.first_due_on) < $as_of
)

select * from final
order by days_overdue desc, year, number
