-- One row per pairing of a beneficiary with a cadre; a re-pairing is a row of its own.
-- A pairing is active on day d when paired_on <= d and (no unpaired_on or unpaired_on > d).
with source as (
    select * from pairing
),

final as (
    select
        id_number,
        cadre_phone,
        cadre_name,
        department,
        cadre_level,
        pairing_mode,
        paired_on,
        unpaired_on,
        batch_id
    from source
)

select * from final
