"""单位: departments ranked by 综合得分, the ones behind flagged with why → a department's cadres → one cadre.

The department picked here is the sidebar's department (and the sidebar's preselects it): it carries to every
page. One department chosen, the page is that department's own view (its 待办 and its place among all).
"""

import streamlit as st

from app_ui import (
    auth,
    callback_data,
    data,
    drill_data,
    drill_view,
    escape,
    filters,
    page,
    person_view,
    role_view,
    supervision_view,
    tables,
)
from pipeline import catalog, labels
from pipeline.callbacks import doubtful

CHART_ROWS = 20  # bars a projector still shows legibly
RANKING_COLUMNS = [
    "department",
    "rank",
    "score_band",
    "score",
    "is_behind",
    "behind_reason",
    "paired",
    *catalog.shown_in("ranking"),
    "overdue_contact",
    "issues_overdue",
]
# the figures a reminder is about come first, so they stay in sight without scrolling sideways
CADRE_COLUMNS = [
    "cadre",
    "cadre_phone_masked",
    "paired",
    "overdue_contact",
    "issues_overdue",
    "open_issues",
    "last_contact_on",
    "contacts",
    "contacted",
    "home_visited",
    "on_standard_rate",
    "cadre_level",
]
PAIR_COLUMNS = [
    "id_number",
    "beneficiary_name",
    "category",
    "county",
    "township",
    "village",
    "last_contact_on",
    "days_since_contact",
    "contacts",
    "home_visits",
    "open_issues",
    "issues_overdue",
    "is_overdue_contact",
    "is_on_standard",
    "paired_on",
]
CONTACT_COLUMNS = [
    "contact_date",
    "beneficiary_name",
    "id_number",
    "method",
    "visit_cadre_name",
    "rating",
    "summary",
    "callback_untrue",
]
ISSUE_COLUMNS = [
    "issue_no",
    "beneficiary_name",
    "id_number",
    "raised_on",
    "issue_category",
    "description",
    "issue_level",
    "status",
    "closed_on",
    "days_open",
    "is_overdue",
]
COUNT_ALERTS = ["overdue_contact", "issues_overdue"]

view = page.start(
    "department", title_for=lambda v: role_view.own_title(v, labels.OWN_DEPARTMENT_TITLE) if v.department else None
)
version = data.data_version()
config = data.current_settings(version)
# every department the account may pick from, whichever one the sidebar has chosen
ranking = drill_data.department_ranking(version, filters.peers(view, filters.DEPARTMENT))
everyone = data.metrics_many(version, view, ("overall",))["overall"]
page.stop_if_empty(everyone)
own_rows = ranking[ranking["department"] == view.department] if view.department else ranking
if own_rows.empty:
    st.info(labels.DEPARTMENT_ALL_UNPAIRED)
    st.stop()
drill_view.period_caption(view)

if view.department:  # one department's own view: what it must do first, then its place among all departments
    if len(ranking) > 1:  # an account that may see others picks another here
        drill_view.sidebar_pick(
            labels.DEPARTMENT_PICK,
            ranking["department"].tolist(),
            None,
            name=filters.DEPARTMENT,
            current=view.department,
            key="department_pick",
            table_key=None,
            placeholder=labels.DEPARTMENT_PICK_PLACEHOLDER,
        )
    # one switch for the page: the 待办 lists above and the cadre's details below show the same view
    masked = auth.masked_view("department", view.period.text, view.scope)
    role_view.todo(view, masked, role_view.open_items(view.department))
    role_view.standing(view, own_rows.iloc[0])
    department = view.department
else:
    st.subheader(labels.DEPARTMENT_TABLE)
    drill_view.behind_summary(ranking, config, labels.DEPARTMENT_SUMMARY, labels.DEPARTMENT_NONE_BEHIND)
    behind = int(ranking["is_behind"].sum())
    unpaired = int(everyone["beneficiaries"].iloc[0] - everyone["paired"].iloc[0])
    if unpaired:
        st.caption(labels.DEPARTMENT_UNPAIRED_NOTE.format(count=unpaired))

    order_column, behind_column = st.columns([2, 3], vertical_alignment="bottom")
    with order_column:
        order = st.segmented_control(
            labels.DEPARTMENT_ORDER,
            list(labels.DEPARTMENT_ORDER_LABELS),
            default="worst",
            format_func=labels.DEPARTMENT_ORDER_LABELS.get,
            required=True,
            key="department_order",
        )
    with behind_column:
        only_behind = st.toggle(labels.DEPARTMENT_ONLY_BEHIND, key="department_only_behind", disabled=not behind)
    shown = ranking if order == "worst" else ranking.iloc[::-1]
    if only_behind:
        shown = shown[shown["is_behind"]]
    shown = shown.assign(
        score_band=[drill_view.band_text(b) for b in shown["score_band"]],
        is_behind=[labels.BEHIND_FLAG if b else "" for b in shown["is_behind"]],
    )[RANKING_COLUMNS].reset_index(drop=True)

    # a table to select from and a chart to show at a dispatch meeting; at 20 bars the chart would push the table
    # out of sight, so the two share the space as tabs
    table_tab, chart_tab = st.tabs([labels.DEPARTMENT_TAB_TABLE, labels.DEPARTMENT_TAB_CHART])
    with table_tab:
        drill_view.rag_legend(config)
        # the table restarts its selection when its rows are reordered or filtered, so a row keeps its meaning
        table_key = f"department_table_{order}_{int(only_behind)}"
        styler = drill_view.rag_styler(shown, config, alerts=[*COUNT_ALERTS, "is_behind"])
        selected = tables.show_table(
            shown, key=table_key, file_name=labels.DEPARTMENT_TABLE, selectable=True, styler=styler
        )
    with chart_tab:
        chart_title = labels.DEPARTMENT_CHART_WORST if order == "worst" else labels.DEPARTMENT_CHART_BEST
        chart_rows = shown.head(CHART_ROWS)
        st.plotly_chart(
            drill_view.score_bar(chart_rows, "department", config, chart_title.format(count=len(chart_rows))),
            key="department_scores",
            config=drill_view.CHART_CONFIG,
        )

    st.subheader(labels.DEPARTMENT_PICK_HEADER)
    department = drill_view.sidebar_pick(
        labels.DEPARTMENT_PICK,
        shown["department"].tolist(),
        selected,
        name=filters.DEPARTMENT,
        current=view.department,
        key="department_pick",
        table_key=table_key,
        placeholder=labels.DEPARTMENT_PICK_PLACEHOLDER,
    )
    if department is None:
        st.info(labels.DEPARTMENT_PICK_HINT)
        st.stop()
row = ranking[ranking["department"] == department].iloc[0]
if row["is_behind"]:
    st.error(
        labels.DEPARTMENT_BEHIND_DETAIL.format(
            department=escape.md(department), score=f"{row['score']:.1f}", reason=row["behind_reason"]
        ),
        icon=":material/flag:",
    )

supervision_view.department_section(view, department, bool(row["is_behind"]))  # 督办落实情况, raising an item

cadres = drill_data.cadre_rows(version, view, department)
st.subheader(labels.CADRE_TABLE.format(department=escape.md(department)))
st.caption(labels.CADRE_TABLE_NOTE)
cadre_table = cadres[CADRE_COLUMNS]
selected = tables.show_table(
    cadre_table,
    key=f"cadre_table_{department}",
    selectable=True,
    file_name=labels.CADRE_TABLE.format(department=department),
    styler=drill_view.rag_styler(cadre_table, config, None, alerts=COUNT_ALERTS, warnings=["open_issues"]),
)
options = [
    labels.CADRE_OPTION.format(name=n, phone=p)
    for n, p in zip(cadres["cadre"], cadres["cadre_phone_masked"], strict=True)
]
choice = drill_view.synced_pick(
    labels.CADRE_PICK,
    options,
    selected,
    key="cadre_pick",
    table_key=f"cadre_table_{department}",
    placeholder=labels.CADRE_PICK_PLACEHOLDER,
)
if choice is None:
    st.info(labels.CADRE_PICK_HINT)
    st.stop()

cadre = cadres.iloc[options.index(choice)]
person_view.cadre_button(cadre["cadre_key"], key="department_cadre_file")  # his whole file on the 一人一档 page
# file and sheet names take the name only: a masked phone's "*" is not allowed in either
file_part = cadre["cadre"]
key = (department, cadre["cadre"], cadre["cadre_phone_masked"])
if not view.department:
    masked = auth.masked_view("department", view.period.text, view.scope)
contacts, issues = drill_data.cadre_activity(version, view, key, masked)
pairs = drill_data.pair_rows(version, view, "cadre", key, masked)
# contacts a callback found untrue (回访不属实, SPEC §8) are marked on the timeline and in the table
contacts = doubtful.mark_untrue(contacts, callback_data.untrue(version, view.scope, masked))

st.subheader(labels.CADRE_TIMELINE.format(cadre=escape.md(choice)))
if contacts.empty:
    st.info(labels.CADRE_TIMELINE_EMPTY.format(cadre=escape.md(choice)))
else:
    st.plotly_chart(
        drill_view.contact_timeline(contacts, pairs, view.period), key="cadre_timeline", config=drill_view.CHART_CONFIG
    )

st.subheader(labels.CADRE_PAIRS.format(cadre=escape.md(choice)))
# the same rows unmasked, in the same order: their ID numbers open a person's file and are never drawn
full = pairs if not masked else drill_data.pair_rows(version, view, "cadre", key, False)
person_view.person_table(
    pairs[PAIR_COLUMNS],
    full["id_number"].tolist(),
    key="cadre_pairs",
    file_name=labels.CADRE_PAIRS.format(cadre=file_part),
    masked=masked,
    styler=drill_view.rag_styler(
        pairs[PAIR_COLUMNS], config, None, alerts=["is_overdue_contact", "issues_overdue"], warnings=["open_issues"]
    ),
)

st.subheader(labels.CADRE_ISSUES.format(cadre=escape.md(choice)))
if issues.empty:
    st.info(labels.CADRE_ISSUES_EMPTY.format(cadre=escape.md(choice), as_of=view.period.as_of.isoformat()))
else:
    # open and overdue issues first: they are what a 督办 call is about
    ordered = issues.assign(is_open=issues["closed_on"].isna()).sort_values(
        ["is_overdue", "is_open", "raised_on"], ascending=[False, False, True], kind="stable"
    )[ISSUE_COLUMNS]
    tables.show_table(
        ordered,
        key="cadre_issues",
        file_name=labels.CADRE_ISSUES.format(cadre=file_part),
        masked=masked,
        styler=drill_view.rag_styler(ordered, config, None, alerts=["is_overdue"]),
    )

if not contacts.empty:
    st.subheader(labels.CADRE_CONTACTS.format(cadre=escape.md(choice)))
    tables.show_table(
        contacts[CONTACT_COLUMNS],
        key="cadre_contacts",
        masked=masked,
        file_name=labels.CADRE_CONTACTS.format(cadre=file_part),
        styler=drill_view.rag_styler(contacts[CONTACT_COLUMNS], config, None),
    )
