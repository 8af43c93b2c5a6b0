-- Stored metrics outlive an import that cannot have changed them (pipeline/materialized.py): each batch
-- records the first day whose figures it can have changed. A period's figures read only rows dated up to
-- its as_of day, so a period that ends before that day keeps its stored rows. 9999-12-31: the batch changed
-- no row. Empty (every batch imported before this version): unknown, i.e. every period.
alter table import_batch add column if not exists touched_from date;
