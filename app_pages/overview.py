"""全市总览: headline figures with their change and RAG colour, the monthly trend, counties, categories."""

import streamlit as st

from app_ui import charts, data, kpi, page, tables
from pipeline import catalog, labels, periods

RATE_CARDS = list(catalog.shown_in("cards"))
COUNT_CARDS = ["overdue_contact", "issues_overdue"]
RANKING_METRICS = list(catalog.shown_in("ranking"))
TREND_METRICS = list(catalog.shown_in("trend"))

view = page.start("overview")
version = data.data_version()
config = data.current_settings(version)
overall = data.compare_previous(version, *view.args[:2], "overall", *view.args[2:])
page.stop_if_empty(overall)
row = overall.iloc[0]

st.subheader(labels.OVERVIEW_KPI_HEADER)
st.caption(labels.COMPARED_WITH.format(period=periods.period_label(view.period),
                                       previous=periods.period_label(view.previous)))  # fmt: skip
cards = st.columns(4)
for index, metric in enumerate(RATE_CARDS):
    kpi.rate_card(cards[index % 4], labels.METRIC_LABELS[metric], row[metric], row[f"{metric}_change"], config)
for index, metric in enumerate(COUNT_CARDS, start=len(RATE_CARDS)):
    kpi.count_card(cards[index % 4], labels.METRIC_LABELS[metric], row[metric], row[f"{metric}_change"])

st.subheader(labels.OVERVIEW_TREND)
end_month = view.period.as_of.replace(day=1)
start_month = (end_month.replace(year=end_month.year - 1) if end_month.month == 12 else
               end_month.replace(year=end_month.year - 1, month=end_month.month + 1))  # fmt: skip
monthly = data.trend(version, f"{start_month:%Y-%m}", f"{end_month:%Y-%m}", view.today, "overall",
                     view.county, view.department)  # fmt: skip
st.plotly_chart(charts.trend_lines(monthly, TREND_METRICS, labels.OVERVIEW_TREND), key="trend")

left, right = st.columns(2)
grouped = data.metrics_many(version, *view.args[:2], ("county", "category"), *view.args[2:])
with left:
    st.subheader(labels.OVERVIEW_COUNTY_RANKING)
    metric = st.selectbox(
        labels.OVERVIEW_RANKING_METRIC,
        RANKING_METRICS,
        index=RANKING_METRICS.index(catalog.RANKING_DEFAULT),
        format_func=labels.METRIC_LABELS.get,
        key="rank_metric",
    )
    st.plotly_chart(charts.ranking_bar(grouped["county"], "county", metric, config), key="county_ranking")
with right:
    st.subheader(labels.OVERVIEW_CATEGORY)
    st.plotly_chart(charts.category_bars(grouped["category"], "category", ["contact_rate", "on_standard_rate",
                                         "resolution_rate"], labels.OVERVIEW_CATEGORY), key="category")  # fmt: skip
tables.show_table(grouped["county"], key="county_table", file_name=labels.OVERVIEW_COUNTY_RANKING)
