-- One row per contact that a callback found untrue (SPEC §8): the person said the recent contact did not happen
-- (近期联系是否属实 = 不属实), and the contact is his, dated within the $callback_recent_days days up to the callback
-- (the 近期联系 the caller asked about). The contact still counts in the figures; the office checks it.
with untrue as (
    select id_number, callback_date, caller
    from callback
    where contact_truth = $untrue_answer::varchar
),

final as (
    select
        beneficiary.county,
        beneficiary.township,
        contact.id_number,
        beneficiary.name as beneficiary_name,
        untrue.callback_date,
        untrue.caller,
        contact.contact_date,
        contact.method,
        contact.cadre_name as visit_cadre_name,
        active.cadre_name,
        active.cadre_phone,
        active.department
    from untrue
    inner join contact
        on contact.id_number = untrue.id_number
        and contact.contact_date <= untrue.callback_date
        and contact.contact_date > untrue.callback_date - $callback_recent_days::integer
    inner join beneficiary on beneficiary.id_number = contact.id_number
    left join int_contact_active_pairing as active on active.contact_key = contact.contact_key
    where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or active.department = $scope_department::varchar)
    qualify row_number() over (partition by contact.contact_key order by untrue.callback_date desc) = 1
)

select * from final
order by callback_date desc, county, township, id_number, contact_date
