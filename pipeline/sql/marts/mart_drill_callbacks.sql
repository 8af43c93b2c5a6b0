-- One row per callback dated in the period of a beneficiary of the drilled group: the rows behind 回访数,
-- 接通率, 认识率, 联系属实率 and 回访满意率, with each answer as it was recorded.
with members as (
    select period_id, id_number from int_group_members
),

callbacks as (
    select * from int_period_callback
),

final as (
    select
        callbacks.period_id,
        callbacks.callback_date,
        callbacks.id_number,
        callbacks.county,
        callbacks.township,
        callbacks.department,
        callbacks.cadre_name,
        callbacks.cadre_phone,
        callbacks.caller,
        callbacks.reach,
        callbacks.knows_cadre,
        callbacks.contact_truth,
        callbacks.satisfaction as callback_satisfaction,
        callbacks.reported_issue
    from callbacks
    semi join members
        on callbacks.period_id = members.period_id
        and callbacks.id_number = members.id_number
)

select * from final
