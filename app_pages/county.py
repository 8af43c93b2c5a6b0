"""县区: every metric per county in red/amber/green → a county's townships → the pairs behind a figure.

The county picked here is the sidebar's county (and the sidebar's preselects it): it carries to every page.
"""

import streamlit as st

from app_ui import auth, charts, data, drill_data, drill_view, escape, filters, page, person_view, role_view, tables
from pipeline import catalog, labels, queries

RANKING_METRICS = list(catalog.shown_in("ranking"))
# who, with whom, and the figures a 督办 call is about before the details, so they stay in sight at 1280 px
PAIR_COLUMNS = [
    "id_number",
    "beneficiary_name",
    "category",
    "township",
    "village",
    "cadre_name",
    "department",
    "last_contact_on",
    "days_since_contact",
    "contacts",
    "home_visits",
    "open_issues",
    "issues_overdue",
    "is_overdue_contact",
    "is_on_standard",
    "cadre_phone",
    "paired_on",
]
PAIR_ALERTS = ["is_overdue_contact", "issues_overdue"]


def metrics_table(frame, key: str, config):
    """The group's name, its 评级, 综合得分 and 落后原因 first, best score first, then every SPEC §5 column."""
    shown = queries.flag_behind(frame[[key, *queries.METRIC_COLUMNS]], config)
    shown = shown.sort_values("score", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    shown["score_band"] = drill_view.score_bands(shown["score"], config)
    return shown[[key, "score_band", "score", "behind_reason", *(m for m in queries.METRIC_COLUMNS if m != "score")]]


view = page.start("county", title_for=lambda v: escape.md(v.county) if v.county else None)  # titled for its county
version = data.data_version()
config = data.current_settings(version)
# every county the account may pick from ranks here, whichever one the sidebar has chosen
grouped = data.metrics_many(version, filters.peers(view, filters.COUNTY), ("county", "township"))
counties = grouped["county"]
page.stop_if_empty(counties if view.county is None else counties[counties["county"] == view.county])
drill_view.period_caption(view)
standard_empty = page.standard_is_empty(counties)
county_table = metrics_table(counties, "county", config)

if len(county_table) > 1:  # ranking the counties of the view; one county is ranked among the city's below
    st.subheader(labels.COUNTY_TABLE)
    drill_view.behind_summary(county_table, config, labels.COUNTY_SUMMARY, labels.COUNTY_NONE_BEHIND)
    drill_view.rag_legend(config)
    selected = tables.show_table(
        county_table,
        key="county_table",
        file_name=labels.COUNTY_TABLE,
        selectable=True,
        styler=drill_view.rag_styler(county_table, config, alerts=["overdue_contact", "issues_overdue"]),
    )
    left, right = st.columns([3, 2])
    with left:
        st.subheader(labels.COUNTY_CHART)
        metric = st.selectbox(
            labels.OVERVIEW_RANKING_METRIC,
            RANKING_METRICS,
            index=RANKING_METRICS.index("contact_rate" if standard_empty else catalog.RANKING_DEFAULT),
            format_func=labels.METRIC_LABELS.get,
            key="county_rank_metric",
        )
        st.plotly_chart(
            charts.ranking_bar(counties, "county", metric, config), key="county_ranking", config=drill_view.CHART_CONFIG
        )
    with right:
        st.subheader(labels.COUNTY_PICK_HEADER)
        county = drill_view.sidebar_pick(
            labels.COUNTY_PICK,
            county_table["county"].tolist(),
            selected,
            name=filters.COUNTY,
            current=view.county,
            key="county_pick",
            table_key="county_table",
            placeholder=labels.COUNTY_PICK_PLACEHOLDER,
        )
        if county is None:
            st.info(labels.COUNTY_PICK_HINT)
else:
    county = county_table["county"].iloc[0]
    role_view.standing(view, counties.iloc[0])
if county is None:
    st.stop()

townships = grouped["township"]
townships = townships[townships["county"] == county]
st.subheader(labels.TOWNSHIP_TABLE.format(county=escape.md(county)))
township_table = metrics_table(townships, "township", config)
selected = tables.show_table(
    township_table,
    key="township_table",
    file_name=labels.TOWNSHIP_TABLE.format(county=county),
    selectable=True,
    styler=drill_view.rag_styler(township_table, config, alerts=["overdue_contact", "issues_overdue"]),
)

st.subheader(labels.PAIRS_HEADER.format(place=escape.md(county)))
pick, which_column = st.columns(2)
with pick:
    township = drill_view.synced_pick(
        labels.TOWNSHIP_PICK,
        townships["township"].tolist(),
        selected,
        key="township_pick",
        table_key="township_table",
        placeholder=labels.TOWNSHIP_PICK_PLACEHOLDER,
    )
with which_column:
    which = st.selectbox(
        labels.PAIRS_FILTER,
        list(labels.PAIR_FILTER_LABELS),
        format_func=labels.PAIR_FILTER_LABELS.get,
        key="pair_filter",
    )
if township is None:
    place, by, key = county, "county", (county,)
else:
    place, by, key = f"{county}{township}", "township", (county, township)
masked = auth.masked_view("county", view.period.text, view.scope)
pairs = queries.filter_pairs(drill_data.pair_rows(version, view, by, key, masked), which)
filter_label = labels.PAIR_FILTER_LABELS[which]
if pairs.empty:
    st.info(labels.PAIRS_EMPTY.format(place=escape.md(place), filter=filter_label))
else:
    st.caption(labels.PAIRS_COUNT.format(place=escape.md(place), filter=filter_label, count=len(pairs)))
    shown = pairs[PAIR_COLUMNS]
    height = "auto" if len(shown) <= 10 else 420  # a long list scrolls inside the table, a short one fits it
    # the same rows unmasked, in the same order: their ID numbers open a person's file and are never drawn
    full = pairs if not masked else queries.filter_pairs(drill_data.pair_rows(version, view, by, key, False), which)
    person_view.person_table(
        shown,
        full["id_number"].tolist(),
        key="pairs_table",
        file_name=labels.PAIRS_HEADER.format(place=place),
        height=height,
        masked=masked,
        styler=drill_view.rag_styler(shown, config, None, alerts=PAIR_ALERTS, warnings=["open_issues"]),
    )
