-- The beneficiaries a search text finds, within the caller's scope: by name (a part of it), by ID number
-- (full, or masked: the first six and the last four characters) or by phone (full, or masked: the first
-- three and the last four digits). The caller decides which forms it may use (full forms only for users who
-- may show full identifiers): a null pattern matches nothing. At most $limit rows, the closest first.
with people as (
    select *
    from int_person_roster
    where $scope_county::varchar is null or county = $scope_county::varchar
),

current_pairing as (
    -- the pairing active today, if any (the department scope and the list show it)
    select id_number, cadre_name, cadre_phone, department
    from int_active_pairing
),

matched as (
    select
        people.*,
        current_pairing.cadre_name,
        current_pairing.cadre_phone,
        current_pairing.department,
        case
            when people.name = $name_text::varchar then 0
            when people.id_number = $full_id::varchar then 0
            when people.phone = $full_phone::varchar then 0
            else 1
        end as closeness
    from people
    left join current_pairing
        on people.id_number = current_pairing.id_number
    where (
        ($name_text::varchar is not null and contains(people.name, $name_text::varchar))
        or people.id_number = $full_id::varchar
        or (
            $id_head::varchar is not null
            and starts_with(people.id_number, $id_head::varchar)
            and ends_with(people.id_number, $id_tail::varchar)
        )
        or people.phone = $full_phone::varchar
        or (
            $phone_head::varchar is not null
            and starts_with(people.phone, $phone_head::varchar)
            and ends_with(people.phone, $phone_tail::varchar)
        )
    )
    and ($scope_department::varchar is null or current_pairing.department = $scope_department::varchar)
)

select * exclude (closeness)
from matched
order by closeness, name, county, township, id_number
limit $limit
