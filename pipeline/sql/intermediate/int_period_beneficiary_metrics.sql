-- One row per period and beneficiary in scope on as_of, with the flags and counts that the
-- beneficiary contributes to the metrics (paired, contacted, home-visited, on standard, overdue …).
with beneficiaries as (
    select * from int_period_beneficiary
),

summary as (
    select * from int_period_contact_summary
),

joined as (
    select
        beneficiaries.*,
        coalesce(summary.contacts, 0) as contacts,
        coalesce(summary.home_visits, 0) as home_visits,
        coalesce(summary.rated_contacts, 0) as rated_contacts,
        coalesce(summary.satisfied_contacts, 0) as satisfied_contacts,
        -- the months of P with a contact, less those before the month of 结对日期 (bits at or above
        -- months_required, counted back from the month of as_of)
        coalesce(
            bit_count(summary.contact_months_mask)
            - bit_count(summary.contact_months_mask >> beneficiaries.months_required::hugeint),
            0
        ) as months_contacted,
        -- the last contact of the window decides whether one falls within the overdue threshold
        coalesce(
            summary.last_contact_in_window >= beneficiaries.as_of - $overdue_days::integer, false
        ) as has_contact_within_threshold,
        summary.last_contact_in_window
    from beneficiaries
    -- only the contacts of paired beneficiaries count, in every contact metric
    left join summary
        on beneficiaries.period_id = summary.period_id
        and beneficiaries.id_number = summary.id_number
        and beneficiaries.is_paired
),

recently_paired_without_contact as (
    -- paired no more than the threshold ago and no contact in the window: overdue only when an older
    -- contact exists, so only these few rows need a look further back
    select period_id, id_number, window_start
    from joined
    where is_paired
        and last_contact_in_window is null
        and as_of - paired_on <= $overdue_days::integer
),

with_older_contact as (
    select distinct candidates.period_id, candidates.id_number
    from recently_paired_without_contact as candidates
    inner join stg_contact as contacts
        on contacts.id_number = candidates.id_number
        and contacts.contact_date < candidates.window_start
),

final as (
    select
        joined.* exclude (has_contact_within_threshold),
        joined.is_paired and joined.contacts > 0 as is_contacted,
        joined.is_paired and joined.home_visits > 0 as is_home_visited,
        joined.is_paired and joined.months_contacted = joined.months_required as is_on_standard,
        -- overdue: the last contact on or before as_of is older than the threshold, or there is none
        -- and the pairing itself is older than the threshold
        joined.is_paired
        and not joined.has_contact_within_threshold
        and (
            joined.last_contact_in_window is not null
            or joined.as_of - joined.paired_on > $overdue_days::integer
            -- written as a lookup so that the few candidates, not the many beneficiaries, are hashed
            or exists (
                select 1
                from with_older_contact
                where with_older_contact.period_id = joined.period_id
                    and with_older_contact.id_number = joined.id_number
            )
        ) as is_overdue_contact
    from joined
)

select * from final
