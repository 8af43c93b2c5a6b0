"""Edge cases of SPEC §5 on small hand-built databases; every expected figure is worked out by hand."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from pipeline import db, idnumber, queries, settings
from pipeline.queries import Scope

TODAY = dt.date(2026, 11, 28)
ALL = Scope.all()


class Ledger:
    """A tiny database filled row by row, straight into the stored tables."""

    def __init__(self, path):
        self.con = db.connect(path)
        # numbers for the rows' people, keys and phones, from 1 in each database (an ID number holds three digits)
        self._sequence = itertools.count(1)

    def number(self) -> int:
        """The next number of this ledger: no two people, keys or phones of one database share one."""
        return next(self._sequence)

    def person(
        self,
        county: str = "甲县",
        township: str = "甲镇",
        category: str = "孤儿",
        enrolled: str = "1900-01-01",
        exited: str | None = None,
    ) -> str:
        number = self.number()
        id_number = idnumber.make("620102", dt.date(2012, 1, 1), number)
        self.con.execute(
            "insert into beneficiary values (?, ?, ?, ?, ?, null, null, ?, ?, 1)",
            [id_number, f"对象{number}", category, county, township, enrolled, exited],
        )
        return id_number

    def pair(
        self,
        id_number: str,
        phone: str = "13800000001",
        department: str = "甲局",
        paired: str = "2025-01-01",
        unpaired: str | None = None,
        level: str | None = "一般干部",
    ) -> None:
        self.con.execute(
            "insert into pairing values (?, ?, ?, ?, ?, '属地结对', ?, ?, 1)",
            [id_number, phone, f"干部{phone[-4:]}", department, level, paired, unpaired],
        )

    def contact(self, id_number: str, day: str, method: str = "电话", rating: str | None = None) -> None:
        key = f"{id_number}|{day}|{self.number()}"
        self.con.execute(
            "insert into contact values (?, null, ?, ?, ?, null, null, null, ?, 2)",
            [key, id_number, day, method, rating],
        )

    def issue(self, id_number: str, raised: str, status: str = "待办理", closed=None, rating=None) -> None:
        key = f"{id_number}|{raised}|{self.number()}"
        self.con.execute(
            "insert into issue values (?, null, ?, ?, '生活', '困难', '干部本人', null, ?, ?, ?, 3)",
            [key, id_number, raised, status, closed, rating],
        )

    def metrics(self, period: str, by: str = "overall", scope: Scope = ALL, today=TODAY) -> pd.DataFrame:
        return queries.metrics(self.con, period, by, scope, today=today)

    def row(self, period: str, by: str = "overall", scope: Scope = ALL, today=TODAY) -> dict:
        frame = self.metrics(period, by, scope, today)
        assert len(frame) == 1, frame
        return {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in frame.iloc[0].items()}


@pytest.fixture
def ledger(tmp_path):
    book = Ledger(tmp_path / "edge.duckdb")
    yield book
    book.con.close()


def test_exit_and_enrolment_on_as_of(ledger):
    leaves_on_as_of = ledger.person(exited="2026-09-30")
    ledger.person(exited="2026-10-01")  # still in the program on 09-30
    ledger.person(enrolled="2026-09-30")  # enrolled on as_of: in
    ledger.person(enrolled="2026-10-01")  # not yet
    ledger.issue(leaves_on_as_of, "2026-07-01")
    assert ledger.row("2026Q3")["beneficiaries"] == 2
    assert ledger.row("2026Q3")["issues_total"] == 0  # the issue leaves with its beneficiary
    august = ledger.row("2026-08")  # in August the leaver is still there, the late joiner not yet
    assert (august["beneficiaries"], august["issues_total"], august["issues_new"]) == (2, 1, 0)
    assert ledger.row("2026-07")["issues_new"] == 1


def test_pairing_ending_on_as_of_is_no_longer_active(ledger):
    ended = ledger.person()
    ledger.pair(ended, "13800000001", "甲局", "2025-01-01", unpaired="2026-09-30")
    ledger.contact(ended, "2026-09-15")  # not counted: nobody is paired with this person on 09-30
    still = ledger.person()
    ledger.pair(still, "13800000002", "乙局", "2025-01-01", unpaired="2026-10-01")
    ledger.contact(still, "2026-09-16")
    overall = ledger.row("2026Q3")
    assert (overall["beneficiaries"], overall["paired"], overall["pairing_rate"]) == (2, 1, 0.5)
    assert (overall["contacted"], overall["contacts"], overall["contact_rate"]) == (1, 1, 1.0)
    departments = ledger.metrics("2026Q3", "department")
    assert departments[["department", "beneficiaries", "paired", "contacts"]].values.tolist() == [
        ["乙局", 1, 1, 1],
        ["未结对", 1, 0, 0],
    ]
    unpaired = departments.iloc[1]
    assert pd.isna(unpaired["contact_rate"]) and pd.isna(unpaired["on_standard_rate"])
    assert ledger.metrics("2026Q3", "cadre_level")["cadre_level"].tolist() == ["一般干部", "未结对"]


def test_on_standard_counts_months_from_the_pairing_month(ledger):
    def paired(on: str, *contacts: str) -> None:
        person = ledger.person()
        ledger.pair(person, f"1380000{ledger.number():04d}", "甲局", on)
        for day in contacts:
            ledger.contact(person, day)

    paired("2026-08-10", "2026-08-20", "2026-09-05")  # Aug and Sep: on standard
    paired("2026-08-10", "2026-07-01", "2026-09-05")  # July does not stand in for August: not
    paired("2025-01-01", "2026-08-15", "2026-09-15")  # paired all quarter, July missing: not
    paired("2025-01-01", "2026-07-31", "2026-08-01", "2026-09-30")  # every month: on standard
    paired("2026-09-30")  # paired on as_of, September still needs a contact: not
    paired("2026-09-30", "2026-09-01")  # a September contact, even before the pairing day: on standard
    row = ledger.row("2026Q3")
    assert (row["paired"], row["on_standard"], row["on_standard_rate"]) == (6, 3, 0.5)
    assert (row["contacted"], row["contacts"]) == (5, 10)
    assert row["contacts_per_pair_month"] == pytest.approx(10 / 6 / 3)
    assert row["overdue_contact"] == 0  # everyone is within 30 days of a contact or of the pairing


def test_re_pairing_inside_the_period(ledger):
    person = ledger.person()
    ledger.pair(person, "13800000001", "甲局", "2026-01-01", unpaired="2026-08-15")
    ledger.pair(person, "13800000002", "乙局", "2026-08-15")
    for day in ("2026-07-10", "2026-08-20", "2026-09-10"):
        ledger.contact(person, day)
    quarter = ledger.metrics("2026Q3", "department")
    # the new cadre's department has the person, all contacts of the quarter, and the standard from August
    assert quarter[["department", "beneficiaries", "paired", "contacts", "on_standard"]].values.tolist() == [
        ["乙局", 1, 1, 3, 1]
    ]
    cadres = ledger.metrics("2026Q3", "cadre")
    assert cadres[["department", "cadre", "cadre_phone_masked"]].values.tolist() == [
        ["乙局", "干部0002", "138****0002"]
    ]
    july = ledger.metrics("2026-07", "department")
    assert july[["department", "contacts", "on_standard"]].values.tolist() == [["甲局", 1, 1]]
    before = ledger.metrics("2026-07-01..2026-08-14", "department")
    on_the_day = ledger.metrics("2026-07-01..2026-08-15", "department")
    assert (before["department"].tolist(), on_the_day["department"].tolist()) == (["甲局"], ["乙局"])


@pytest.mark.parametrize("period", ["2026-09", "2026Q3"])
def test_contacts_exactly_30_and_31_days_before_as_of(ledger, period):
    def paired(on: str, *contacts: str) -> str:
        person = ledger.person()
        ledger.pair(person, f"1380000{ledger.number():04d}", "甲局", on)
        for day in contacts:
            ledger.contact(person, day)
        return person

    paired("2026-01-01", "2026-08-31")  # 30 days before 09-30: in time
    late = paired("2026-01-01", "2026-08-30")  # 31 days: overdue
    paired("2026-08-31")  # no contact, paired 30 days ago: in time
    paired("2026-08-30")  # no contact, paired 31 days ago: overdue
    old = paired("2026-09-20", "2026-06-01")  # newly paired, but the last contact is 121 days old: overdue
    paired("2026-09-20", "2026-09-25")
    ledger.person()  # unpaired people are never overdue
    row = ledger.row(period)
    assert (row["paired"], row["overdue_contact"]) == (6, 3)
    listed = queries.overdue(ledger.con, period, "contacts", today=TODAY, masked=False)
    assert listed["days_overdue"].tolist() == [91, 1, 1]
    by_person = listed.set_index("id_number")
    assert by_person.loc[old, "last_contact_on"].date() == dt.date(2026, 6, 1)
    assert by_person.loc[late, "last_contact_on"].date() == dt.date(2026, 8, 30)
    assert by_person.loc[late, "days_since_contact"] == 31


def test_overdue_threshold_comes_from_settings(ledger):
    for paired_on, last in (("2026-01-01", "2026-08-30"), ("2026-08-30", None), ("2026-01-01", "2026-08-29")):
        person = ledger.person()
        ledger.pair(person, f"1380000{ledger.number():04d}", "甲局", paired_on)
        if last:
            ledger.contact(person, last)
    assert ledger.row("2026-09")["overdue_contact"] == 3  # 31, 31 and 32 days
    settings.write_settings(ledger.con, {"overdue_days": 31}, user="测试")
    assert ledger.row("2026-09")["overdue_contact"] == 1  # only the 32 days are more than 31


def test_issue_closed_after_as_of(ledger):
    person = ledger.person()
    ledger.pair(person)
    ledger.issue(person, "2026-07-01", "已解决", closed="2026-10-05", rating="满意")
    ledger.issue(person, "2026-09-15", "无法解决", closed="2026-09-20", rating="不满意")
    ledger.issue(person, "2026-08-31")  # open, raised 30 days before 09-30: not overdue yet
    ledger.issue(person, "2026-08-30")  # open, 31 days: overdue
    quarter = ledger.row("2026Q3")
    assert (quarter["issues_new"], quarter["issues_total"], quarter["issues_resolved"]) == (4, 4, 0)
    assert (quarter["resolution_rate"], quarter["issues_closed_in_p"]) == (0.0, 1)
    assert quarter["median_days_to_close"] == 5
    assert quarter["issues_overdue"] == 2  # the one solved only on 10-05 was still open on 09-30
    assert quarter["satisfaction_rate"] == 0.0  # only the issue closed in the quarter brings its rating
    october = ledger.row("2026-10")
    assert (october["issues_new"], october["issues_total"], october["issues_resolved"]) == (0, 4, 1)
    assert (october["resolution_rate"], october["issues_closed_in_p"], october["median_days_to_close"]) == (
        0.25,
        1,
        96,
    )
    assert (october["issues_overdue"], october["satisfaction_rate"]) == (2, 1.0)
    listed = queries.overdue(ledger.con, "2026Q3", "issues", today=TODAY)
    assert listed[["raised_on", "days_open", "days_overdue"]].astype(str).values.tolist() == [
        ["2026-07-01", "91", "61"],
        ["2026-08-30", "31", "1"],
    ]


def test_zero_denominators_give_empty_rates_not_zero(ledger):
    ledger.person()
    ledger.person(county="乙县")
    row = ledger.row("2026Q3")
    assert (row["beneficiaries"], row["paired"], row["pairing_rate"]) == (2, 0, 0.0)
    for rate in ("contact_rate", "home_visit_rate", "contacts_per_pair_month", "on_standard_rate"):
        assert row[rate] is None, rate
    assert row["resolution_rate"] is None and row["satisfaction_rate"] is None
    assert row["median_days_to_close"] is None
    assert row["score"] == 0.0  # the pairing rate is the only rate left: 100 × 0.2·0 / 0.2
    assert ledger.metrics("2026Q3", "department")["department"].tolist() == ["未结对"]


def test_a_period_with_no_data(ledger):
    empty = ledger.row("2026Q3")
    assert empty["overall"] == "全市"
    assert all(empty[c] == 0 for c in queries.METRIC_COLUMNS if c not in queries.FRACTIONAL_COLUMNS)
    assert all(empty[c] is None for c in queries.FRACTIONAL_COLUMNS)
    assert ledger.metrics("2026Q3", "county").empty
    cadre_columns = list(ledger.metrics("2026Q3", "cadre").columns)
    assert cadre_columns[:3] == ["department", "cadre", "cadre_phone_masked"]
    person = ledger.person(enrolled="2026-05-01")
    ledger.pair(person, paired="2026-05-01")
    assert ledger.row("2026-04")["beneficiaries"] == 0  # before anyone was enrolled
    assert queries.overdue(ledger.con, "2026-04", "contacts", today=TODAY).empty


def test_running_period_is_cut_at_today(ledger):
    person = ledger.person()
    ledger.pair(person)
    ledger.contact(person, "2026-10-10")
    ledger.contact(person, "2026-11-14")
    ledger.contact(person, "2026-11-20")  # after "today": not counted yet
    ledger.issue(person, "2026-11-16")
    today = dt.date(2026, 11, 15)
    row = ledger.row("2026Q4", today=today)
    assert (row["contacts"], row["on_standard"], row["issues_total"], row["overdue_contact"]) == (2, 1, 0, 0)
    assert row["contacts_per_pair_month"] == pytest.approx(2 / (46 / 30.4375))
    # the same as the date range up to today, whatever day it is now
    same_range = ledger.row("2026-10-01..2026-11-15", today=dt.date(2027, 1, 1))
    assert same_range == row
    assert (row["standard_due"], row["on_standard_rate"]) == (1, 1.0)  # October only: November is still running
    earlier = ledger.row("2026Q4", today=dt.date(2026, 11, 13))
    # November has no contact yet, but it is not over: only October is required, and it has one
    assert (earlier["contacts"], earlier["standard_due"], earlier["on_standard"]) == (1, 1, 1)
    assert earlier["contacts_per_pair_month"] == pytest.approx(1 / (44 / 30.4375))


def test_score_renormalises_the_weights_of_the_rates_that_exist(ledger):
    visited, called = ledger.person(), ledger.person()
    ledger.pair(visited, "13800000001")
    ledger.pair(called, "13800000002")
    ledger.contact(visited, "2026-09-10", "入户走访", "满意")
    ledger.contact(called, "2026-09-11", "电话", "不满意")
    row = ledger.row("2026-09")
    assert (row["pairing_rate"], row["on_standard_rate"], row["home_visit_rate"]) == (1.0, 1.0, 0.5)
    assert (row["resolution_rate"], row["satisfaction_rate"]) == (None, 0.5)
    # no issues: (0.2·1 + 0.3·1 + 0.2·0.5 + 0.1·0.5) / (0.2 + 0.3 + 0.2 + 0.1)
    assert row["score"] == pytest.approx(100 * 0.65 / 0.8)  # 81.25
    settings.write_settings(ledger.con, {"weight_satisfaction_rate": 0.5}, user="测试")
    assert ledger.row("2026-09")["score"] == pytest.approx(100 * 0.85 / 1.2)


def test_home_visits_and_satisfaction_from_contacts_and_issues(ledger):
    person = ledger.person()
    ledger.pair(person)
    ledger.contact(person, "2026-09-01", "邀请到家", "基本满意")
    ledger.contact(person, "2026-09-02", "微信")  # unrated: left out of 群众满意率
    ledger.issue(person, "2026-09-03", "已解决", closed="2026-09-04", rating="不满意")
    ledger.issue(person, "2026-09-05", "已解决", closed="2026-09-06")  # unrated
    row = ledger.row("2026-09")
    assert (row["home_visited"], row["home_visit_rate"], row["contacts"]) == (1, 1.0, 2)
    assert row["satisfaction_rate"] == 0.5  # 基本满意 of the contact, 不满意 of the issue
    assert (row["issues_resolved"], row["resolution_rate"], row["median_days_to_close"]) == (2, 1.0, 1)


def test_scope_filters_inside_the_query(ledger):
    first = ledger.person("甲县")
    ledger.pair(first, "13800000001", "甲局")
    second = ledger.person("甲县", "乙镇")
    ledger.pair(second, "13800000002", "乙局")
    ledger.issue(second, "2026-08-01")
    ledger.person("甲县")  # unpaired
    fourth = ledger.person("乙县")
    ledger.pair(fourth, "13800000004", "甲局")
    moved = ledger.person("乙县")
    ledger.pair(moved, "13800000005", "甲局", unpaired="2026-08-15")
    ledger.pair(moved, "13800000006", "乙局", paired="2026-08-15")

    county = Scope.for_county("甲县")
    in_county = ledger.row("2026Q3", scope=county)
    assert (in_county["overall"], in_county["beneficiaries"], in_county["paired"]) == ("甲县", 3, 2)
    departments = ledger.metrics("2026Q3", "department", county)
    assert departments[["department", "beneficiaries"]].values.tolist() == [
        ["乙局", 1],
        ["未结对", 1],
        ["甲局", 1],
    ]  # rows sort by code point, as in the expected files
    assert ledger.metrics("2026Q3", "township", county)["township"].tolist() == ["乙镇", "甲镇"]

    department = Scope.for_department("甲局")
    counties = ledger.metrics("2026Q3", "county", department)
    assert counties[["county", "beneficiaries", "paired", "issues_total"]].values.tolist() == [
        ["乙县", 1, 1, 0],
        ["甲县", 1, 1, 0],
    ]
    assert "未结对" not in ledger.metrics("2026Q3", "department", department)["department"].tolist()
    # the person who moved to 乙局 on 08-15 belonged to 甲局 in July
    assert ledger.row("2026-07", scope=department)["beneficiaries"] == 3
    assert ledger.row("2026Q3", scope=Scope.for_department("乙局"))["issues_total"] == 1
    assert ledger.row("2026Q3", scope=Scope.for_county("丙县"))["beneficiaries"] == 0
    rows = queries.drill_rows(ledger.con, "2026Q3", "overall", None, "beneficiaries", department, today=TODAY)
    assert sorted(rows["county"]) == ["乙县", "甲县"]


def test_the_overdue_lists_come_longest_first_then_by_county_township_and_person(ledger):
    # people overdue by the same number of days in several counties and townships, and some by more: days overdue
    # descending, then county, township and ID number ascending by code point (乙 U+4E59 before 甲 U+7532)
    places = [("甲县", "乙镇"), ("乙县", "甲镇"), ("甲县", "甲镇"), ("甲县", "甲镇"), ("乙县", "乙镇")]
    rows = []
    for index, (county, township) in enumerate(places):
        person = ledger.person(county=county, township=township)
        paired = "2026-01-01" if index % 2 else "2026-03-01"  # two lengths of overdue
        ledger.pair(person, f"1380000{ledger.number():04d}", "甲局", paired)
        ledger.issue(person, paired)
        days = (dt.date(2026, 9, 30) - dt.date.fromisoformat(paired)).days
        rows.append((days, county, township, person))
    expected = sorted(rows, key=lambda row: (-row[0], row[1], row[2], row[3]))
    for what in ("contacts", "issues"):
        listed = queries.overdue(ledger.con, "2026Q3", what, today=TODAY, masked=False)
        assert listed["id_number"].tolist() == [row[3] for row in expected], what
        assert listed.index.tolist() == list(range(len(expected)))
