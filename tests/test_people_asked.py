"""The 督办 lists of the whole city work out the pairings of the people who can be on them (int_people_asked) rather
than everyone's: the same rows as over everyone, from a set that leaves out exactly those who cannot be listed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeline import contact_state, db, periods, queries, settings
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY, build_example_database
from tests.test_metrics_edges import TODAY, Ledger

ALL = Scope.all()
THRESHOLD = int(settings.DEFAULT_SETTINGS.overdue_days)
LISTS = {"contacts": "mart_overdue_contacts", "issues": "mart_overdue_issues"}


def _day(days_before_today: int) -> str:
    return (TODAY - dt.timedelta(days=days_before_today)).isoformat()


def _everyone(con, what: str, period_texts: list[str], scope: Scope = ALL, today: dt.date = TODAY) -> pd.DataFrame:
    """A list computed over everyone's pairings and converted by DuckDB, as before the lists named their people and
    came through Arrow."""
    chosen = [periods.parse_period(text, today) for text in period_texts]
    sql = queries.compose(LISTS[what])
    params = queries.bound_parameters(sql, chosen, scope, settings.read_settings(con), people_asked=None)
    return con.execute(sql, contact_state.bind(con, sql, params)).df()


def _asked(con, which: str, period_texts: list[str], today: dt.date = TODAY) -> set[str]:
    chosen = [periods.parse_period(text, today) for text in period_texts]
    return set(queries.run_model(con, "int_people_asked", chosen, ALL, people_asked=which)["id_number"])


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """The same rows, in any order, of the same types (a text column without any value holds None, as DuckDB's)."""
    keys = list(left.columns)
    assert len(left) == len(right)
    pd.testing.assert_frame_equal(
        left.sort_values(keys).reset_index(drop=True), right.sort_values(keys).reset_index(drop=True), check_exact=True
    )


@pytest.fixture(params=["contacts read", "contact_state kept"])
def city(request, tmp_path):
    """People on both sides of each rule's edge, with the contacts read either way int_person_contact reads them."""
    book = Ledger(tmp_path / "asked.duckdb")
    people = {}
    for name in ("lately", "just_late", "never", "new_pair", "unpaired", "issue_late", "issue_edge", "closed_later"):
        people[name] = book.person()
    for name in ("lately", "just_late", "never", "issue_late", "issue_edge", "closed_later"):
        book.pair(people[name], phone=f"1380000{len(name):04d}")
    book.pair(people["new_pair"], paired=_day(5))
    book.contact(people["lately"], _day(THRESHOLD))  # the first day that still counts as recent
    book.contact(people["just_late"], _day(THRESHOLD + 1))  # one day too old: overdue
    book.contact(people["unpaired"], _day(200))  # nobody's pair: on no list
    for name in ("issue_late", "issue_edge", "closed_later"):
        book.contact(people[name], _day(1))
    book.issue(people["issue_late"], _day(THRESHOLD + 1))  # open and one day past the threshold: overdue
    book.issue(people["issue_edge"], _day(THRESHOLD))  # open, exactly the threshold old: not overdue yet
    # closed after October: overdue at the end of October, not today
    book.issue(people["closed_later"], "2026-08-01", status="已解决", closed=_day(1))
    if request.param == "contact_state kept":
        contact_state.rebuild(book.con)
    assert contact_state.ok(book.con) == (request.param == "contact_state kept")
    yield book, people
    book.con.close()


def test_the_lists_of_a_running_period_hold_the_people_worked_out_by_hand(city):
    book, people = city
    contacts = queries.overdue(book.con, "2026Q4", "contacts", today=TODAY, masked=False)
    assert sorted(contacts["id_number"]) == sorted([people["just_late"], people["never"]])
    issues = queries.overdue(book.con, "2026Q4", "issues", today=TODAY, masked=False)
    assert list(issues["id_number"]) == [people["issue_late"]]
    assert list(issues["days_overdue"]) == [1]
    # at the end of October the late issue was three days old, and the one closed in November still open
    october = queries.overdue(book.con, "2026-10", "issues", today=TODAY, masked=False)
    assert list(october["id_number"]) == [people["closed_later"]]


def test_the_sets_leave_out_exactly_those_who_cannot_be_listed(city):
    book, people = city
    # on today's as_of: only whoever was contacted within the threshold is left out of the contact list's people
    assert _asked(book.con, "overdue_contacts", ["2026Q4"]) == set(people.values()) - {
        people["lately"],
        people["issue_late"],
        people["issue_edge"],
        people["closed_later"],
    }
    # issues still open after as_of and raised more than the threshold before it
    assert _asked(book.con, "overdue_issues", ["2026Q4"]) == {people["issue_late"]}
    assert _asked(book.con, "overdue_issues", ["2026-10"]) == {people["closed_later"]}
    # with several periods, whoever can be listed in any one of them
    assert _asked(book.con, "overdue_issues", ["2026-10", "2026Q4"]) == {people["issue_late"], people["closed_later"]}
    # nobody named: the lists and every other model read everyone
    assert _asked(book.con, None, ["2026Q4"]) == set()


@pytest.mark.parametrize("what", sorted(LISTS))
@pytest.mark.parametrize(
    "period_texts",
    # the running month, quarter and year are all cut at today: together, the contact list's set of three as_ofs
    [["2026Q4"], ["2026-11"], ["2026-11", "2026Q4", "2026"], ["2026-10"], ["2026Q3", "2026Q4"], ["2025"]],
)
def test_the_lists_are_those_worked_out_over_everyone(city, what, period_texts):
    book, _people = city
    chosen = [periods.parse_period(text, TODAY) for text in period_texts]
    _same(queries.run_model(book.con, LISTS[what], chosen, ALL), _everyone(book.con, what, period_texts))


def test_the_example_city_lists_every_scope_as_over_everyone(tmp_path):
    con = db.connect(build_example_database(tmp_path / "example.duckdb"))
    try:
        county = con.execute("select min(county) from beneficiary").fetchone()[0]
        department = con.execute("select min(department) from pairing").fetchone()[0]
        quarter = periods.parse_period(f"{EXAMPLE_TODAY.year}Q{(EXAMPLE_TODAY.month - 1) // 3 + 1}", EXAMPLE_TODAY)
        assert quarter.is_cut  # the running quarter, the one both sets are asked for
        for what in LISTS:
            for scope in (ALL, Scope(county=county), Scope(department=department)):
                for text in (quarter.text, periods.previous_period(quarter).text):
                    chosen = [periods.parse_period(text, EXAMPLE_TODAY)]
                    listed = queries.run_model(con, LISTS[what], chosen, scope)
                    everyone = _everyone(con, what, [text], scope, EXAMPLE_TODAY)
                    assert scope != ALL or len(everyone) > 0  # something to compare
                    _same(listed, everyone)
    finally:
        con.close()
