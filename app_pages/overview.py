"""总览: headline figures with their change and RAG colour, the monthly trend, counties, categories, 报送情况.

The city sees 全市总览 with every county; a county (an account or the sidebar narrowed to one) sees its
own 总览 with its place among all counties, the city's figures beside its own and its townships; a
department first sees what it must do (its overdue pairs and issues), then the same.
"""

import streamlit as st

from app_ui import auth, charts, data, escape, kpi, page, role_view, tables
from pipeline import catalog, labels, periods, queries

RATE_CARDS = list(catalog.shown_in("cards"))
COUNT_CARDS = ["overdue_contact", "issues_overdue"]
RANKING_METRICS = list(catalog.shown_in("ranking"))
TREND_METRICS = list(catalog.shown_in("trend"))
CHART_CONFIG = {"displayModeBar": False}  # the toolbar would cover the title on a phone

view = page.start("overview", title_for=lambda v: role_view.own_title(v, labels.OWN_OVERVIEW_TITLE))
unit = role_view.own_unit(view)
version = data.data_version()
config = data.current_settings(version)
overall = data.compare_previous(version, view, "overall")
page.stop_if_empty(overall)
row = overall.iloc[0]

if unit is not None and unit[0] == "department":  # what the department must do comes first
    masked = auth.masked_view("overview", view.period.text, view.scope)
    role_view.todo(view, masked, role_view.open_items(view.department))

st.subheader(labels.OVERVIEW_KPI_HEADER)
st.caption(
    labels.COMPARED_WITH.format(period=periods.period_label(view.period), previous=periods.period_label(view.previous))
)
standard_empty = page.standard_is_empty(overall)
figures = [*RATE_CARDS, *COUNT_CARDS]
for start in range(0, len(figures), 4):  # row by row: on a phone the columns stack in reading order
    cards = st.columns(4)
    for column, metric in zip(cards, figures[start : start + 4], strict=False):
        if metric in COUNT_CARDS:
            kpi.count_card(column, labels.METRIC_LABELS[metric], row[metric], row[f"{metric}_change"])
        else:
            note = labels.KPI_STANDARD_EMPTY if metric == "on_standard_rate" and standard_empty else None
            kpi.rate_card(column, labels.METRIC_LABELS[metric], row[metric], row[f"{metric}_change"], config, note)

if unit is not None:
    role_view.standing(view, row)

st.subheader(labels.OVERVIEW_TREND)
start_month, end_month = periods.trend_months(view.period.as_of)
monthly = data.trend(version, view, f"{start_month:%Y-%m}", f"{end_month:%Y-%m}", "overall")
running = f"{view.today:%Y-%m}" if periods.month_end(view.today.replace(day=1)) > view.today else None
st.plotly_chart(charts.trend_lines(monthly, TREND_METRICS, None, running=running), key="trend", config=CHART_CONFIG)
st.caption(labels.TREND_CAPTION)

# a county ranks its townships; the city (or a department across counties) its counties
by = "township" if view.county else "county"
grouped = data.metrics_many(version, view, (by, "category"))
places = grouped[by]
left, right = st.columns(2)
with left:
    st.subheader(labels.OVERVIEW_TOWNSHIP_RANKING if by == "township" else labels.OVERVIEW_COUNTY_RANKING)
    metric = st.selectbox(
        labels.OVERVIEW_RANKING_METRIC,
        RANKING_METRICS,
        # an empty 联系达标率 (no month ended yet) ranks nobody: the ranking opens on 联系覆盖率 then
        index=RANKING_METRICS.index("contact_rate" if standard_empty else catalog.RANKING_DEFAULT),
        format_func=labels.METRIC_LABELS.get,
        key="rank_metric",
    )
    if metric == "on_standard_rate" and standard_empty:
        st.info(labels.KPI_STANDARD_EMPTY)
    else:
        st.plotly_chart(charts.ranking_bar(places, by, metric, config), key="county_ranking", config=CHART_CONFIG)
with right:
    st.subheader(labels.OVERVIEW_CATEGORY)
    shown_rates = (
        ["contact_rate", "resolution_rate"]
        if standard_empty
        else ["contact_rate", "on_standard_rate", "resolution_rate"]
    )
    st.plotly_chart(
        charts.category_bars(grouped["category"], "category", shown_rates, None),
        key="category",
        config=CHART_CONFIG,
    )

table = queries.flag_behind(places, config).sort_values("score", ascending=False, na_position="last", kind="stable")
table = table[[by, "score", "behind_reason", *(m for m in queries.METRIC_COLUMNS if m != "score")]].reset_index(
    drop=True
)
table_title = (
    labels.OVERVIEW_TOWNSHIP_TABLE.format(county=view.county) if by == "township" else labels.OVERVIEW_COUNTY_TABLE
)
st.subheader(escape.md(table_title))
tables.show_table(table, key="county_table", file_name=table_title)

role_view.submissions(view)
