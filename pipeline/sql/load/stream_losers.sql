-- The staged rows of a contact log read in chunks that do not land (pipeline/ingest/chunked.py), all of
-- them duplicates: among the rows of a key seen more than once, a row repeating an earlier row of its key
-- exactly (same sig) counts as a duplicate, as within one chunk, and of the others the last in the file
-- wins. The keys are found by their digests and then compared as text.
with repeated as (
    select pos, contact_key, sig
    from stream_contact
    where key_hash in (select key_hash from stream_contact group by key_hash having count(*) > 1)
),
first_of_each_text as (
    select contact_key, min(pos) as pos
    from repeated
    group by contact_key, sig
),
winners as (
    select max(pos) as pos
    from first_of_each_text
    group by contact_key
)
select pos
from repeated
where pos not in (select pos from winners)
