"""The shared sidebar: period (月/季/年/自定义), county and department, mirrored in the URL.

Every widget is bound to a query parameter, so a copied link reproduces the view. The pages read
the resulting `View` with `current_view()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from app_ui import data
from pipeline import access, labels, periods, queries

VIEW_KEY = "_view"
KINDS = ("month", "quarter", "year", "range")
MONTHS_BACK = 24  # months offered when the data says nothing older


@dataclass(frozen=True)
class View:
    """What every page shows: a period as of a day, within an optional county and department."""

    period: periods.Period
    today: dt.date
    county: str | None = None
    department: str | None = None

    @property
    def scope(self) -> queries.Scope:
        """The filters as the pipeline's scope."""
        return queries.Scope(county=self.county, department=self.department)

    @property
    def args(self) -> tuple:
        """(period text, today, county, department): the tail of most app_ui.data calls."""
        return self.period.text, self.today, self.county, self.department

    @property
    def previous(self) -> periods.Period:
        """The comparable period before (for "change vs last quarter")."""
        return periods.previous_period(self.period)


def _month_options(first: dt.date | None, today: dt.date) -> list[str]:
    start = first or dt.date(today.year - MONTHS_BACK // 12, today.month, 1)
    months = periods.months_touched(start, today)
    return [f"{m:%Y-%m}" for m in reversed(months)]


def _quarter_options(months: list[str]) -> list[str]:
    seen = dict.fromkeys(f"{m[:4]}Q{(int(m[5:7]) - 1) // 3 + 1}" for m in months)
    return list(seen)


def _year_options(months: list[str]) -> list[str]:
    return list(dict.fromkeys(m[:4] for m in months))


def _label(text: str) -> str:
    return periods.period_label(periods.parse_period(text, dt.date(9999, 12, 31)))


def _choices(own: str | None, present: list[str]) -> list[str]:
    # a role bound to one county or department is offered that one only; the others choose or take all
    return [own] if own else [labels.ALL_OPTION, *present]


def sidebar(user: access.User) -> View:
    """Draw the filters in the sidebar and remember the chosen view for the pages.

    The filters only ever narrow the user's own scope (`User.combine`): a county or department typed
    into the URL that lies outside it gives a view with no rows, never someone else's.
    """
    today = data.today()
    version = data.data_version()
    status = data.data_status(version)
    own = user.scope
    options = (
        data.filter_options(version, own.county, own.department)
        if status and status["beneficiaries"] and not access.is_empty(own)
        else {"county": [], "department": [], "first_month": None}
    )
    months = _month_options(options["first_month"], today)
    with st.sidebar:
        st.subheader(labels.SIDEBAR_PERIOD)
        kind = st.segmented_control(
            labels.SIDEBAR_PERIOD,
            KINDS,
            default="quarter",
            format_func=labels.PERIOD_KIND_LABELS.get,
            key="pk",
            bind="query-params",
            required=True,
            label_visibility="collapsed",
        )
        if kind == "month":
            text = st.selectbox(labels.SIDEBAR_MONTH, months, format_func=_label, key="m", bind="query-params")
        elif kind == "year":
            text = st.selectbox(
                labels.SIDEBAR_YEAR, _year_options(months), format_func=_label, key="y", bind="query-params"
            )
        elif kind == "range":
            text = _range_input(today)
        else:
            text = st.selectbox(
                labels.SIDEBAR_QUARTER, _quarter_options(months), format_func=_label, key="q", bind="query-params"
            )
        county = st.selectbox(
            labels.SIDEBAR_COUNTY, _choices(own.county, options["county"]), key="county", bind="query-params"
        )
        department = st.selectbox(
            labels.SIDEBAR_DEPARTMENT,
            _choices(own.department, options["department"]),
            key="dept",
            bind="query-params",
            help=labels.SIDEBAR_SCOPE_HELP,
        )
        if own.county or own.department:
            st.caption(labels.MSG_SCOPE_FIXED.format(scope=user.scope_text))
        if status and status["last_batch_id"]:
            st.caption(labels.STATUS_LAST_IMPORT.format(batch=status["last_batch_id"], time=status["last_import_at"]))
    wanted = queries.Scope(
        county=None if county in (None, labels.ALL_OPTION) else county,
        department=None if department in (None, labels.ALL_OPTION) else department,
    )
    scope = user.combine(wanted)
    view = View(periods.parse_period(text, today), today, scope.county, scope.department)
    st.session_state[VIEW_KEY] = view
    return view


def _range_input(today: dt.date) -> str:
    first = dt.date(today.year, 1, 1)
    chosen = st.date_input(
        labels.SIDEBAR_RANGE, value=(first, today), max_value=today, key="range", bind="query-params"
    )
    if isinstance(chosen, tuple) and len(chosen) == 2:
        start, end = chosen
    else:
        st.caption(labels.SIDEBAR_RANGE_INCOMPLETE)
        start, end = first, today
    return f"{start.isoformat()}..{end.isoformat()}"


def current_view(user: access.User) -> View:
    """The view chosen in the sidebar of this run (drawn here when a page runs without the app's frame)."""
    view = st.session_state.get(VIEW_KEY)
    if view is None or not _within(view, user):
        view = sidebar(user)
    return view


def _within(view: View, user: access.User) -> bool:
    # a view remembered from an earlier run must still lie within the account as it is now
    return view.scope == user.combine(view.scope) or access.is_empty(view.scope)


_PERIOD_KEYS = {"month": "m", "quarter": "q", "year": "y"}


def url_params(period: str, county: str | None = None, department: str | None = None) -> dict[str, str | list]:
    """The query parameters that open the app on a view (bound widgets keep their shown text in the URL)."""
    parsed = periods.parse_period(period, dt.date(9999, 12, 31))
    params = {"pk": labels.PERIOD_KIND_LABELS[parsed.kind]}
    if parsed.kind == "range":
        params["range"] = [parsed.start.isoformat(), parsed.end.isoformat()]  # a date range repeats the key
    else:
        params[_PERIOD_KEYS[parsed.kind]] = _label(parsed.text)
    if county:
        params["county"] = county
    if department:
        params["dept"] = department
    return params
