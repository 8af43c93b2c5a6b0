-- One row per cadre (known by his 干部电话), calendar month and import batch that brought at least
-- $doubt_late_contacts of the month's contacts of his pairs more than $doubt_late_days days after the month ended,
-- when an earlier batch had already brought contacts dated after that month: the office was receiving later months
-- already, and this month's contacts came in afterwards, all at once (SPEC §8). A first import of a history ledger
-- is no such batch. A contact counts with the batch that last wrote it. Only months that touch the period
-- ($period_start..$period_end) when one is given.
with batches as (
    -- the latest contact date any earlier batch had brought
    select
        batch_id,
        imported_at,
        file_name,
        max(latest) over (order by batch_id rows between unbounded preceding and 1 preceding) as reported_until
    from (
        select import_batch.batch_id, import_batch.imported_at, import_batch.file_name, contacts.latest
        from import_batch
        left join (
            select batch_id, max(contact_date) as latest from contact group by batch_id
        ) as contacts on contacts.batch_id = import_batch.batch_id
    )
),

late_batches as (
    -- a contact of month m is late in a batch when m ended more than $doubt_late_days days before the import and
    -- an earlier batch had brought a date after m: so it is dated before both bounds, which the scan checks first
    select
        *,
        least(imported_at::date - $doubt_late_days::integer, reported_until) as dated_before
    from batches
    where reported_until is not null
        -- a month touching the period ends no earlier than the period's first month: a batch that cannot be late for
        -- that month is late for none of them
        and (
            $period_start::date is null
            or (
                imported_at::date - $doubt_late_days::integer > last_day($period_start::date)
                and reported_until > last_day($period_start::date)
            )
        )
),

late as (
    select
        active.id_number,
        active.contact_date,
        active.method,
        date_trunc('month', active.contact_date)::date as month,
        last_day(active.contact_date) as month_end,
        active.cadre_name,
        active.cadre_phone,
        active.department,
        beneficiary.county,
        beneficiary.name as beneficiary_name,
        late_batches.batch_id,
        late_batches.imported_at,
        late_batches.file_name,
        ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
            and ($scope_department::varchar is null or active.department = $scope_department::varchar) as is_in_scope
    from int_contact_active_pairing as active
    inner join late_batches
        on late_batches.batch_id = active.batch_id
        and active.contact_date < late_batches.dated_before
    inner join beneficiary on beneficiary.id_number = active.id_number
    where date_diff('day', last_day(active.contact_date), late_batches.imported_at::date) > $doubt_late_days::integer
        and late_batches.reported_until > last_day(active.contact_date)
        -- the months that touch the period: ended on or after its first day, began on or before its last
        and ($period_start::date is null or active.contact_date >= date_trunc('month', $period_start::date))
        and ($period_end::date is null or active.contact_date <= last_day($period_end::date))
        and (
            ($scope_county::varchar is null and $scope_department::varchar is null)
            or active.cadre_phone in (select cadre_phone from int_scoped_cadres)
        )
),

final as (
    select
        min(department) as department,
        min(cadre_name) as cadre_name,
        cadre_phone,
        string_agg(distinct county, '、' order by county) as county,
        month,
        batch_id,
        any_value(imported_at) as imported_at,
        any_value(file_name) as file_name,
        date_diff('day', any_value(month_end), any_value(imported_at)::date) as days_late,
        count(*) as contacts,
        list(
            struct_pack(id_number, beneficiary_name, contact_date, method) order by contact_date, id_number, method
        ) filter (where is_in_scope) as records
    from late
    group by cadre_phone, month, batch_id
    having count(*) >= $doubt_late_contacts::integer and bool_or(is_in_scope)
)

select * from final
order by month desc, department, cadre_name, cadre_phone
