-- One row per beneficiary in scope and each of its pairings in scope, plus one row for the beneficiary
-- without a pairing, each with period_mask: the periods (a bit each, see int_periods.period_bit) on whose
-- as_of that row is the beneficiary's state — enrolled and not yet exited, with that pairing active (or,
-- for the row without one, with no pairing active). Rows that are nobody's state in any period are left
-- out. Expanded over their periods, the rows are the beneficiaries of each period; everything that does not
-- change from period to period (names, group keys, labels) is worked out here once, not once per period, and
-- the models that meet contacts or issues join them once per person before expanding. The caller's scope
-- (one county, one department) is applied here, so that nothing outside it reaches any later model; so are the
-- people a 督办 list asks about (int_people_asked), when it names them.
with periods as (
    select * from int_periods
),

people as not materialized (
    -- inlined where read, as the staging models are: the filters of the CTEs below reach the table scans
    select * from stg_beneficiary
    where $people_asked::varchar is null or id_number in (select id_number from int_people_asked)
),

people_pairings as not materialized (
    select * from stg_pairing
    where $people_asked::varchar is null or id_number in (select id_number from int_people_asked)
),

from_days as (
    -- enrolment and pairing both run from a first day to a day out (none: still running), and the
    -- distinct days are few: the periods each covers are worked out once per day, not once per person (everyone's
    -- days, also when a list names its people: what a day covers does not depend on whose it is)
    select enrolled_on as day from stg_beneficiary
    union
    select paired_on as day from stg_pairing
),

until_days as (
    select exited_on as day from stg_beneficiary where exited_on is not null
    union
    select unpaired_on as day from stg_pairing where unpaired_on is not null
),

started_by as (
    -- the periods whose as_of is on or after the first day
    select
        from_days.day,
        coalesce(bit_or(periods.period_bit) filter (where periods.as_of >= from_days.day), 0) as period_mask
    from from_days
    cross join periods
    group by from_days.day
),

not_ended_by as (
    -- the periods whose as_of is before the day out
    select
        until_days.day,
        coalesce(bit_or(periods.period_bit) filter (where periods.as_of < until_days.day), 0) as period_mask
    from until_days
    cross join periods
    group by until_days.day
),

all_periods as (
    select bit_or(period_bit) as period_mask from periods
),

beneficiaries as (
    select
        beneficiary.*,
        started_by.period_mask & coalesce(not_ended_by.period_mask, all_periods.period_mask) as in_program_mask
    from people as beneficiary
    inner join started_by
        on beneficiary.enrolled_on = started_by.day
    left join not_ended_by
        on beneficiary.exited_on = not_ended_by.day
    cross join all_periods
    where $scope_county::varchar is null or beneficiary.county = $scope_county::varchar
),

repaired as (
    -- the people with more than one pairing: only they can have a pairing run longer than one pairing
    select id_number
    from people_pairings
    group by id_number
    having count(*) > 1
),

run_starts as (
    -- SPEC §5, the current pairing run: pairings that follow each other without a day unpaired (one's
    -- 解除日期 on or after the next one's 结对日期) form one run. In 结对日期 order a pairing starts a new
    -- run when every earlier pairing of the person ended before its first day, and each pairing belongs to
    -- the run of the last one started by then: its first day is the latest such start
    select
        id_number,
        cadre_phone,
        max(case when starts_run then paired_on end) over (
            partition by id_number order by paired_on, cadre_phone rows unbounded preceding
        ) as run_started_on
    from (
        select
            pairing.id_number,
            pairing.cadre_phone,
            pairing.paired_on,
            coalesce(
                max(coalesce(pairing.unpaired_on, date '9999-12-31')) over (
                    partition by pairing.id_number
                    order by pairing.paired_on, pairing.cadre_phone
                    rows between unbounded preceding and 1 preceding
                ) < pairing.paired_on,
                true
            ) as starts_run
        from stg_pairing as pairing
        semi join repaired
            on pairing.id_number = repaired.id_number
    )
),

pairings as (
    -- the import keeps at most one active pairing per beneficiary and day (SPEC §2.1), so a beneficiary is
    -- one row in each period; should two pairings overlap, each makes a row, as a join would. The run is
    -- worked out before the department scope, since the cadres before may belong to other departments
    select
        pairing.*,
        coalesce(run_starts.run_started_on, pairing.paired_on) as run_started_on,
        started_by.period_mask & coalesce(not_ended_by.period_mask, all_periods.period_mask) as active_mask
    from people_pairings as pairing
    inner join started_by
        on pairing.paired_on = started_by.day
    left join not_ended_by
        on pairing.unpaired_on = not_ended_by.day
    left join run_starts
        on pairing.id_number = run_starts.id_number
        and pairing.cadre_phone = run_starts.cadre_phone
    cross join all_periods
    where $scope_department::varchar is null or pairing.department = $scope_department::varchar
),

joined as (
    -- each beneficiary with each of its pairings active on an as_of it is in the program on, or once on
    -- its own when there is none such; a department scope keeps only the pairs of that department
    select
        beneficiaries.* exclude (in_program_mask),
        beneficiaries.in_program_mask,
        pairings.active_mask,
        pairings.cadre_phone,
        pairings.cadre_name,
        pairings.department,
        pairings.cadre_level,
        pairings.pairing_mode,
        pairings.paired_on,
        pairings.run_started_on
    from beneficiaries
    left join pairings
        on beneficiaries.id_number = pairings.id_number
        and beneficiaries.in_program_mask & pairings.active_mask <> 0
    where $scope_department::varchar is null or pairings.id_number is not null
),

partly_paired as (
    -- the few beneficiaries with a pairing that is not active on every as_of they are in the program on
    select distinct id_number
    from joined
    where active_mask is not null
        and in_program_mask & ~active_mask <> 0
),

unpaired_between as (
    -- of them, the periods in which none of their pairings is active: they are 未结对 then
    select
        id_number,
        any_value(beneficiary_name) as beneficiary_name,
        any_value(category) as category,
        any_value(county) as county,
        any_value(township) as township,
        any_value(village) as village,
        any_value(enrolled_on) as enrolled_on,
        any_value(exited_on) as exited_on,
        bit_and(in_program_mask & ~active_mask) as period_mask
    from joined
    where id_number in (select id_number from partly_paired)
    group by id_number
),

rows as (
    select
        * exclude (in_program_mask, active_mask),
        active_mask is not null as is_paired,
        in_program_mask & coalesce(active_mask, in_program_mask) as period_mask
    from joined
    union all by name
    select
        *,
        false as is_paired
    from unpaired_between
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
        -- the first day of the current pairing run (see run_starts): the clock of 联系达标 and 超期未联系
        run_started_on,
        -- its calendar month, numbered as int_periods numbers them
        year(run_started_on) * 12 + month(run_started_on) - 1 as run_month_number,
        period_mask
    from rows
    where period_mask <> 0
)

select * from final
