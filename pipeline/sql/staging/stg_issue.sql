-- One row per issue of the ledger (问题台账), with its status and rating turned into flags.
with source as (
    select * from issue
),

final as (
    select
        issue_key,
        issue_no,
        id_number,
        raised_on,
        category as issue_category,
        description,
        level as issue_level,
        responsible_unit,
        status,
        closed_on,
        rating,
        status = $resolved_status as has_resolved_status,
        list_contains($closed_statuses::varchar[], status) as has_closed_status,
        rating is not null as is_rated,
        coalesce(list_contains($satisfied_ratings::varchar[], rating), false) as is_satisfied
    from source
)

select * from final
