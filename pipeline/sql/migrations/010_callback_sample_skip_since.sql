-- 回访核查 (SPEC §8): the day after which a sample left out people already called back (callback_sample.skip_since).
-- 007 creates the column; a database that took 007 before the column was part of it gets it here. A sample drawn
-- then has no such day: its people count as called back only through callbacks carrying its number.
alter table callback_sample add column if not exists skip_since date;
