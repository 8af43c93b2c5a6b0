-- Every callback (回访) of one cadre's pairs ($key_cadre_phone, within the caller's scope) made on a day the
-- pairing was active: what the people said about him. Latest first.
with his_pairings as (
    select * from int_cadre_pairing
),

final as (
    select
        callbacks.callback_date,
        his_pairings.id_number,
        his_pairings.beneficiary_name,
        his_pairings.county,
        his_pairings.township,
        callbacks.caller,
        callbacks.reach,
        callbacks.knows_cadre,
        callbacks.contact_truth,
        callbacks.satisfaction as callback_satisfaction,
        callbacks.reported_issue
    from stg_callback as callbacks
    inner join his_pairings
        on his_pairings.id_number = callbacks.id_number
        and his_pairings.paired_on <= callbacks.callback_date
        and (his_pairings.unpaired_on is null or his_pairings.unpaired_on > callbacks.callback_date)
)

select * from final
order by callback_date desc, county, township, id_number
