-- One row per rating counted in 群众满意率 for the drilled group: the rated contacts dated in the
-- period (of paired beneficiaries) and the rated issues closed in the period.
with members as (
    select * from int_group_members
),

contact_ratings as (
    select
        contacts.period_id,
        contacts.id_number,
        'contact' as source,
        contacts.contact_date as rated_on,
        contacts.method as detail,
        contacts.rating,
        contacts.is_satisfied
    from int_period_contact as contacts
    where contacts.is_rated
),

issue_ratings as (
    select
        issues.period_id,
        issues.id_number,
        'issue' as source,
        issues.closed_on as rated_on,
        issues.issue_category as detail,
        issues.rating,
        issues.is_satisfied_in_period as is_satisfied
    from int_period_issue as issues
    where issues.is_rated_in_period
),

final as (
    select
        ratings.period_id,
        ratings.source,
        members.id_number,
        members.beneficiary_name,
        members.category,
        members.county,
        members.township,
        members.department,
        members.cadre_name,
        members.cadre_phone,
        ratings.rated_on,
        ratings.detail,
        ratings.rating,
        ratings.is_satisfied
    from (select * from contact_ratings union all select * from issue_ratings) as ratings
    inner join members
        on ratings.period_id = members.period_id
        and ratings.id_number = members.id_number
)

select * from final
