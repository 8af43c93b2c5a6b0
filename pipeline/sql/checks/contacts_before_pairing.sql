-- One row per contact dated before the beneficiary was paired or before his 纳入日期: on a day
-- without an active pairing, with a pairing starting later (or no pairing at all yet), or earlier
-- than the day he joined the programme. A wrong date, or a pairing missing from the roster, usually
-- lies behind it. Contacts after the last pairing ended are not "before the pairing": left out.
with active_pairing as (
    select contact_key, paired_on, cadre_name, department
    from int_contact_active_pairing
),

next_pairing as (
    -- the first pairing that starts after the contact: the one the contact came too early for
    select
        contact.contact_key,
        min(pairing.paired_on) as paired_on,
        arg_min(pairing.cadre_name, pairing.paired_on) as cadre_name,
        arg_min(pairing.department, pairing.paired_on) as department
    from contact
    inner join pairing
        on pairing.id_number = contact.id_number
        and pairing.paired_on > contact.contact_date
    group by contact.contact_key
),

pairings_per_person as (
    select id_number, count(*) as pairings
    from pairing
    group by id_number
),

judged as (
    select
        beneficiary.county,
        beneficiary.township,
        contact.id_number,
        beneficiary.name as beneficiary_name,
        contact.contact_date,
        contact.method,
        contact.cadre_name as visit_cadre_name,
        beneficiary.enrolled_on,
        -- the pairing the contact belongs to (a contact before 纳入日期 may have one), else the next one
        coalesce(active_pairing.paired_on, next_pairing.paired_on) as paired_on,
        coalesce(active_pairing.cadre_name, next_pairing.cadre_name) as cadre_name,
        coalesce(active_pairing.department, next_pairing.department) as department,
        active_pairing.contact_key is null
            and (next_pairing.contact_key is not null or pairings_per_person.id_number is null)
            as is_before_pairing,
        contact.contact_date < beneficiary.enrolled_on as is_before_enrolment
    from contact
    inner join beneficiary on beneficiary.id_number = contact.id_number
    left join active_pairing on active_pairing.contact_key = contact.contact_key
    left join next_pairing on next_pairing.contact_key = contact.contact_key
    left join pairings_per_person on pairings_per_person.id_number = contact.id_number
),

final as (
    select *
    from judged
    where (is_before_pairing or is_before_enrolment)
        and ($scope_county::varchar is null or county = $scope_county::varchar)
        and ($scope_department::varchar is null or department = $scope_department::varchar)
)

select * from final
order by contact_date desc, county, township, id_number
