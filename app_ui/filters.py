"""The shared sidebar: period (月/季/年/自定义), county and department, mirrored in the URL.

Every widget is bound to a query parameter, so a copied link reproduces the view. The pages read
the resulting `View` with `current_view()`. A parameter the sidebar cannot use (an unknown period,
county or department, a reversed or overlong date range, a value outside the account) gives the
default for it and a short notice on the page (`show_link_notice`), never an error.

A page that reads only some of the filters has only those drawn (`sidebar(user, drawn)`); the others keep
their choice for the next page. The 县区 and 单位 pages' own pickers are the sidebar's county and
department: what they pick is carried here (`carry`, `carry_pick`), and they show what is chosen here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import streamlit as st

from app_ui import data, escape
from pipeline import access, labels, periods, queries

VIEW_KEY = "_view"
LINK_NOTICE_KEY = "_link_notice"  # the parameters of the address this run could not use, for the page to say so
_RANGE_URL = "_range_url"  # the range of the address as the sidebar last read or wrote it
_OWN_KEY = "_own_scope"  # the account's own scope, as the sidebar last read it
_CARRIED_KEY = "_carried"  # a county or department picked on a page, for the sidebar to show
_PARAMS = ("pk", "m", "q", "y", "range", "county", "dept")
KINDS = ("month", "quarter", "year", "range")
MONTHS_BACK = 24  # months offered when the data says nothing older
# the filters of the sidebar, and the key (and URL parameter) of the county's and the department's
PERIOD, COUNTY, DEPARTMENT = "period", "county", "department"
EVERY_FILTER = (PERIOD, COUNTY, DEPARTMENT)
SIDEBAR_KEYS = {COUNTY: "county", DEPARTMENT: "dept"}


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
    def previous(self) -> periods.Period:
        """The comparable period before (for "change vs last quarter")."""
        return periods.previous_period(self.period)

    def for_period(self, period: periods.Period) -> View:
        """The same day and scope over another period (the previous one, a report's own)."""
        return dataclasses.replace(self, period=period)


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


def sidebar(user: access.User, drawn: Collection[str] = EVERY_FILTER) -> View:
    """Draw the filters in the sidebar and remember the chosen view for the pages.

    The filters only ever narrow the user's own scope (`User.combine`): a county or department typed
    into the URL that lies outside it gives a view with no rows, never someone else's. A filter not in
    `drawn` (the page does not read it) keeps the choice of the view before, and its widget keeps its
    value for the next page that draws it.
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
    before = st.session_state.get(VIEW_KEY)
    choices = {
        COUNTY: _choices(own.county, options["county"]),
        DEPARTMENT: _choices(own.department, options["department"]),
    }
    _take_carried(choices)
    used: dict[str, set] = {}
    with st.sidebar:
        if PERIOD in drawn:
            kind, text = _period_input(months, today)
            used["pk"] = {kind, labels.PERIOD_KIND_LABELS[kind]}
            if kind != "range":  # (the range picker checks its own part of the address)
                used[_PERIOD_KEYS[kind]] = {_label(text)}
            period = periods.parse_period(text, today)
        else:
            period = _kept_period(before, months, today)
        picked = {}
        for name, label, help_text in (
            (COUNTY, labels.SIDEBAR_COUNTY, None),
            (DEPARTMENT, labels.SIDEBAR_DEPARTMENT, labels.SIDEBAR_SCOPE_HELP),
        ):
            key = SIDEBAR_KEYS[name]
            if name in drawn:
                value = st.selectbox(label, choices[name], key=key, bind="query-params", help=help_text)
                used[key] = {value}
                picked[name] = None if value in (None, labels.ALL_OPTION) else value
            else:
                picked[name] = getattr(before, name, None)
        if (own.county or own.department) and (COUNTY in drawn or DEPARTMENT in drawn):
            st.caption(labels.MSG_SCOPE_FIXED.format(scope=escape.md(user.scope_text)))
        if status and status["last_batch_id"]:
            st.caption(labels.STATUS_LAST_IMPORT.format(batch=status["last_batch_id"], time=status["last_import_at"]))
    scope = user.combine(queries.Scope(county=picked[COUNTY], department=picked[DEPARTMENT]))
    view = View(period, today, scope.county, scope.department)
    st.session_state[VIEW_KEY] = view
    st.session_state[_OWN_KEY] = own
    _note_unused(asked, used)
    return view


def _period_input(months: list[str], today: dt.date) -> tuple[str, str]:
    """The period kind and the period's text as picked in the sidebar."""
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
    return kind, text


def _kept_period(before: View | None, months: list[str], today: dt.date) -> periods.Period:
    """The period of the view before, on a page that draws no period (the latest quarter when there is none)."""
    if "range" in st.session_state:  # an unbound widget not drawn would lose its value: kept for the next page
        st.session_state["range"] = st.session_state["range"]
    if before is not None:
        try:
            return periods.parse_period(before.period.text, today)
        except periods.PeriodError:
            pass
    return periods.parse_period(_quarter_options(months)[0], today)


def _take_carried(choices: dict[str, list[str]]) -> None:
    # set before the widgets are drawn: a widget's value cannot be set once it is drawn in a run
    for name, value in st.session_state.pop(_CARRIED_KEY, {}).items():
        if value in choices[name]:
            st.session_state[SIDEBAR_KEYS[name]] = value


def carry(name: str, value: str | None) -> None:
    """Make the sidebar's county or department (`name`) `value` (None: all) and run again; nothing when it is already.

    For a choice made while the page runs (a table row), after the sidebar is drawn: the sidebar takes it
    at the start of the run that follows, and the address with it.
    """
    shown = value or labels.ALL_OPTION
    if st.session_state.get(SIDEBAR_KEYS[name], labels.ALL_OPTION) == shown:
        return
    st.session_state[_CARRIED_KEY] = {**st.session_state.get(_CARRIED_KEY, {}), name: shown}
    st.rerun()


def carry_pick(name: str, pick_key: str) -> None:
    """on_change of a page's county or department picker: the sidebar takes its value in the run it starts."""
    shown = st.session_state.get(pick_key) or labels.ALL_OPTION
    st.session_state[_CARRIED_KEY] = {**st.session_state.get(_CARRIED_KEY, {}), name: shown}


def peers(view: View, name: str) -> View:
    """The view with its county (or department, `name`) opened as far as the account allows.

    What a page's own county or department picker chooses from: a city account picking a county still
    sees every county, a county account its own.
    """
    own = st.session_state.get(_OWN_KEY)
    if own is None:
        return view
    return dataclasses.replace(view, **{name: getattr(own, name)})


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


def current_view(user: access.User, drawn: Collection[str] = EVERY_FILTER) -> View:
    """The view chosen in the sidebar of this run (drawn here when a page runs without the app's frame)."""
    view = st.session_state.get(VIEW_KEY)
    if view is None or not _within(view, user):
        view = sidebar(user, drawn)
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
