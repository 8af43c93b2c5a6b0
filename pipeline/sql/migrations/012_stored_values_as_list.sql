-- A stored group keeps its values in one list, in the order of the catalog's computed columns (the names are
-- written once, with the period's entry), instead of one row per group and metric: a province's period
-- stored 5.6 million value rows, more work than computing them. The stored figures are recomputed from the
-- ledgers by the next refresh (pipeline/materialized.py); until then every page computes what it shows.
delete from stored_metric_period;
delete from stored_metric_group;
drop table if exists stored_metric_value;
alter table stored_metric_group add column if not exists metric_values double[];
alter table stored_metric_period add column if not exists metric_names varchar[];
