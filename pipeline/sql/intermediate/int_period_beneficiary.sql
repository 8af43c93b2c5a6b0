-- One row per period and beneficiary in scope on the period's as_of (enrolled, not yet exited), with
-- the pairing active that day if there is one, and the keys every grouping needs. The caller's scope
-- (one county, one department) is applied here, so that nothing outside it reaches any later model.
with periods as (
    select * from int_periods
),

in_program as (
    select
        periods.period_id,
        periods.start_on,
        periods.as_of,
        periods.as_of_month,
        periods.window_start,
        periods.months_in_period,
        beneficiary.*
    from stg_beneficiary as beneficiary
    inner join periods
        on beneficiary.enrolled_on <= periods.as_of
        and (beneficiary.exited_on is null or beneficiary.exited_on > periods.as_of)
    where $scope_county::varchar is null or beneficiary.county = $scope_county::varchar
),

active_pairing as (
    -- the import keeps at most one active pairing per beneficiary and day (SPEC §2.1)
    select
        periods.period_id,
        pairing.*
    from stg_pairing as pairing
    inner join periods
        on pairing.paired_on <= periods.as_of
        and (pairing.unpaired_on is null or pairing.unpaired_on > periods.as_of)
    where $scope_department::varchar is null or pairing.department = $scope_department::varchar
),

joined as (
    select
        in_program.*,
        active_pairing.id_number is not null as is_paired,
        active_pairing.cadre_phone,
        active_pairing.cadre_name,
        active_pairing.department,
        active_pairing.cadre_level,
        active_pairing.pairing_mode,
        active_pairing.paired_on
    from in_program
    -- a department scope keeps only the pairs of that department, so the join becomes an inner one
    left join active_pairing
        on in_program.period_id = active_pairing.period_id
        and in_program.id_number = active_pairing.id_number
    where $scope_department::varchar is null or active_pairing.id_number is not null
),

final as (
    select
        period_id,
        start_on,
        as_of,
        window_start,
        months_in_period,
        id_number,
        beneficiary_name,
        category,
        county,
        township,
        village,
        enrolled_on,
        exited_on,
        is_paired,
        cadre_phone,
        coalesce(cadre_name, $unpaired_label) as cadre_name,
        coalesce(department, $unpaired_label) as department,
        case
            when not is_paired then $unpaired_label
            else coalesce(cadre_level, $unknown_level_label)
        end as cadre_level,
        pairing_mode,
        paired_on,
        -- 联系达标 asks for a contact in every month P touches, from the month of 结对日期 on
        date_trunc('month', greatest(start_on, paired_on))::date as first_required_month,
        case
            when is_paired
                then date_diff('month', date_trunc('month', greatest(start_on, paired_on)), as_of_month) + 1
            else 0
        end as months_required
    from joined
)

select * from final
