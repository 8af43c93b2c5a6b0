-- One row per beneficiary of the drilled group: who they are, their pairing, and every flag the
-- beneficiary-based metrics count, so any cell of those metrics can be traced to its people.
with members as (
    select period_id, id_number from int_group_members
),

beneficiaries as (
    select * from int_period_beneficiary_metrics
),

final as (
    select
        beneficiaries.period_id,
        beneficiaries.id_number,
        beneficiaries.beneficiary_name,
        beneficiaries.category,
        beneficiaries.county,
        beneficiaries.township,
        beneficiaries.village,
        beneficiaries.department,
        beneficiaries.cadre_name,
        beneficiaries.cadre_phone,
        beneficiaries.cadre_level,
        beneficiaries.paired_on,
        beneficiaries.run_started_on,
        beneficiaries.is_paired,
        beneficiaries.contacts,
        beneficiaries.home_visits,
        beneficiaries.is_contacted,
        beneficiaries.is_home_visited,
        beneficiaries.months_required,
        beneficiaries.months_contacted,
        beneficiaries.is_standard_due,
        beneficiaries.is_on_standard,
        beneficiaries.is_overdue_contact,
        beneficiaries.is_festival_due,
        beneficiaries.is_festival_contacted,
        beneficiaries.is_child_paired,
        beneficiaries.is_child_led
    from beneficiaries
    semi join members
        on beneficiaries.period_id = members.period_id
        and beneficiaries.id_number = members.id_number
)

select * from final
