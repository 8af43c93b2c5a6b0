-- The people of one sample in the scope, in the order of the sheet: who they are, their cadre as drawn, the contacts
-- recorded with them in the sample's period ($period_start..$as_of), and their latest callback since it was drawn
-- (one carrying the sample's number, or any dated after its skip_since, see sample_list.sql).
with lines as (
    select
        lines.sample_id,
        lines.line_no,
        lines.id_number,
        lines.department,
        lines.cadre_name,
        lines.cadre_phone,
        lines.doubt,
        samples.skip_since,
        beneficiary.name as beneficiary_name,
        beneficiary.county,
        beneficiary.township,
        beneficiary.village,
        beneficiary.phone
    from callback_sample_line as lines
    inner join callback_sample as samples on samples.sample_id = lines.sample_id
    inner join beneficiary on beneficiary.id_number = lines.id_number
    where lines.sample_id = $sample_id::integer
        and ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or lines.department = $scope_department::varchar)
),

contacts as (
    select
        lines.line_no,
        list(struct_pack(contact.contact_date, contact.method) order by contact.contact_date, contact.method) as contacts
    from lines
    inner join contact
        on contact.id_number = lines.id_number
        and contact.contact_date between $period_start::date and $as_of::date
    group by lines.line_no
),

latest as (
    select
        lines.line_no,
        arg_max(callback.callback_date, (callback.callback_date, callback.batch_id)) as callback_date,
        arg_max(callback.reach, (callback.callback_date, callback.batch_id)) as reach,
        arg_max(callback.knows_cadre, (callback.callback_date, callback.batch_id)) as knows_cadre,
        arg_max(callback.contact_truth, (callback.callback_date, callback.batch_id)) as contact_truth,
        arg_max(callback.satisfaction, (callback.callback_date, callback.batch_id)) as callback_satisfaction,
        arg_max(callback.reported_issue, (callback.callback_date, callback.batch_id)) as reported_issue,
        arg_max(callback.caller, (callback.callback_date, callback.batch_id)) as caller
    from lines
    inner join callback
        on callback.id_number = lines.id_number
        and (callback.sample_id = lines.sample_id or callback.callback_date > lines.skip_since)
    group by lines.line_no
),

final as (
    select
        lines.* exclude (skip_since),
        coalesce(contacts.contacts, []) as contacts,
        latest.callback_date,
        latest.caller,
        latest.reach,
        latest.knows_cadre,
        latest.contact_truth,
        latest.callback_satisfaction,
        latest.reported_issue
    from lines
    left join contacts on contacts.line_no = lines.line_no
    left join latest on latest.line_no = lines.line_no
)

select * from final
order by line_no
