"""问题台账: issues by category, level and status, the age of open issues, close times and the overdue list."""

import math

import streamlit as st

from app_ui import auth, data, issue_charts, issue_data, kpi, page, tables
from pipeline import export, issue_stats, labels, periods

# (metric, colour of its change): a count that should shrink turns red when it grows
COUNT_CARDS = [
    ("issues_total", "off"),
    ("issues_new", "off"),
    ("issues_resolved", "normal"),
    None,
    ("open_issues", "inverse"),
    ("issues_overdue", "inverse"),
    ("issues_closed_in_p", "normal"),
    ("median_days_to_close", "inverse"),
]
SUMMARY_TABS = ["issue_category", "issue_level", "status_on_as_of"]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _days(value) -> str:
    return labels.NO_VALUE if _missing(value) else labels.ISSUES_DAYS_VALUE.format(value=float(value))


def count_card(column, metric: str, colour: str, row: dict) -> None:
    """A card for a count or a number of days, with its change against the previous period."""
    value, change = row[metric], row[f"{metric}_change"]
    days = metric == "median_days_to_close"
    shown = _days(value) if days else f"{int(value):,}"
    delta = None
    if not _missing(change):
        delta = labels.ISSUES_DAYS_CHANGE.format(value=float(change)) if days else f"{int(change):+d}"
    title = labels.ISSUES_OPEN_LABEL if metric == "open_issues" else labels.METRIC_LABELS[metric]
    with column.container(border=True):
        st.metric(title, shown, delta=delta, delta_color=colour, delta_description=labels.CHANGE_VS_PREVIOUS)


view = page.start("issues")
version = data.data_version()
config = data.current_settings(version)
as_of = view.period.as_of.isoformat()
overall = data.compare_previous(version, view, "overall")
page.stop_if_empty(overall)
row = overall.iloc[0].to_dict()
if not row["issues_total"]:
    st.info(labels.ISSUES_EMPTY.format(as_of=as_of))
    st.stop()
stats, previous = issue_data.issue_stats(version, view)  # and the period before, cut to the same stretch
row["open_issues"] = int(stats.ageing["open_issues"].sum())
row["open_issues_change"] = row["open_issues"] - int(previous.ageing["open_issues"].sum())

st.subheader(labels.ISSUES_KPI_HEADER)
st.caption(
    labels.COMPARED_WITH.format(period=periods.period_label(view.period), previous=periods.period_label(view.previous))
)
for cards_row in (COUNT_CARDS[:4], COUNT_CARDS[4:]):
    for column, card in zip(st.columns(4), cards_row, strict=True):
        if card is None:
            kpi.rate_card(
                column,
                labels.METRIC_LABELS["resolution_rate"],
                row["resolution_rate"],
                row["resolution_rate_change"],
                config,
            )
        else:
            count_card(column, *card, row=row)

names = export.display_labels()
left, right = st.columns(2)
for column, dimension, title in (
    (left, "issue_category", labels.ISSUES_BY_CATEGORY),
    (right, "issue_level", labels.ISSUES_BY_LEVEL),
):
    matrix = issue_stats.status_matrix(stats.breakdown, dimension)
    statuses = [s for s in labels.ISSUE_STATUS_ORDER if s in matrix.columns]
    # eight categories read best as rows; the four levels, bottom to top, as columns of one height
    figure = issue_charts.stacked_counts(
        matrix,
        dimension,
        statuses,
        issue_charts.STATUS_COLOURS,
        title,
        names[dimension],
        labels.ISSUES_AXIS_COUNT,
        horizontal=dimension == "issue_category",
        height=540,
    )
    column.plotly_chart(figure, key=f"by_{dimension}")
st.caption(labels.ISSUES_STATUS_NOTE.format(as_of=as_of))

left, right = st.columns(2)
levels = list(labels.ISSUE_LEVELS)
with left:
    if row["open_issues"]:
        st.plotly_chart(
            issue_charts.stacked_counts(
                stats.ageing,
                "age_band",
                levels,
                issue_charts.LEVEL_COLOURS,
                labels.ISSUES_AGEING,
                labels.ISSUES_AXIS_AGE.format(as_of=as_of),
                labels.ISSUES_AXIS_COUNT,
            ),
            key="ageing",
        )
    else:
        st.subheader(labels.ISSUES_AGEING)
        st.info(labels.ISSUES_NO_OPEN.format(as_of=as_of))
with right:
    if row["open_issues"]:
        shares = [int(stats.ageing[level].sum()) for level in levels]
        st.plotly_chart(
            issue_charts.share_ring(levels, shares, issue_charts.LEVEL_COLOURS, labels.ISSUES_LEVEL_MIX),
            key="level_mix",
        )

left, right = st.columns(2)
with left:
    if row["issues_closed_in_p"]:
        closing = list(labels.CLOSED_STATUSES)
        st.plotly_chart(
            issue_charts.stacked_counts(
                stats.close_time,
                "close_band",
                closing,
                issue_charts.STATUS_COLOURS,
                labels.ISSUES_CLOSE_TIME,
                labels.ISSUES_AXIS_CLOSE,
                labels.ISSUES_AXIS_COUNT,
            ),
            key="close_time",
        )
    else:
        st.subheader(labels.ISSUES_CLOSE_TIME)
        st.info(labels.ISSUES_NO_CLOSED)
with right:
    by_status = issue_stats.counts_by(stats.breakdown, "status_on_as_of")
    st.plotly_chart(
        issue_charts.share_ring(
            by_status["status_on_as_of"].tolist(),
            by_status["issues_total"].tolist(),
            issue_charts.STATUS_COLOURS,
            labels.ISSUES_BY_STATUS,
        ),
        key="status_mix",
    )

st.subheader(labels.ISSUES_SUMMARY_TABLES)
for tab, dimension in zip(st.tabs([names[d] for d in SUMMARY_TABS]), SUMMARY_TABS, strict=True):
    with tab:
        file_name = labels.ISSUES_FILE_SUMMARY.format(grouping=names[dimension], period=view.period.text)
        tables.show_table(
            issue_stats.counts_by(stats.breakdown, dimension), key=f"summary_{dimension}", file_name=file_name
        )

st.subheader(labels.ISSUES_OVERDUE_LIST)
masked = auth.masked_view("issues", view.period.text, view.scope)
overdue = issue_data.overdue_issues(version, view, masked)
if overdue.empty:
    st.success(labels.ISSUES_NO_OVERDUE.format(as_of=as_of, days=config.overdue_days))
else:
    st.caption(labels.ISSUES_OVERDUE_CAPTION.format(days=config.overdue_days, as_of=as_of))
    tables.show_table(
        overdue,
        key="overdue_issues",
        height=min(420, 38 + 35 * len(overdue)),
        masked=masked,
        file_name=labels.ISSUES_FILE_OVERDUE.format(period=view.period.text),
    )
