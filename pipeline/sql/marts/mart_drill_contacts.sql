-- One row per contact dated in the period with a paired beneficiary of the drilled group: the rows
-- behind 联系次数 and 月均联系频次.
with members as (
    select * from int_group_members
),

contacts as (
    select * from int_period_contact
),

final as (
    select
        members.period_id,
        members.id_number,
        members.beneficiary_name,
        members.category,
        members.county,
        members.township,
        members.department,
        members.cadre_name,
        members.cadre_phone,
        contacts.contact_date,
        contacts.method,
        contacts.visit_cadre_name,
        contacts.is_home_visit,
        contacts.rating,
        contacts.summary
    from contacts
    inner join members
        on contacts.period_id = members.period_id
        and contacts.id_number = members.id_number
)

select * from final
