-- One row per cadre (known by phone) paired on as_of with beneficiaries of the drilled group: his
-- pairs, their contacts in the period, the last contact with any of them, and how many of them are
-- overdue or have issues still open — the 单位 page's list of a department's cadres.
with pairs as (
    select * from mart_cadre_pairs
    where is_paired
),

final as (
    select
        period_id,
        department,
        cadre_phone,
        -- should two roster rows spell a cadre's name differently, one is shown, as the metrics do
        any_value(cadre_name) as cadre_name,
        any_value(cadre_level) as cadre_level,
        count(*) as paired,
        sum(contacts)::bigint as contacts,
        count(*) filter (where is_contacted) as contacted,
        count(*) filter (where is_home_visited) as home_visited,
        count(*) filter (where is_standard_due) as standard_due,
        count(*) filter (where is_on_standard) as on_standard,
        -- empty while none of his pairs has a required month (SPEC §5)
        count(*) filter (where is_on_standard) / nullif(count(*) filter (where is_standard_due), 0)
            as on_standard_rate,
        max(last_contact_on) as last_contact_on,
        count(*) filter (where is_overdue_contact) as overdue_contact,
        sum(open_issues)::bigint as open_issues,
        sum(issues_overdue)::bigint as issues_overdue
    from pairs
    group by period_id, department, cadre_phone
)

select * from final
