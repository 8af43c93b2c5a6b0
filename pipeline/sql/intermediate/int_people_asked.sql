-- One row per person (once or more) that the 督办 list a query computes can hold, when it names its people
-- ($people_asked: which list; null, as for every other mart: nobody here, and everyone is read). The pairings
-- model then works out the pairings of these people alone, and every model after it follows: each person's rows
-- depend on his own records only, so a list of a few hundred thousand people no longer pays for the pairings and
-- contacts of millions. Each set holds everyone the list can hold (more, never fewer); the list's own rule still
-- decides who is on it.
with periods as (
    select * from int_periods
),

bounds as (
    select min(as_of) as first_as_of, max(as_of) as last_as_of from periods
),

overdue_issues as (
    -- 超期未办结 on an as_of (int_period_issue): not closed by it and raised more than $overdue_days days before
    -- it. Such an issue is still open after the first as_of of the query and was raised more than the threshold
    -- before the last one
    select issues.id_number
    from stg_issue as issues
    cross join bounds
    where $people_asked::varchar = 'overdue_issues'
        and (issues.closed_on is null or issues.closed_on > bounds.first_as_of)
        and issues.raised_on < bounds.last_as_of - $overdue_days::integer
),

contacted_lately as (
    -- 超期未联系 on an as_of (int_period_beneficiary_metrics) needs no contact from $overdue_days days before it
    -- up to it. Whoever's last contact of all (int_person_contact) lies in that stretch of every as_of of the
    -- query has one for each: they alone are left out
    select people.id_number
    from int_person_contact as people
    cross join bounds
    where $people_asked::varchar = 'overdue_contacts'
        and people.last_contact_on >= bounds.last_as_of - $overdue_days::integer
        and people.last_contact_on <= bounds.first_as_of
),

overdue_contacts as (
    select beneficiaries.id_number
    from stg_beneficiary as beneficiaries
    anti join contacted_lately on contacted_lately.id_number = beneficiaries.id_number
    where $people_asked::varchar = 'overdue_contacts'
),

final as (
    select id_number from overdue_issues
    union all
    select id_number from overdue_contacts
)

select * from final
