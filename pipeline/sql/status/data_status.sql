-- One row: how much is stored and when the last import landed (the "data version" the app shows).
select
    (select count(*) from beneficiary) as beneficiaries,
    (select count(*) from pairing) as pairings,
    (select count(*) from contact) as contacts,
    (select count(*) from issue) as issues,
    (select max(batch_id) from import_batch) as last_batch_id,
    (select max(imported_at) from import_batch) as last_import_at
