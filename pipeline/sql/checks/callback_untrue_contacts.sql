-- One row per contact that a callback found untrue (SPEC §8): the person said the recent contact did not happen
-- (近期联系是否属实 = 不属实), and the contact is his, dated within the $callback_recent_days days up to the callback
-- (the 近期联系 the caller asked about). The contact still counts in the figures; the office checks it.
with untrue as (
    select id_number, callback_date, caller
    from callback
    where contact_truth = $untrue_answer::varchar
),

asked as (
    -- the people those callbacks were about: only their contacts are read. In a scope, only the people of its
    -- county, and only those with a pairing with its department, can have a contact listed
    select distinct untrue.id_number
    from untrue
    inner join beneficiary on beneficiary.id_number = untrue.id_number
    where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and (
            $scope_department::varchar is null
            or untrue.id_number in (select id_number from pairing where department = $scope_department::varchar)
        )
),

contacts as (
    select contact.rowid as contact_row, contact.id_number, contact.contact_date, contact.method, contact.cadre_name
    from contact
    semi join asked on asked.id_number = contact.id_number
),

active as (
    -- the pairing active on each of those contacts' days (the rule of int_contact_active_pairing), found for these
    -- contacts alone: through the model DuckDB would meet every contact with its pairings before keeping these
    select contacts.contact_row, pairings.cadre_name, pairings.cadre_phone, pairings.department
    from contacts
    inner join stg_pairing as pairings
        on pairings.id_number = contacts.id_number
        and pairings.paired_on <= contacts.contact_date
        and (pairings.unpaired_on is null or pairings.unpaired_on > contacts.contact_date)
),

final as (
    select
        beneficiary.county,
        beneficiary.township,
        contacts.id_number,
        beneficiary.name as beneficiary_name,
        untrue.callback_date,
        untrue.caller,
        contacts.contact_date,
        contacts.method,
        contacts.cadre_name as visit_cadre_name,
        active.cadre_name,
        active.cadre_phone,
        active.department
    from untrue
    inner join contacts
        on contacts.id_number = untrue.id_number
        and contacts.contact_date <= untrue.callback_date
        and contacts.contact_date > untrue.callback_date - $callback_recent_days::integer
    inner join beneficiary on beneficiary.id_number = contacts.id_number
    left join active on active.contact_row = contacts.contact_row
    where ($scope_county::varchar is null or beneficiary.county = $scope_county::varchar)
        and ($scope_department::varchar is null or active.department = $scope_department::varchar)
    qualify row_number() over (partition by contacts.contact_row order by untrue.callback_date desc) = 1
)

select * from final
order by callback_date desc, county, township, id_number, contact_date, method
