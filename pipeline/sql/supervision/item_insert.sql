-- One new 督办事项: its number is the next one of its year (督办〔year〕第number号).
insert into supervision_item (
    item_id, year, number, source, department, county, requirement, level, period, raised_on, first_due_on,
    due_on, due_estimated, raised_by, raised_at, state, updated_at
)
select
    nextval('supervision_item_seq'),
    $year,
    coalesce((select max(number) from supervision_item where year = $year), 0) + 1,
    $source,
    $department,
    $county,
    $requirement,
    $level,
    $period,
    $raised_on,
    $due_on,
    $due_on,
    $due_estimated,
    $raised_by,
    $raised_at,
    'assigned',
    $raised_at
returning item_id, number
