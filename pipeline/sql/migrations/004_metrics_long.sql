-- Metric values are stored long, (keys, metric, value), so that a new metric needs no table change
-- (pipeline/catalog.py declares the metrics).
--
-- Stored metrics: the rows of each stored period's groups, and one value per group and count of
-- mart_metrics (the rates and the score are derived from the counts when read). The old wide rows are a
-- cache: they are dropped, and the next refresh (after an import or a settings change, or
-- `python -m pipeline refresh`) stores the common periods again; until then the figures are computed.
drop table if exists stored_metric;
delete from stored_metric_period;

-- one row per stored period, grouping and group, in the mart's row order (row_no)
create table if not exists stored_metric_group (
    figures_key   varchar not null,
    data_key      bigint not null,
    start_on      date not null,
    as_of         date not null,
    months        double not null,
    row_no        bigint not null,
    grouping_name varchar not null,
    county        varchar,
    township      varchar,
    department    varchar,
    cadre_phone   varchar,
    cadre_name    varchar,
    cadre_level   varchar,
    category      varchar
);

-- one row per stored group and computed column of mart_metrics (a count, or the median): its value
create table if not exists stored_metric_value (
    figures_key varchar not null,
    data_key    bigint not null,
    start_on    date not null,
    as_of       date not null,
    months      double not null,
    row_no      bigint not null,
    metric      varchar not null,
    value       double
);

-- Snapshots: the figures frozen for each snapshot row (report_snapshot_metric keeps the row's keys),
-- every public metric exactly as it was shown, one row each.
create table if not exists report_snapshot_figure (
    snapshot_id   integer not null,
    period_role   varchar not null,
    period        varchar not null,
    grouping_name varchar not null,
    row_no        integer not null,
    metric        varchar not null,
    value         double
);

insert into report_snapshot_figure
select snapshot_id, period_role, period, grouping_name, row_no, metric, value
from (
    unpivot (
        select
            snapshot_id,
            period_role,
            period,
            grouping_name,
            row_no,
            beneficiaries::double as beneficiaries,
    paired::double as paired,
    pairing_rate::double as pairing_rate,
    contacted::double as contacted,
    contact_rate::double as contact_rate,
    home_visited::double as home_visited,
    home_visit_rate::double as home_visit_rate,
    contacts::double as contacts,
    contacts_per_pair_month::double as contacts_per_pair_month,
    standard_due::double as standard_due,
    on_standard::double as on_standard,
    on_standard_rate::double as on_standard_rate,
    overdue_contact::double as overdue_contact,
    issues_new::double as issues_new,
    issues_total::double as issues_total,
    issues_resolved::double as issues_resolved,
    resolution_rate::double as resolution_rate,
    issues_closed_in_p::double as issues_closed_in_p,
    median_days_to_close::double as median_days_to_close,
    issues_overdue::double as issues_overdue,
    satisfaction_rate::double as satisfaction_rate,
    score::double as score
        from report_snapshot_metric
    )
    on columns(* exclude (snapshot_id, period_role, period, grouping_name, row_no))
    into name metric value value
);

alter table report_snapshot_metric drop column beneficiaries;
alter table report_snapshot_metric drop column paired;
alter table report_snapshot_metric drop column pairing_rate;
alter table report_snapshot_metric drop column contacted;
alter table report_snapshot_metric drop column contact_rate;
alter table report_snapshot_metric drop column home_visited;
alter table report_snapshot_metric drop column home_visit_rate;
alter table report_snapshot_metric drop column contacts;
alter table report_snapshot_metric drop column contacts_per_pair_month;
alter table report_snapshot_metric drop column standard_due;
alter table report_snapshot_metric drop column on_standard;
alter table report_snapshot_metric drop column on_standard_rate;
alter table report_snapshot_metric drop column overdue_contact;
alter table report_snapshot_metric drop column issues_new;
alter table report_snapshot_metric drop column issues_total;
alter table report_snapshot_metric drop column issues_resolved;
alter table report_snapshot_metric drop column resolution_rate;
alter table report_snapshot_metric drop column issues_closed_in_p;
alter table report_snapshot_metric drop column median_days_to_close;
alter table report_snapshot_metric drop column issues_overdue;
alter table report_snapshot_metric drop column satisfaction_rate;
alter table report_snapshot_metric drop column score;
