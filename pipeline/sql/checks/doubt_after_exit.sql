-- One row per beneficiary and cadre with contacts dated after the beneficiary's 退出日期 (SPEC §8): the person had
-- left the programme (came of age, died, moved away), yet contacts went on being recorded. The cadre is the one of the
-- latest pairing that began on or before the contact. Only contacts in the period ($period_start..$period_end) when
-- one is given.
with late as (
    select
        contact.contact_key,
        contact.id_number,
        contact.contact_date,
        contact.method,
        beneficiary.name as beneficiary_name,
        beneficiary.county,
        beneficiary.exited_on
    from contact
    inner join beneficiary on beneficiary.id_number = contact.id_number
    where beneficiary.exited_on is not null
        and contact.contact_date > beneficiary.exited_on
        and ($period_start::date is null or contact.contact_date >= $period_start::date)
        and ($period_end::date is null or contact.contact_date <= $period_end::date)
        and ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
),

with_cadre as (
    select
        late.*,
        arg_max(pairing.cadre_name, pairing.paired_on) as cadre_name,
        arg_max(pairing.cadre_phone, pairing.paired_on) as cadre_phone,
        arg_max(pairing.department, pairing.paired_on) as department
    from late
    inner join pairing
        on pairing.id_number = late.id_number
        and pairing.paired_on <= late.contact_date
    group by all
),

final as (
    select
        department,
        cadre_name,
        cadre_phone,
        county,
        id_number,
        any_value(beneficiary_name) as beneficiary_name,
        any_value(exited_on) as exited_on,
        count(*) as contacts,
        min(contact_date) as first_date,
        max(contact_date) as last_date,
        list(struct_pack(id_number, beneficiary_name, contact_date, method) order by contact_date, method) as records
    from with_cadre
    where $scope_department::varchar is null or department = $scope_department::varchar
    group by department, cadre_name, cadre_phone, county, id_number
)

select * from final
order by last_date desc, department, cadre_name, id_number
