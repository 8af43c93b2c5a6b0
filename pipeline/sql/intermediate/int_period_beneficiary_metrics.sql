-- One row per period and beneficiary in scope on as_of, with the flags and counts that the
-- beneficiary contributes to the metrics (paired, contacted, home-visited, on standard, overdue …).
-- The contact summary is joined once per person (int_beneficiary_pairing) and only then expanded over
-- the periods, each period unpacking its own bits: no per-period join of millions of rows.
with pairs as (
    select * from int_beneficiary_pairing
),

summary as (
    select * from int_period_contact_summary
),

periods as (
    select * from int_periods
),

with_contacts as (
    select
        pairs.*,
        summary.* exclude (id_number)
    from pairs
    -- only the contacts of paired beneficiaries count, in every contact metric
    left join summary
        on pairs.id_number = summary.id_number
        and pairs.is_paired
),

candidates as (
    -- 超期未联系: with no contact up to as_of, a pair is overdue only once the pairing run is older than the
    -- threshold, or if an older contact exists. Contacts in the periods' windows are in the summary; only
    -- the few paired within the threshold of an as_of need a look at the contacts before the windows (a
    -- superset of them: within the threshold of the first as_of). They are picked from the pairs alone:
    -- asking the summary too would make the pairs met with it a table read twice, stored in between
    select id_number
    from pairs
    where is_paired
        and run_started_on >= (select min(as_of) from periods) - $overdue_days::integer
),

first_contact as (
    -- from windows_cover_from on, every contact lies in a window: only an earlier one is looked up, and a
    -- person's first contact is earlier exactly when he has one (one row per person, int_person_contact)
    select
        people.id_number,
        people.first_contact_on
    from int_person_contact as people
    where people.first_contact_on < $windows_cover_from::date
        and people.id_number in (select id_number from candidates)
),

with_lookup as (
    select
        with_contacts.*,
        first_contact.first_contact_on as first_contact_before_on
    from with_contacts
    -- a left join on the few looked-up people: they, not the many beneficiaries, are hashed
    left join first_contact
        on with_contacts.id_number = first_contact.id_number
),

expanded as (
    select
        periods.period_id,
        periods.start_on,
        periods.as_of,
        periods.window_start,
        periods.months_in_period,
        periods.periods_in_query,
        periods.period_bit,
        periods.second_period_bit,
        periods.lane_width,
        periods.lane_shift,
        periods.month_offset,
        periods.running_months,
        periods.month_bits_fit,
        with_lookup.* exclude (run_month_number, period_mask),
        -- as for the beneficiaries of each period (int_period_beneficiary), from the same rows
        date_trunc('month', greatest(periods.start_on, with_lookup.run_started_on))::date as first_required_month,
        case
            when with_lookup.is_paired
                then greatest(
                    periods.as_of_month_number - periods.running_months
                    - greatest(periods.start_month_number, with_lookup.run_month_number) + 1,
                    0
                )
            else 0
        end as months_required
    from with_lookup
    inner join periods
        on with_lookup.period_mask & periods.period_bit <> 0
),

unpacked as (
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
        cadre_name,
        department,
        cadre_level,
        pairing_mode,
        paired_on,
        run_started_on,
        first_required_month,
        months_required,
        -- the counts of P from its lane of the summary's packed counts; should anyone have more contacts
        -- than a lane holds, the counts cannot be read, and queries.py asks again with fewer periods
        case
            when most_contacts >= (1::hugeint << lane_width::hugeint)
                then error('contact lanes overflow: too many contacts of one beneficiary for the periods of one query')
        end as lane_overflow,
        coalesce((contacts >> lane_shift::hugeint) & ((1::hugeint << lane_width::hugeint) - 1), 0)::bigint
            as contacts,
        coalesce((home_visits >> lane_shift::hugeint) & ((1::hugeint << lane_width::hugeint) - 1), 0)::bigint
            as home_visits,
        coalesce((rated_contacts >> lane_shift::hugeint) & ((1::hugeint << lane_width::hugeint) - 1), 0)::bigint
            as rated_contacts,
        coalesce((satisfied_contacts >> lane_shift::hugeint) & ((1::hugeint << lane_width::hugeint) - 1), 0)::bigint
            as satisfied_contacts,
        -- the required months of P with a contact, from the month the pairing run began to the last month
        -- ended by as_of: months_required bits of P's block from bit running_months on (bit k: k months
        -- before the month of as_of)
        case
            when month_bits_fit
                then coalesce(
                    bit_count((contact_bits >> (month_offset + running_months)::hugeint)
                              & ((1::hugeint << months_required::hugeint) - 1)),
                    0
                )
            else error('too many months of periods in one query for 联系达标 (see queries.MASK_BITS)')
        end as months_contacted,
        case
            when periods_in_query = 1 then last_contact_on
            else list_max(list_filter(contact_dates, lambda d: d between window_start and as_of))
        end as last_contact_in_window,
        coalesce(contact_bits & second_period_bit <> 0, false) as has_home_visit,
        -- the last contact on or before as_of falls within the overdue threshold
        coalesce(contact_bits & period_bit <> 0, false) as has_contact_within_threshold,
        -- any contact on or before as_of at all: the first of the windows' contacts, or the first of the
        -- contacts before windows_cover_from (looked up for the few who need it, see candidates)
        coalesce(first_contact_on <= as_of or first_contact_before_on <= as_of, false) as has_contact_up_to_as_of
    from expanded
),

festival_periods as (
    -- the kinds of festival window each period overlaps
    select
        period_id,
        bool_or(festival_group = 'common') as has_common_window,
        bool_or(festival_group = 'children') as has_children_window,
        bool_or(festival_group = 'disabled') as has_disabled_window
    from int_festival_days
    group by period_id
),

with_festivals as (
    select
        unpacked.*,
        list_contains($child_categories::varchar[], unpacked.category) as is_child,
        coalesce(festival_periods.has_common_window, false) as has_common_window,
        coalesce(festival_periods.has_children_window, false) as has_children_window,
        coalesce(festival_periods.has_disabled_window, false) as has_disabled_window,
        coalesce(festival_contacts.in_common_window, false) as in_common_window,
        coalesce(festival_contacts.in_children_window, false) as in_children_window,
        coalesce(festival_contacts.in_disabled_window, false) as in_disabled_window
    from unpacked
    left join festival_periods
        on unpacked.period_id = festival_periods.period_id
    left join int_period_festival_contact as festival_contacts
        on unpacked.period_id = festival_contacts.period_id
        and unpacked.id_number = festival_contacts.id_number
),

final as (
    select
        * exclude (
            lane_overflow, has_home_visit, has_contact_within_threshold, has_contact_up_to_as_of, is_child,
            has_common_window, has_children_window, has_disabled_window,
            in_common_window, in_children_window, in_disabled_window
        ),
        is_paired and contacts > 0 as is_contacted,
        is_paired and has_home_visit as is_home_visited,
        -- 应达标: paired with at least one required month; 达标: a contact in each of them
        is_paired and months_required > 0 as is_standard_due,
        is_paired and months_required > 0 and months_contacted = months_required as is_on_standard,
        -- overdue: the last contact on or before as_of is older than the threshold, or there is none
        -- and the pairing run is older than the threshold (a change of cadre does not restart the clock)
        is_paired
        and not has_contact_within_threshold
        and (has_contact_up_to_as_of or as_of - run_started_on > $overdue_days::integer) as is_overdue_contact,
        -- 节日关爱: paired, with a festival window of the person's category overlapping P (due), and a
        -- contact dated in P inside one (contacted)
        is_paired and (
            has_common_window
            or (is_child and has_children_window)
            or (list_contains($disabled_categories::varchar[], category) and has_disabled_window)
        ) as is_festival_due,
        is_paired and (
            in_common_window
            or (is_child and in_children_window)
            or (list_contains($disabled_categories::varchar[], category) and in_disabled_window)
        ) as is_festival_contacted,
        -- 爱心爸妈结对率: paired children, and those whose active cadre is at a leading level
        is_paired and is_child as is_child_paired,
        is_paired and is_child and list_contains($leading_levels::varchar[], cadre_level) as is_child_led
    from with_festivals
    -- the check is part of every count: a row whose counts cannot be read never passes
    where lane_overflow is null
)

select * from final
