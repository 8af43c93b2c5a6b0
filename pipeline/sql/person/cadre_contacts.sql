-- Every contact the figures count for one cadre ($key_cadre_phone): a contact with one of his pairs (within the
-- caller's scope) on a day the pairing was active (int_contact_active_pairing), whoever recorded it. Latest first.
with his_pairings as (
    select * from int_cadre_pairing
),

final as (
    select
        contacts.contact_date,
        his_pairings.id_number,
        his_pairings.beneficiary_name,
        his_pairings.county,
        his_pairings.township,
        contacts.method,
        contacts.summary,
        contacts.rating,
        contacts.visit_cadre_name,
        contacts.visit_cadre_phone
    from stg_contact as contacts
    inner join int_contact_active_pairing as active
        on active.contact_key = contacts.contact_key
    inner join his_pairings
        on his_pairings.id_number = active.id_number
        and his_pairings.cadre_phone = active.cadre_phone
)

select * from final
order by contact_date desc, county, township, id_number, method
