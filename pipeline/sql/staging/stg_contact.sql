-- One row per contact (phone call, message, home visit …) with a beneficiary.
-- The method and the rating are turned into flags here so that every model reads them the same way;
-- the lists of home-visit methods and of satisfied ratings are bound parameters.
with source as (
    select * from contact
),

final as (
    select
        contact_key,
        id_number,
        contact_date,
        method,
        cadre_name as visit_cadre_name,
        cadre_phone as visit_cadre_phone,
        summary,
        satisfaction as rating,
        list_contains($home_visit_methods::varchar[], method) as is_home_visit,
        satisfaction is not null as is_rated,
        coalesce(list_contains($satisfied_ratings::varchar[], satisfaction), false) as is_satisfied
    from source
)

select * from final
