-- One row per beneficiary (帮扶对象), keyed by the ID number, with the columns the metrics read.
with source as (
    select * from beneficiary
),

final as (
    select
        id_number,
        name as beneficiary_name,
        category,
        county,
        township,
        village,
        enrolled_on,
        exited_on
    from source
)

select * from final
