-- One row per beneficiary in scope and each of its pairings in scope, plus one row for the beneficiary
-- without a pairing, each with period_mask: the periods (a bit each, see int_periods.period_bit) on whose
-- as_of that row is the beneficiary's state — enrolled and not yet exited, with that pairing active (or,
-- for the row without one, with no pairing active). Rows that are nobody's state in any period are left
-- out. Expanded over their periods, the rows are the beneficiaries of each period; everything that does not
-- change from period to period (names, group keys, labels) is worked out here once, not once per period, and
-- the models that meet contacts or issues join them once per person before expanding. The caller's scope
-- (one county, one department) is applied here, so that nothing outside it reaches any later model.
with periods as (
    select * from int_periods
),

spans as (
    -- enrolment and pairing are both spans of days, in from_on and out from until_on (none: still in);
    -- the distinct spans are far fewer than the people, so which as_of each covers is worked out per span
    select enrolled_on as from_on, exited_on as until_on from stg_beneficiary
    union
    select paired_on as from_on, unpaired_on as until_on from stg_pairing
),

span_periods as (
    select
        spans.from_on,
        spans.until_on,
        coalesce(
            bit_or(periods.period_bit) filter (
                where spans.from_on <= periods.as_of and (spans.until_on is null or spans.until_on > periods.as_of)
            ),
            0
        ) as period_mask
    from spans
    cross join periods
    group by spans.from_on, spans.until_on
),

beneficiaries as (
    select
        beneficiary.*,
        span_periods.period_mask as in_program_mask
    from stg_beneficiary as beneficiary
    inner join span_periods
        on beneficiary.enrolled_on = span_periods.from_on
        and beneficiary.exited_on is not distinct from span_periods.until_on
    where $scope_county::varchar is null or beneficiary.county = $scope_county::varchar
),

pairings as (
    -- the import keeps at most one active pairing per beneficiary and day (SPEC §2.1)
    select
        pairing.*,
        span_periods.period_mask as active_mask
    from stg_pairing as pairing
    inner join span_periods
        on pairing.paired_on = span_periods.from_on
        and pairing.unpaired_on is not distinct from span_periods.until_on
    where $scope_department::varchar is null or pairing.department = $scope_department::varchar
),

paired as (
    select
        beneficiaries.* exclude (in_program_mask),
        true as is_paired,
        pairings.cadre_phone,
        pairings.cadre_name,
        pairings.department,
        pairings.cadre_level,
        pairings.pairing_mode,
        pairings.paired_on,
        beneficiaries.in_program_mask & pairings.active_mask as period_mask
    from beneficiaries
    inner join pairings
        on beneficiaries.id_number = pairings.id_number
),

any_pairing_active as (
    select
        id_number,
        bit_or(active_mask) as active_mask
    from pairings
    group by id_number
),

unpaired as (
    -- the periods in which the beneficiary is in the program but none of its pairings is active; a
    -- department scope keeps only the pairs of that department, so it has no such rows
    select
        beneficiaries.* exclude (in_program_mask),
        false as is_paired,
        null::varchar as cadre_phone,
        null::varchar as cadre_name,
        null::varchar as department,
        null::varchar as cadre_level,
        null::varchar as pairing_mode,
        null::date as paired_on,
        beneficiaries.in_program_mask & ~coalesce(any_pairing_active.active_mask, 0) as period_mask
    from beneficiaries
    left join any_pairing_active
        on beneficiaries.id_number = any_pairing_active.id_number
    where $scope_department::varchar is null
),

final as (
    select
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
        -- the calendar month of 结对日期, numbered as int_periods numbers them
        year(paired_on) * 12 + month(paired_on) - 1 as paired_month_number,
        period_mask
    from (
        select * from paired
        union all by name
        select * from unpaired
    )
    where period_mask <> 0
)

select * from final
