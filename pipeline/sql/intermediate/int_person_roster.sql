-- One row per beneficiary as the roster holds him: the columns the 一人一档 search, a person's file and a cadre's
-- list of pairs show (name as written, his own phone, the days he joined and left the programme).
with source as (
    select * from beneficiary
),

final as (
    select
        id_number,
        name,
        category,
        county,
        township,
        village,
        phone,
        enrolled_on,
        exited_on
    from source
)

select * from final
