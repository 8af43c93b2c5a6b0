"""What a county or a department sees of itself: its place among its peers, its 待办, and who has sent data.

A county or department account (or a city user who narrowed the sidebar to one) reads its own figures
beside the city's and its rank among all counties or departments. The peers' figures are aggregates
computed over the whole city (app_ui.data.peer_figures); only the unit's own row and the count of peers
are shown, never another unit's people.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_ui import data, escape, filters, person_view, supervision_view, tables
from pipeline import catalog, export, labels, periods

COMPARED = list(catalog.shown_in("cards"))
TODO_CONTACT_COLUMNS = [
    "beneficiary_name",
    "id_number",
    "category",
    "county",
    "township",
    "village",
    "cadre_name",
    "cadre_phone",
    "last_contact_on",
    "days_since_contact",
    "days_overdue",
]
TODO_ISSUE_COLUMNS = [
    "issue_no",
    "beneficiary_name",
    "id_number",
    "county",
    "township",
    "cadre_name",
    "issue_category",
    "description",
    "status",
    "raised_on",
    "days_open",
    "days_overdue",
]


def own_unit(view: filters.View) -> tuple[str, str] | None:
    """("county", name) or ("department", name) when the view is one unit (department first), else None."""
    if view.department:
        return "department", view.department
    if view.county:
        return "county", view.county
    return None


def own_title(view: filters.View, template: str) -> str | None:
    """The page's title for one unit's view (东川县总览), None for the city; the name escaped (a title is Markdown)."""
    unit = own_unit(view)
    if unit is None:
        return None
    if view.county and view.department:
        return template.format(unit=escape.md(f"{view.county}·{view.department}"))
    return template.format(unit=escape.md(unit[1]))


def open_items(department: str | None) -> int:
    """The department's 督办事项 not yet closed (0 when there are none or they cannot be read)."""
    if not department:
        return 0
    try:
        return supervision_view._open_count(data.file_version(), department, data.today())
    except Exception:  # the 督办 tables of an older database: the overdue lists still show
        return 0


def _score(value) -> str:
    return labels.NO_VALUE if value is None or pd.isna(value) else f"{value:.1f}"


def _rate(value) -> str:
    return labels.NO_VALUE if value is None or pd.isna(value) else f"{value:.1%}"


def standing(view: filters.View, own: pd.Series) -> None:
    """The unit's rank among all counties or departments by 综合得分, and its rates beside the city's."""
    unit = own_unit(view)
    if unit is None:
        return
    kind, name = unit
    version = data.data_version()
    peers = data.peer_figures(version, view.period, kind)
    city = data.city_overall(version, view.period).iloc[0]
    mine = peers[peers[kind] == name]
    st.subheader(labels.STANDING_HEADER)
    if mine.empty or pd.isna(mine["score"].iloc[0]):
        st.caption(labels.STANDING_NO_SCORE.format(unit=escape.md(name)))
    else:
        row = mine.iloc[0]
        st.markdown(
            labels.STANDING_RANK.format(
                unit=escape.md(name),
                score=_score(row["score"]),
                total=len(peers),
                kind=labels.STANDING_KINDS[kind],
                rank=int(row["rank"]),
                city=_score(city["score"]),
            )
        )
    unit_column = labels.STANDING_TABLE_UNIT.format(kind=labels.STANDING_KINDS[kind])
    names = export.display_labels()
    table = pd.DataFrame(
        {
            labels.STANDING_TABLE_METRIC: [names[m] for m in ["score", *COMPARED]],
            unit_column: [_score(own.get("score")), *(_rate(own.get(m)) for m in COMPARED)],
            labels.STANDING_TABLE_CITY: [_score(city["score"]), *(_rate(city[m]) for m in COMPARED)],
        }
    )
    st.caption(labels.STANDING_NOTE)
    tables.show_table(
        table,
        key="standing_table",
        file_name=labels.STANDING_FILE.format(unit=name),
        period=view.period,
        scope=name,
        config={labels.STANDING_TABLE_METRIC: st.column_config.Column(pinned=True)},
    )


def _by_days(frame: pd.DataFrame) -> pd.Index:
    return frame["days_overdue"].sort_values(ascending=False, kind="stable").index


def overdue_list(view: filters.View, what: str, *, key: str, masked: bool, heading: str | None = None) -> int:
    """One overdue list (contacts or issues) longest overdue first; a selected row opens the person's file."""
    version = data.data_version()
    shown = data.overdue(version, view, what, masked)
    full = data.overdue(version, view, what, False)
    if shown.empty:
        return 0
    order = _by_days(shown)
    columns = TODO_CONTACT_COLUMNS if what == "contacts" else TODO_ISSUE_COLUMNS
    frame = _dates(shown.loc[order, [c for c in columns if c in shown.columns]].reset_index(drop=True))
    if heading:
        st.markdown(f"**{heading.format(count=len(frame))}**")
    person_view.person_table(
        frame,
        full.loc[order, "id_number"].tolist(),
        key=key,
        file_name=heading.format(count=len(frame)) if heading else key,
        masked=masked,
        period=view.period,
        scope=_scope_text(view),
    )
    return len(frame)


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = [None if pd.isna(v) else v.date() for v in frame[column]]
    return frame


def _scope_text(view: filters.View) -> str:
    if view.county and view.department:
        return labels.DRILL_SCOPE_BOTH.format(county=view.county, department=view.department)
    return view.county or view.department or labels.CITY_LABEL


def todo(view: filters.View, masked: bool, open_items: int = 0) -> None:
    """A department's first view: its overdue pairs and issues, and its open 督办事项 when it has any."""
    st.subheader(labels.TODO_HEADER)
    if open_items:
        st.warning(labels.TODO_SUPERVISION.format(count=open_items), icon=":material/assignment_late:")
        st.page_link(
            "app_pages/supervision.py", label=labels.PAGE_TITLES["supervision"], icon=":material/assignment_late:"
        )
    contacts = overdue_list(view, "contacts", key="todo_contacts", masked=masked, heading=labels.TODO_CONTACTS)
    issues = overdue_list(view, "issues", key="todo_issues", masked=masked, heading=labels.TODO_ISSUES)
    if not contacts and not issues:
        st.success(labels.TODO_NONE.format(as_of=view.period.as_of.isoformat()))


def submissions(view: filters.View) -> None:
    """报送情况: whether each county and department has sent the last finished month's contact log."""
    month, frame = data.submissions(data.data_version(), view.today, view.scope)
    month_name = periods.period_label(month)
    st.subheader(labels.SUBMISSION_HEADER)
    if frame.empty:
        return
    counties = frame[frame["unit_kind"] == "county"]
    departments = frame[frame["unit_kind"] == "department"]
    if len(counties) > 1:
        st.markdown(
            labels.SUBMISSION_SUMMARY.format(
                month=month_name, total=len(counties), sent=int(counties["has_month_log"].sum())
            )
        )
    missing_counties = counties.loc[~counties["has_month_log"].astype(bool), "unit"].tolist()
    missing_departments = departments.loc[~departments["has_month_log"].astype(bool), "unit"].tolist()
    if missing_counties:
        names = escape.md("、".join(missing_counties))
        st.warning(labels.SUBMISSION_MISSING_COUNTIES.format(month=month_name, names=names))
    if missing_departments:
        names = escape.md("、".join(missing_departments))
        count = len(missing_departments)
        st.warning(labels.SUBMISSION_MISSING_DEPARTMENTS.format(month=month_name, count=count, names=names))
    if not missing_counties and not missing_departments:
        st.success(labels.SUBMISSION_ALL_IN.format(month=month_name))
    st.caption(labels.SUBMISSION_NOTE.format(month=month_name))
    table = frame.assign(
        unit_kind=frame["unit_kind"].map(labels.SUBMISSION_KINDS),
        has_month_log=[labels.SUBMISSION_SENT[bool(v)] for v in frame["has_month_log"]],
    ).sort_values(["has_month_log", "unit_kind", "unit"], ascending=[False, False, True], kind="stable")
    table = table[list(labels.SUBMISSION_COLUMNS)].reset_index(drop=True)
    for column in ("roster_imported_at", "visits_imported_at", "issues_imported_at"):
        table[column] = [None if pd.isna(v) else f"{v:%Y-%m-%d %H:%M}" for v in table[column]]
    tables.show_table(
        table,
        key="submissions_table",
        file_name=labels.SUBMISSION_FILE.format(month=month_name),
        headers=labels.SUBMISSION_COLUMNS,
        period=month,
        scope=_scope_text(view),
        height=min(420, 38 + 35 * len(table)),
        config={"unit": st.column_config.Column(labels.SUBMISSION_COLUMNS["unit"], pinned=True)},
    )
