-- One row per contact whose 干部电话 differs from the phone of the cadre paired with the beneficiary
-- on the contact date. Such a contact still counts in every figure (SPEC §2.2); the office checks
-- whether the cadre asked someone else to go, or the ledger names the wrong person. A contact
-- without a 干部电话, or on a day without an active pairing, is not judged here.
with beneficiaries as (
    select id_number, county, township, name
    from beneficiary
    where $scope_county::varchar is null or county = $scope_county::varchar
),

found as (
    -- only the columns that decide, and those of the person and pairing: the method and the cadre the ledger names
    -- are read for the contacts found alone (details)
    select
        beneficiaries.county,
        beneficiaries.township,
        active.contact_row,
        active.id_number,
        beneficiaries.name as beneficiary_name,
        active.contact_date,
        active.visit_cadre_phone,
        active.cadre_name,
        active.cadre_phone,
        active.department
    from int_contact_active_pairing as active
    inner join beneficiaries on beneficiaries.id_number = active.id_number
    -- a contact without a 干部电话 is not judged (null never differs)
    where active.visit_cadre_phone <> active.cadre_phone
        and ($scope_department::varchar is null or active.department = $scope_department::varchar)
),

details as (
    -- by row: a few thousand contacts rather than the two columns of every contact carried through the join
    select rowid as contact_row, method, cadre_name
    from contact
    where rowid in (select contact_row from found)
),

final as (
    select
        found.county,
        found.township,
        found.id_number,
        found.beneficiary_name,
        found.contact_date,
        details.method,
        details.cadre_name as visit_cadre_name,
        found.visit_cadre_phone,
        found.cadre_name,
        found.cadre_phone,
        found.department
    from found
    inner join details on details.contact_row = found.contact_row
)

select * from final
order by contact_date desc, county, township, id_number, visit_cadre_phone, method
