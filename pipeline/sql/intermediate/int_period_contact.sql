-- One row per period and contact dated in the period (first day to as_of) with a paired beneficiary
-- in scope: the contact rows behind 联系次数 and 群众满意率, for drill-down lists.
with contacts as (
    -- the bound scan range lets DuckDB skip row groups of other dates before any join
    select * from stg_contact
    where contact_date between $scan_from::date and $scan_to::date
),

paired as (
    select period_id, id_number, start_on, as_of
    from int_period_beneficiary
    where is_paired
),

final as (
    select
        paired.period_id,
        paired.id_number,
        contacts.contact_key,
        contacts.contact_date,
        contacts.method,
        contacts.visit_cadre_name,
        contacts.visit_cadre_phone,
        contacts.summary,
        contacts.rating,
        contacts.is_home_visit,
        contacts.is_rated,
        contacts.is_satisfied
    from contacts
    inner join paired
        on contacts.id_number = paired.id_number
        and contacts.contact_date between paired.start_on and paired.as_of
)

select * from final
