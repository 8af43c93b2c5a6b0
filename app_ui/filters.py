"""The shared sidebar: period (月/季/年/自定义), county and department, mirrored in the URL.

Every widget is bound to a query parameter, so a copied link reproduces the view. The pages read
the resulting `View` with `current_view()`. A parameter the sidebar cannot use (an unknown period,
county or department, a reversed or overlong date range, a value outside the account) gives the
default for it and a short notice on the page (`show_link_notice`), never an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from app_ui import data, escape
from pipeline import access, labels, periods, queries

VIEW_KEY = "_view"
LINK_NOTICE_KEY = "_link_notice"  # the parameters of the address this run could not use, for the page to say so
_RANGE_URL = "_range_url"  # the range of the address as the sidebar last read or wrote it
_PARAMS = ("pk", "m", "q", "y", "range", "county", "dept")
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
    asked = {key: st.query_params.get_all(key) for key in _PARAMS if key in st.query_params}
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
        if kind != "range":
            _forget_range()
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
            st.caption(labels.MSG_SCOPE_FIXED.format(scope=escape.md(user.scope_text)))
        if status and status["last_batch_id"]:
            st.caption(labels.STATUS_LAST_IMPORT.format(batch=status["last_batch_id"], time=status["last_import_at"]))
    wanted = queries.Scope(
        county=None if county in (None, labels.ALL_OPTION) else county,
        department=None if department in (None, labels.ALL_OPTION) else department,
    )
    scope = user.combine(wanted)
    view = View(periods.parse_period(text, today), today, scope.county, scope.department)
    st.session_state[VIEW_KEY] = view
    used = {"pk": {kind, labels.PERIOD_KIND_LABELS[kind]}, "county": {county}, "dept": {department}}
    if kind != "range":  # (the range picker checks its own part of the address)
        used[_PERIOD_KEYS[kind]] = {_label(text)}
    _note_unused(asked, used)
    return view


def _note_unused(asked: dict[str, list[str]], used: dict[str, set]) -> None:
    # a parameter of another period kind (m= beside pk=季) is not about this view and is left alone
    _note([key for key, values in asked.items() if key in used and not set(values) & used[key]])


def _note(keys: list[str]) -> None:
    noted = st.session_state.setdefault(LINK_NOTICE_KEY, [])
    noted.extend(key for key in keys if key not in noted)


def show_link_notice(keys: list[str] | None = None) -> None:
    """Say which parameters of the link were not used: those the sidebar noted this run, or `keys`."""
    keys = keys if keys is not None else st.session_state.pop(LINK_NOTICE_KEY, None)
    if keys:
        names = "、".join(dict.fromkeys(labels.LINK_PARAM_NAMES[key] for key in keys))
        st.warning(labels.MSG_LINK_IGNORED.format(names=names), icon=":material/link_off:")


def _range_input(today: dt.date) -> str:
    """The 起止日期 picker. It keeps the address itself (range=start&range=end) instead of binding to it:
    a bound date range takes a reversed or overlong pair from the address as it is, and the address
    would keep it; here a pair that is not a usable period is replaced, in the widget and the address.
    """
    first = dt.date(today.year, 1, 1)
    # the earliest day whose range still fits in periods.MAX_MONTHS calendar months
    back = today.year * 12 + today.month - periods.MAX_MONTHS
    earliest = dt.date(back // 12, back % 12 + 1, 1)
    asked = tuple(st.query_params.get_all("range"))
    if asked != st.session_state.get(_RANGE_URL):  # the address changed: opened from a link, or sent back
        dates = _usable_range(asked, earliest, today)
        if dates is None:
            _note(["range"])
        st.session_state["range"] = dates or (first, today)
    chosen = _dates(
        st.date_input(labels.SIDEBAR_RANGE, value=(first, today), min_value=earliest, max_value=today, key="range")
    )
    if len(chosen) == 2:
        _write_range(() if chosen == (first, today) else tuple(day.isoformat() for day in chosen))
        return f"{chosen[0].isoformat()}..{chosen[1].isoformat()}"
    st.caption(labels.SIDEBAR_RANGE_INCOMPLETE)  # one day picked so far: the address keeps the last range
    st.session_state[_RANGE_URL] = asked
    return f"{first.isoformat()}..{today.isoformat()}"


def _forget_range() -> None:
    # another kind of period: the address no longer carries a range (a bound widget's parameter goes the same way)
    if "range" in st.query_params:
        del st.query_params["range"]
    st.session_state.pop(_RANGE_URL, None)


def _usable_range(asked: tuple, earliest: dt.date, today: dt.date) -> tuple | None:
    """The two dates of the address as a range the sidebar offers: () for none, None when they do not fit."""
    if not asked:
        return ()
    if len(asked) != 2 or any(len(text) != 10 for text in asked):
        return None
    try:
        start, end = (dt.date.fromisoformat(text) for text in asked)
        periods.parse_period(f"{start.isoformat()}..{end.isoformat()}", today)  # reversed, not started, too long
    except ValueError:  # periods.PeriodError included
        return None
    return (start, end) if earliest <= start and end <= today else None


def _write_range(shown: tuple[str, ...]) -> None:
    # the default range is left out of the address, as bound widgets do with their defaults
    if tuple(st.query_params.get_all("range")) != shown:
        if shown:
            st.query_params["range"] = list(shown)
        else:
            del st.query_params["range"]
    st.session_state[_RANGE_URL] = shown


def _dates(value) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


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
