"""督办提醒: overdue contacts and issues grouped by department and cadre, with a ready-to-send text per cadre."""

import math

import streamlit as st

from app_ui import auth, data, escape, filters, issue_data, page, person_view, report_data, supervision_view, tables
from pipeline import labels, queries, reminders, report, snapshots

PAGE_SIZE = 20  # texts drawn per page: a city has thousands of cadres
PART_KEY = "reminders_part"  # the open tab (its label)
EFFECT_RATES = (*queries.RATE_COLUMNS, "contact_follow_rate", "issue_close_rate")  # percentages in the file


view = page.start("reminders")
version = data.data_version()
found = issue_data.reminder_set(version, view)
as_of = view.period.as_of.isoformat()
st.caption(labels.REMINDERS_CAPTION.format(days=found.threshold, as_of=as_of))
if found.cadres.empty and found.unassigned.empty:
    st.success(labels.REMINDERS_NONE.format(as_of=as_of, days=found.threshold))
    st.stop()
if found.as_of != found.today:
    st.warning(labels.REMINDERS_PAST_PERIOD.format(as_of=as_of))

left, right = st.columns(2)
departments = sorted(found.cadres["department"].unique())
asked = st.query_params.get_all("rdept")
department = left.selectbox(
    labels.REMINDERS_FILTER_DEPARTMENT, [labels.ALL_OPTION, *departments], key="rdept", bind="query-params"
)
if asked and department not in asked:  # a department the link names that has nothing overdue, or none at all
    filters.show_link_notice(["rdept"])
search = right.text_input(
    labels.REMINDERS_FILTER_CADRE, key="rcadre", placeholder=labels.REMINDERS_FILTER_CADRE_PLACEHOLDER
)
chosen = found.for_department(None if department == labels.ALL_OPTION else department)

cards = st.columns(4)
figures = [
    (labels.REMINDERS_KPI_CADRES, len(chosen.cadres)),
    (labels.REMINDERS_KPI_CONTACTS, len(chosen.contacts)),
    (labels.REMINDERS_KPI_ISSUES, len(chosen.issues) + len(chosen.unassigned)),
    (labels.REMINDERS_KPI_DEPARTMENTS, chosen.cadres["department"].nunique()),
]
for column, (title, value) in zip(cards, figures, strict=True):
    column.metric(title, f"{value:,}", border=True)

auth.download_button(
    labels.REMINDERS_DOWNLOAD,
    lambda: reminders.workbook(chosen),  # built on click only
    labels.REMINDERS_FILE.format(as_of=as_of) + ".xlsx",
    key="reminders_download",
    row_count=len(chosen.contacts) + len(chosen.issues) + len(chosen.unassigned),
    icon=":material/download:",
    type="primary",
)

supervision_view.reminders_section(view, departments)  # hand the overdue lists over as 督办事项

# only the open tab runs: the texts first; the long lists and last period's follow-up wait until their tab is chosen
# (the labels stay the same whatever the filters, so that the tab chosen stays open when they change)
parts = {
    "texts": labels.REMINDERS_TEXTS,
    "departments": labels.REMINDERS_BY_DEPARTMENT,
    "contacts": labels.REMINDER_SHEETS["contacts"],
    "issues": labels.REMINDER_SHEETS["issues"],
    "effect": labels.REPORT_PAGE_REMINDERS,
}
tabs = dict(zip(parts, st.tabs(list(parts.values()), key=PART_KEY, on_change="rerun"), strict=True))
chosen_department = None if department == labels.ALL_OPTION else department


def texts() -> None:
    """The cadres' reminder texts, a page of them at a time."""
    shown = reminders.search_cadres(chosen.cadres, search)
    if shown.empty:
        st.info(labels.REMINDERS_NO_MATCH)
        return
    pages = math.ceil(len(shown) / PAGE_SIZE)
    st.caption(labels.REMINDERS_TEXTS_COUNT.format(count=len(shown), size=PAGE_SIZE))
    number = 1
    if pages > 1:
        # keyed by the filters, so that a narrower list starts again on its first page
        page_key = f"rpage|{view.period.text}|{view.today}|{view.county}|{view.department}|{department}|{search}"
        number = st.number_input(
            labels.REMINDERS_PAGE.format(pages=pages),
            min_value=1,
            max_value=pages,
            value=1,
            step=1,
            key=page_key,
            width=200,
        )
    # the texts of this page's cadres only, written now: a city has hundreds of thousands of cadres to remind
    on_page = chosen.with_texts(shown.iloc[(number - 1) * PAGE_SIZE : number * PAGE_SIZE])
    for cadre in on_page.itertuples(index=False):
        values = {
            "department": cadre.department,
            "cadre": cadre.cadre_name,
            "phone": cadre.cadre_phone,
            "contacts": cadre.overdue_contact,
            "issues": cadre.issues_overdue,
        }
        st.markdown(labels.REMINDERS_CADRE_HEADING.format(**{k: escape.md(v) for k, v in values.items()}))
        st.code(cadre.reminder_text, language=None, wrap_lines=True)


def longest_first(frame, what: str, key: str, file_name: str) -> None:
    """An overdue list, longest overdue first; a selected row opens the person's 一人一档."""
    # the list's unmasked ID numbers, row for row (reminders.build keeps the order of queries.overdue): a selected
    # row opens the person's file; they are never drawn
    full = data.overdue(version, view, what, False)
    if what == "issues":  # an issue with no cadre to remind is listed apart
        full = full[full["cadre_phone"].notna()]
    if chosen_department:
        full = full[full["department"] == chosen_department]
    full = full.reset_index(drop=True)
    order = frame["days_overdue"].sort_values(ascending=False, kind="stable").index
    ids = full["id_number"].tolist() if len(full) == len(frame) else []
    person_view.person_table(
        frame.loc[order].reset_index(drop=True),
        [ids[i] for i in order] if ids else [],
        key=key,
        file_name=file_name,
        masked=True,
        height=min(420, 38 + 35 * max(1, len(frame))),
    )


def effect() -> None:
    """Did last period's reminders work: overdue then, dealt with by now."""
    reminded_on = report.date_text(snapshots.reminder_period(view.period).as_of)
    followed = report_data.reminder_effectiveness(version, view)
    previous_end = labels.REPORT_PREVIOUS_END_NAMES.get(view.period.kind, labels.REPORT_PREVIOUS_END_NAMES["range"])
    if followed.empty:
        st.info(labels.REPORT_PAGE_NO_REMINDERS.format(previous_end=previous_end, reminded_on=reminded_on))
        return
    st.caption(
        labels.REPORT_PAGE_REMINDERS_NOTE.format(
            previous_end=previous_end, reminded_on=reminded_on, as_of=report.date_text(view.period.as_of)
        )
    )
    tables.show_table(
        followed,
        key="reminders_effect",
        file_name=labels.REPORT_PAGE_REMINDERS,
        headers=report.column_labels(),
        fractions=EFFECT_RATES,
    )


if tabs["texts"].open:
    with tabs["texts"]:
        texts()
if tabs["departments"].open:
    with tabs["departments"]:
        tables.show_table(
            reminders.by_department(chosen.cadres),
            key="reminders_by_department",
            file_name=labels.REMINDERS_BY_DEPARTMENT,
        )
if tabs["contacts"].open:
    with tabs["contacts"]:
        longest_first(chosen.contacts, "contacts", "reminders_contacts", labels.REMINDER_SHEETS["contacts"])
if tabs["issues"].open:
    with tabs["issues"]:
        longest_first(chosen.issues, "issues", "reminders_issues", labels.REMINDER_SHEETS["issues"])
        if not chosen.unassigned.empty:
            st.warning(labels.REMINDERS_UNASSIGNED.format(count=len(chosen.unassigned)))
            tables.show_table(
                chosen.unassigned, key="reminders_unassigned", file_name=labels.REMINDER_SHEETS["unassigned"]
            )
if tabs["effect"].open:
    with tabs["effect"]:
        effect()
