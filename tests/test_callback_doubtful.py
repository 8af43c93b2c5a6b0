"""疑点 (SPEC §8): each rule fires on a ledger made for it and stays silent on its near miss; every row says why in
words, names the cadre and the records; the thresholds come from the settings; untrue contacts are marked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import subprocess
import sys

import pandas as pd
import pytest

from pipeline import labels, masking, periods, quality, queries, settings
from pipeline.callbacks import doubtful
from tests.conftest import ROOT
from tests.test_metrics_edges import TODAY, Ledger

Q3 = periods.parse_period("2026Q3", TODAY)
_keys = itertools.count(1)
CADRE = "13800000001"


@pytest.fixture
def book(tmp_path):
    ledger = Ledger(tmp_path / "doubts.duckdb")
    yield ledger
    ledger.con.close()


def _callback(book: Ledger, id_number: str, day: str, knows=None, truth=None) -> None:
    book.con.execute(
        "insert into callback (callback_key, id_number, callback_date, caller, reach, knows_cadre, contact_truth, "
        "satisfaction, reported_issue, sample_id, batch_id) "
        "values (?, ?, ?, '回访员', '接通', ?, ?, null, null, null, 3)",
        [f"{id_number}|{day}|{next(_keys)}", id_number, day, knows, truth],
    )


def _batch(book: Ledger, batch_id: int, at: str, name: str = "走访记录.xlsx") -> None:
    book.con.execute(
        "insert into import_batch (batch_id, imported_at, user_name, file_name, sha256, kind, rows_read, inserted, "
        "updated, unchanged, duplicate, rejected) values (?, ?, '测试', ?, ?, 'visits', 0, 0, 0, 0, 0, 0)",
        [batch_id, at, name, f"sha{batch_id}"],
    )


def _contact(book: Ledger, id_number: str, day: str, method: str = "电话", batch: int = 2) -> None:
    book.con.execute(
        "insert into contact values (?, null, ?, ?, ?, null, null, null, null, ?)",
        [f"{id_number}|{day}|{next(_keys)}", id_number, day, method, batch],
    )


def rows(book: Ledger, rule: str, period=Q3, **changes) -> pd.DataFrame:
    config = dataclasses.replace(settings.DEFAULT_SETTINGS, **changes)
    found = doubtful.find(book.con, period, thresholds=config, masked=False, with_ids=True)
    return found[found["rule_key"] == rule].reset_index(drop=True)


# ---------------------------------------------------------------- 一天入户多个乡镇


def _busy(book: Ledger, visits: int, townships: int, method: str = "入户走访") -> list[str]:
    people = [book.person(township=f"{n % townships}镇") for n in range(visits)]
    for person in people:
        book.pair(person, CADRE, "甲局")
        _contact(book, person, "2026-08-12", method)
    return people


def test_busy_day_fires_on_five_home_visits_in_three_townships(book):
    people = _busy(book, 5, 3)
    found = rows(book, "doubt_busy_day")
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["rule"], row["department"], row["cadre_phone"], row["people"]) == ("一天入户多个乡镇", "甲局", CADRE, 5)
    assert row["doubt_reason"] == labels.DOUBT_REASONS["doubt_busy_day"].format(
        day="2026-08-12", visits=5, townships=3, names="0镇、1镇、2镇"
    )
    assert sorted(row["ids"]) == sorted(people)
    assert row["records"].count("2026-08-12 入户走访") == 5


@pytest.mark.parametrize(("visits", "townships", "method"), [(4, 3, "入户走访"), (5, 2, "入户走访"), (5, 3, "电话")])
def test_busy_day_near_misses_are_silent(book, visits, townships, method):
    _busy(book, visits, townships, method)
    assert rows(book, "doubt_busy_day").empty


@pytest.mark.parametrize("scope", [queries.Scope(county="甲县"), queries.Scope(department="甲局")])
def test_busy_day_counts_each_visit_once_in_a_scope(book, scope):
    # four visits are a near miss in a county's or department's view too, and five are five
    _busy(book, 4, 3)
    assert doubtful.find(book.con, Q3, scope, masked=False).empty
    more = book.person(township="3镇")
    book.pair(more, CADRE, "甲局")
    _contact(book, more, "2026-08-12", "入户走访")
    found = doubtful.find(book.con, Q3, scope, masked=False)
    assert found["rule"].tolist() == [labels.DOUBT_RULE_LABELS["doubt_busy_day"]]
    assert found.iloc[0]["doubt_reason"] == labels.DOUBT_REASONS["doubt_busy_day"].format(
        day="2026-08-12", visits=5, townships=4, names="0镇、1镇、2镇、3镇"
    )
    assert doubtful.find(book.con, Q3, queries.Scope(county="乙县"), masked=False).empty


def test_the_thresholds_come_from_the_settings(book):
    _busy(book, 5, 3)
    assert rows(book, "doubt_busy_day", doubt_day_visits=6).empty
    assert rows(book, "doubt_busy_day", doubt_day_townships=4).empty
    assert len(rows(book, "doubt_busy_day", doubt_day_visits=5)) == 1
    settings.write_settings(book.con, {"doubt_day_visits": 6}, "测试")
    assert doubtful.find(book.con, Q3).empty  # read from the database when not given


# ---------------------------------------------------------------- 退出后仍有联系


def test_contacts_after_the_exit_fire_and_the_exit_day_itself_does_not(book):
    person = book.person(exited="2026-08-31")
    book.pair(person, CADRE, "甲局")
    _contact(book, person, "2026-08-31")
    assert rows(book, "doubt_after_exit").empty
    _contact(book, person, "2026-09-05", "入户走访")
    _contact(book, person, "2026-09-20")
    row = rows(book, "doubt_after_exit").iloc[0]
    assert row["doubt_reason"] == "对象已于2026-08-31退出，之后仍记有2次联系（2026-09-05、2026-09-20）"
    assert (row["cadre_name"], row["ids"]) == ("干部0001", [person])
    assert rows(book, "doubt_after_exit", period=periods.parse_period("2026Q2", TODAY)).empty


# ---------------------------------------------------------------- 每月同一天联系全部对象


def _same_day_cadre(book: Ledger, pairs: int, months: list[str], skip_one_in: str | None = None) -> list[str]:
    people = [book.person() for _ in range(pairs)]
    for person in people:
        book.pair(person, CADRE, "甲局")
    for month in months:
        for n, person in enumerate(people):
            if month == skip_one_in and n == 0:
                _contact(book, person, f"{month}-10")  # on another day that month
                continue
            _contact(book, person, f"{month}-15")
    return people


def test_same_day_fires_on_three_months_running_with_three_pairs(book):
    _same_day_cadre(book, 3, ["2026-07", "2026-08", "2026-09"])
    row = rows(book, "doubt_same_day").iloc[0]
    assert row["doubt_reason"] == labels.DOUBT_REASONS["doubt_same_day"].format(
        first="2026年7月", last="2026年9月", months=3, pairs=3, days="2026-07-15、2026-08-15、2026-09-15"
    )
    assert row["people"] == 3


@pytest.mark.parametrize(
    ("pairs", "months", "skip"),
    [
        (2, ["2026-07", "2026-08", "2026-09"], None),  # two pairs only
        (3, ["2026-07", "2026-08"], None),  # two months only
        (3, ["2026-06", "2026-08", "2026-09"], None),  # not running
        (3, ["2026-07", "2026-08", "2026-09"], "2026-08"),  # one pair on another day in August
    ],
)
def test_same_day_near_misses_are_silent(book, pairs, months, skip):
    _same_day_cadre(book, pairs, months, skip)
    assert rows(book, "doubt_same_day").empty


def test_same_day_counts_every_pair_of_the_cadre(book):
    _same_day_cadre(book, 3, ["2026-07", "2026-08", "2026-09"])
    fourth = book.person()
    book.pair(fourth, CADRE, "甲局")  # never contacted on those days
    assert rows(book, "doubt_same_day").empty


def test_same_day_without_a_period_looks_at_every_record(book):
    _same_day_cadre(book, 3, ["2026-07", "2026-08", "2026-09"])
    found = rows(book, "doubt_same_day", period=None)
    assert len(found) == 1 and found.iloc[0]["people"] == 3
    # a period the run does not reach into: no busy day in it, nothing listed
    assert rows(book, "doubt_same_day", period=periods.parse_period("2026-11", dt.date(2026, 11, 28))).empty


# ---------------------------------------------------------------- 期末后集中补录


def _late(book: Ledger, imported_at: str, count: int = 3, earlier: bool = True) -> None:
    people = [book.person() for _ in range(count)]
    for person in people:
        book.pair(person, CADRE, "甲局")
    other = book.person()
    book.pair(other, "13800000002", "乙局")
    if earlier:  # the office had been receiving later months already
        _batch(book, 10, "2026-09-05 09:00:00")
        _contact(book, other, "2026-09-03", batch=10)
    _batch(book, 11, imported_at, "补录.xlsx")
    for n, person in enumerate(people):
        _contact(book, person, f"2026-08-{10 + n:02d}", batch=11)


def test_a_month_sent_in_weeks_late_fires(book):
    _late(book, "2026-10-15 10:30:00")
    row = rows(book, "doubt_late_import").iloc[0]
    assert row["doubt_reason"] == labels.DOUBT_REASONS["doubt_late_import"].format(
        month="2026年8月", count=3, days=45, imported_at="2026-10-15 10:30", batch=11, file="补录.xlsx"
    )
    assert row["cadre_phone"] == CADRE and row["people"] == 3


@pytest.mark.parametrize(
    ("imported_at", "period", "fires"),
    [
        # 21 days after August ended: late, for every period with a month that touches August
        ("2026-09-21 08:00:00", "2026-08", True),
        ("2026-09-21 08:00:00", "2026-08-31..2026-09-30", True),
        ("2026-10-15 10:30:00", "2026-08-20..2026-10-31", True),
        ("2026-10-15 10:30:00", "2026", True),
        # periods whose months all begin after August: the batch is late for none of them
        ("2026-10-15 10:30:00", "2026-09", False),
        ("2026-10-15 10:30:00", "2026-09-01..2026-10-31", False),
        ("2026-10-15 10:30:00", "2026Q4", False),
    ],
)
def test_late_follows_the_months_the_period_touches(book, imported_at, period, fires):
    # the batches that can be late for the period's months are picked before any contact is read: the first of
    # those months decides
    _late(book, imported_at)
    found = rows(book, "doubt_late_import", period=periods.parse_period(period, TODAY))
    assert len(found) == int(fires)
    if fires:
        assert found.iloc[0]["cadre_phone"] == CADRE and found.iloc[0]["people"] == 3


@pytest.mark.parametrize(
    ("scope", "found"),
    [
        (queries.Scope(county="甲县"), 1),
        (queries.Scope(county="乙县"), 0),
        (queries.Scope(department="甲局"), 1),
        (queries.Scope(department="乙局"), 0),  # the department of the earlier batch's contact only
    ],
)
def test_late_follows_the_scope(book, scope, found):
    _late(book, "2026-10-15 10:30:00")
    late = doubtful.find(book.con, Q3, scope, masked=False)
    assert late["rule"].tolist() == [labels.DOUBT_RULE_LABELS["doubt_late_import"]] * found


@pytest.mark.parametrize(
    ("imported_at", "count", "earlier"),
    [("2026-09-20 10:00:00", 3, True), ("2026-10-15 10:00:00", 2, True), ("2026-10-15 10:00:00", 3, False)],
)
def test_late_near_misses_are_silent(book, imported_at, count, earlier):
    # 20 days after the month is not more than 20; two contacts are not a bulk; a first import is a history
    _late(book, imported_at, count, earlier)
    assert rows(book, "doubt_late_import").empty


# ---------------------------------------------------------------- 常有联系却不认识干部


def _unknown(book: Ledger, months: list[str], knows: str = "否") -> str:
    person = book.person()
    book.pair(person, CADRE, "甲局")
    for month in months:
        _contact(book, person, f"{month}-08")
    _callback(book, person, "2026-10-12", knows=knows)
    return person


def test_a_stranger_despite_monthly_contacts_fires(book):
    person = _unknown(book, ["2026-07", "2026-08", "2026-09"])
    found = rows(book, "doubt_unknown_cadre", period=periods.parse_period("2026Q4", TODAY))
    row = found.iloc[0]
    assert row["doubt_reason"] == labels.DOUBT_REASONS["doubt_unknown_cadre"].format(
        callback_date="2026-10-12", months=3, first="2026年7月", last="2026年9月", count=3
    )
    assert row["ids"] == [person] and row["cadre_phone"] == CADRE
    assert labels.DOUBT_CALLBACK_WHAT in row["records"]


@pytest.mark.parametrize(
    ("months", "knows"), [(["2026-07", "2026-09"], "否"), (["2026-07", "2026-08", "2026-09"], "是")]
)
def test_unknown_near_misses_are_silent(book, months, knows):
    _unknown(book, months, knows)
    assert rows(book, "doubt_unknown_cadre", period=periods.parse_period("2026Q4", TODAY)).empty


# ---------------------------------------------------------------- untrue contacts, words, scope, command line


def test_contacts_a_callback_found_untrue_are_listed_and_marked(book):
    person = book.person()
    book.pair(person, CADRE, "甲局")
    for day in ("2026-06-01", "2026-08-01", "2026-10-01"):
        _contact(book, person, day)
    _callback(book, person, "2026-10-12", knows="是", truth="不属实")
    untrue = doubtful.untrue_contacts(book.con, masked=False)
    # the 90 days up to the callback: 07-14 … 10-12
    assert [d.isoformat() for d in untrue["contact_date"]] == ["2026-08-01", "2026-10-01"]
    assert set(untrue["cadre_name"]) == {"干部0001"}
    contacts = queries.drill_rows(book.con, "2026Q3", "overall", None, "contacts", today=TODAY)
    masked_untrue = doubtful.untrue_contacts(book.con)
    marked = doubtful.mark_untrue(contacts, masked_untrue)
    assert marked["callback_untrue"].tolist() == [labels.UNTRUE_MARK]  # the 08-01 contact of Q3
    assert "callback_untrue_contacts" in quality.CHECKS
    assert len(quality.run_check(book.con, "callback_untrue_contacts")) == 2


def test_each_untrue_contact_carries_the_pairing_of_its_own_day(book):
    # paired with 干部0001 until 09-01 (not that day), nobody until 09-10, then with 干部0002 of another department
    person = book.person()
    book.pair(person, CADRE, "甲局", "2025-01-01", "2026-09-01")
    book.pair(person, "13800000002", "乙局", "2026-09-10")
    days = ["2026-08-20", "2026-09-01", "2026-09-05", "2026-09-20"]
    for day in days:
        _contact(book, person, day)
    _callback(book, person, "2026-10-12", knows="是", truth="不属实")
    untrue = doubtful.untrue_contacts(book.con, masked=False).sort_values("contact_date")
    assert [d.isoformat() for d in untrue["contact_date"]] == days
    assert untrue["cadre_name"].fillna("").tolist() == ["干部0001", "", "", "干部0002"]
    assert untrue["department"].fillna("").tolist() == ["甲局", "", "", "乙局"]
    # a department sees the contacts of its own pairing only
    department = queries.Scope(department="乙局")
    scoped = quality.run_check(book.con, "callback_untrue_contacts", scope=department, masked=False)
    assert [d.isoformat() for d in scoped["contact_date"]] == ["2026-09-20"]


def test_rows_are_masked_by_default_and_scoped(book):
    person = book.person(exited="2026-08-31", county="乙县")
    book.pair(person, CADRE, "甲局")
    _contact(book, person, "2026-09-05")
    masked = doubtful.find(book.con, Q3)
    assert masking.mask_id(person) in masked.iloc[0]["records"] and person not in masked.iloc[0]["records"]
    assert masked.iloc[0]["cadre_phone"] == masking.mask_phone(CADRE)
    assert list(masked.columns) == list(doubtful.COLUMNS)
    assert doubtful.find(book.con, Q3, queries.Scope(county="甲县")).empty
    assert len(doubtful.find(book.con, Q3, queries.Scope(county="乙县"))) == 1
    assert doubtful.find(book.con, Q3, queries.Scope(department="乙局")).empty
    assert doubtful.by_cadre(masked)["doubts"].tolist() == [1]


def test_the_quality_command_prints_the_doubts(book, tmp_path):
    person = book.person(exited="2026-08-31")
    book.pair(person, CADRE, "甲局")
    _contact(book, person, "2026-09-05")
    book.con.close()
    base = [
        sys.executable,
        "-m",
        "pipeline",
        "quality",
        "--db",
        str(tmp_path / "doubts.duckdb"),
        "--today",
        TODAY.isoformat(),
    ]
    run = subprocess.run(
        [*base, "--check", "doubtful", "--period", "2026Q3", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    (row,) = json.loads(run.stdout)
    assert row["rule"] == "退出后仍有联系" and row["doubt_reason"].startswith("对象已于2026-08-31退出")
    assert row["cadre_phone"] == masking.mask_phone(CADRE)
    csv_run = subprocess.run([*base, "--check", "doubtful"], cwd=ROOT, capture_output=True, timeout=300)
    assert csv_run.returncode == 0 and csv_run.stdout.startswith(b"\xef\xbb\xbfrule,department")
    bad = subprocess.run([*base, "--check", "nonsense"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "检查项" in bad.stderr
    empty = subprocess.run(
        [*base, "--check", "doubtful", "--period", "2026Q2", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert empty.returncode == 0 and json.loads(empty.stdout) == []


def test_a_period_limits_the_rows(book):
    person = book.person(exited="2026-08-31")
    book.pair(person, CADRE, "甲局")
    _contact(book, person, "2026-10-05")
    assert rows(book, "doubt_after_exit").empty
    assert len(rows(book, "doubt_after_exit", period=None)) == 1
    assert len(rows(book, "doubt_after_exit", period=periods.parse_period("2026-10", dt.date(2026, 11, 28)))) == 1
