-- One row per contact whose 干部电话 differs from the phone of the cadre paired with the beneficiary
-- on the contact date. Such a contact still counts in every figure (SPEC §2.2); the office checks
-- whether the cadre asked someone else to go, or the ledger names the wrong person. A contact
-- without a 干部电话, or on a day without an active pairing, is not judged here.
with active_pairing as (
    select contact_key, cadre_name, cadre_phone, department
    from int_contact_active_pairing
),

final as (
    select
        beneficiary.county,
        beneficiary.township,
        contact.id_number,
        beneficiary.name as beneficiary_name,
        contact.contact_date,
        contact.method,
        contact.cadre_name as visit_cadre_name,
        contact.cadre_phone as visit_cadre_phone,
        active_pairing.cadre_name,
        active_pairing.cadre_phone,
        active_pairing.department
    from contact
    inner join active_pairing on active_pairing.contact_key = contact.contact_key
    inner join beneficiary on beneficiary.id_number = contact.id_number
    -- a contact without a 干部电话 is not judged (null never differs)
    where contact.cadre_phone <> active_pairing.cadre_phone
        and ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or active_pairing.department = $scope_department::varchar)
)

select * from final
order by contact_date desc, county, township, id_number, visit_cadre_phone
