-- One row per item within the scope (county, department: null for no restriction), or the one item asked for:
-- the item as stored, its number of lines, 催办 so far and whether an extension request waits for a decision.
with items as (
    select *
    from supervision_item
    where (cast($item_id as integer) is null or item_id = $item_id)
        and (cast($county as varchar) is null or county = $county)
        and (cast($department as varchar) is null or department = $department)
),

lines as (
    select item_id, count(*) as lines
    from supervision_line
    where item_id in (select item_id from items)
    group by item_id
),

presses as (
    select item_id, count(*) as presses
    from supervision_press
    where item_id in (select item_id from items)
    group by item_id
),

pending as (
    select distinct item_id
    from supervision_extension
    where decision is null and item_id in (select item_id from items)
),

final as (
    select
        items.item_id,
        items.year,
        items.number,
        items.source,
        items.department,
        items.county,
        items.requirement,
        items.level,
        items.period,
        items.raised_on,
        items.first_due_on,
        items.due_on,
        items.due_estimated,
        items.raised_by,
        items.state,
        items.first_feedback_on,
        items.ready_on,
        items.closed_on,
        coalesce(lines.lines, 0) as lines,
        coalesce(presses.presses, 0) as presses,
        pending.item_id is not null as pending_extension
    from items
    left join lines on lines.item_id = items.item_id
    left join presses on presses.item_id = items.item_id
    left join pending on pending.item_id = items.item_id
)

select * from final
order by year desc, number desc
