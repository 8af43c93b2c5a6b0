-- One row per callback in which the person said he does not know his cadre (是否认识结对干部 = 否) although a contact
-- is recorded with him in each of the $doubt_unknown_months calendar months before the month of the callback
-- (SPEC §8): contacts every month, yet a stranger. The cadre is the one paired with him on the callback date. Only
-- callbacks in the period ($period_start..$period_end) when one is given.
with unknown as (
    select
        callback.callback_key,
        callback.id_number,
        callback.callback_date,
        callback.caller,
        date_trunc('month', callback.callback_date)::date as callback_month,
        (date_trunc('month', callback.callback_date) - to_months($doubt_unknown_months::integer))::date as window_start,
        pairing.cadre_name,
        pairing.cadre_phone,
        pairing.department,
        beneficiary.county,
        beneficiary.name as beneficiary_name
    from callback
    inner join beneficiary on beneficiary.id_number = callback.id_number
    inner join pairing
        on pairing.id_number = callback.id_number
        and pairing.paired_on <= callback.callback_date
        and (pairing.unpaired_on is null or pairing.unpaired_on > callback.callback_date)
    where callback.knows_cadre = $no_answer::varchar
        and ($period_start::date is null or callback.callback_date >= $period_start::date)
        and ($period_end::date is null or callback.callback_date <= $period_end::date)
        and ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or pairing.department = $scope_department::varchar)
),

contacted as (
    select
        unknown.callback_key,
        count(distinct date_trunc('month', contact.contact_date)) as months,
        count(*) as contacts,
        list(
            struct_pack(contact.contact_date, contact.method) order by contact.contact_date, contact.method
        ) as contact_list
    from unknown
    inner join contact
        on contact.id_number = unknown.id_number
        and contact.contact_date >= unknown.window_start
        and contact.contact_date < unknown.callback_month
    group by unknown.callback_key
),

final as (
    select
        unknown.department,
        unknown.cadre_name,
        unknown.cadre_phone,
        unknown.county,
        unknown.id_number,
        unknown.beneficiary_name,
        unknown.callback_date,
        unknown.caller,
        unknown.window_start as first_month,
        (unknown.callback_month - interval 1 day)::date as last_day,
        contacted.contacts,
        contacted.contact_list
    from unknown
    inner join contacted on contacted.callback_key = unknown.callback_key
    where contacted.months = $doubt_unknown_months::integer
)

select * from final
order by callback_date desc, department, cadre_name, id_number
