"""SPEC §5, the current pairing run: a change of cadre never restarts the clock of 联系达标 or 超期未联系.

A roster and a contact log written as an office writes them (re-pairings as "old row with 解除日期 + new
row") are imported through the real import; every expected figure below is worked out by hand.

The six people, with 2026Q3 (as_of 2026-09-30) in mind:

| person | pairings (结对日期 → 解除日期, 单位)                                  | contacts          | run began  |
|--------|-------------------------------------------------------------------|-------------------|------------|
| 甲     | X 2025-11-01 → 2026-09-20 (甲局); Y 2026-09-20 → (乙局)             | none              | 2025-11-01 |
| 乙     | X 2026-03-01 → 2026-09-01 (甲局); Y 2026-09-01 → (乙局)             | 09-10             | 2026-03-01 |
| 丙     | X 2025-06-01 → 2026-02-01; Y 2026-02-01 → 2026-08-10; Z 2026-08-10 → | 07-05 (by Y)      | 2025-06-01 |
| 丁     | X 2025-06-01 → 2026-08-31; Y 2026-09-01 → (a day unpaired: 08-31)    | 09-15             | 2026-09-01 |
| 戊     | X 2025-01-01 → 2025-12-01; Y 2026-01-10 → 2026-07-15; Z 2026-07-15 → | none              | 2026-01-10 |
| 己     | X 2025-06-01 → 2026-09-19; Y 2026-09-20 → (a day unpaired: 09-19)    | none              | 2026-09-20 |

Q3: required months Jul–Sep for 甲乙丙戊 (their runs began before July), Sep for 丁 and 己.
- 联系达标: 丁 only (September contacted). 乙 has September alone: under the old rule (from the new 结对日期)
  he would pass; his run began in March, so July and August are required too. 应达标 6, 达标 1.
- 超期未联系: 甲 (never contacted, run began 2025-11-01: 333 days, 303 past 30), 丙 (last contact 07-05: 87
  days, 57 past), 戊 (never, run began 2026-01-10: 263 days, 233 past). Not 己 (10 days) nor 丁 (15 days).
"""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from bench import peer
from pipeline import db, idnumber, periods, queries, reminders, settings
from pipeline.ingest.load import import_file
from pipeline.queries import Scope

TODAY = dt.date(2026, 12, 6)
X, Y, Z = "13800000001", "13900000002", "13700000003"
NAMES = {X: "许前任", Y: "杨接任", Z: "赵第三"}
PEOPLE = ("甲", "乙", "丙", "丁", "戊", "己")
ID = {name: idnumber.make("620102", dt.date(2012, 1, 1), n) for n, name in enumerate(PEOPLE, 1)}

# (person, cadre phone, department, 结对日期, 解除日期)
PAIRINGS = [
    ("甲", X, "甲局", "2025-11-01", "2026-09-20"),
    ("甲", Y, "乙局", "2026-09-20", ""),
    ("乙", X, "甲局", "2026-03-01", "2026-09-01"),
    ("乙", Y, "乙局", "2026-09-01", ""),
    ("丙", X, "甲局", "2025-06-01", "2026-02-01"),
    ("丙", Y, "乙局", "2026-02-01", "2026-08-10"),
    ("丙", Z, "丙局", "2026-08-10", ""),
    ("丁", X, "甲局", "2025-06-01", "2026-08-31"),
    ("丁", Y, "乙局", "2026-09-01", ""),
    ("戊", X, "甲局", "2025-01-01", "2025-12-01"),
    ("戊", Y, "乙局", "2026-01-10", "2026-07-15"),
    ("戊", Z, "丙局", "2026-07-15", ""),
    ("己", X, "甲局", "2025-06-01", "2026-09-19"),
    ("己", Y, "乙局", "2026-09-20", ""),
]
# (person, date, cadre phone)
CONTACTS = [
    ("乙", "2026-09-10", Y),
    ("丙", "2026-07-05", Y),
    ("丁", "2026-09-15", Y),
    # the running quarter: 乙 in October and November, 丁 in October only, 甲 in December (not yet required)
    ("乙", "2026-10-15", Y),
    ("乙", "2026-11-20", Y),
    ("丁", "2026-10-03", Y),
    ("甲", "2026-12-02", Y),
]


def _write_csv(path, header, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    roster, visits = folder / "结对台账.csv", folder / "走访记录.csv"
    header = [
        "身份证号",
        "姓名",
        "对象类别",
        "县区",
        "乡镇",
        "结对干部",
        "干部电话",
        "干部单位",
        "结对日期",
        "解除日期",
    ]
    # the re-pairings written new row first, old row after: the import takes them in any order
    rows = [
        [ID[person], f"对象{person}", "孤儿", "甲县", "甲镇", NAMES[phone], phone, unit, start, end]
        for person, phone, unit, start, end in reversed(PAIRINGS)
    ]
    _write_csv(roster, header, rows)
    _write_csv(
        visits,
        ["身份证号", "走访日期", "联系方式", "干部电话"],
        [[ID[person], day, "电话", phone] for person, day, phone in CONTACTS],
    )
    path = folder / "run.duckdb"
    connection = db.connect(path)
    for file in (roster, visits):
        report = import_file(connection, file, today=TODAY)
        assert report.rejected == 0, report.summary()
    yield connection
    connection.close()


def _row(con, period: str, scope: Scope = queries.ALL) -> dict:
    frame = queries.metrics(con, period, "overall", scope, today=TODAY)
    return {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in frame.iloc[0].items()}


def _pairs(con, period: str) -> pd.DataFrame:
    rows = queries.drill_rows(con, period, "overall", "全市", "paired", today=TODAY, masked=False)
    return rows.set_index("id_number")


def test_quarter_figures_run_from_the_start_of_the_pairing_run(con):
    row = _row(con, "2026Q3")
    assert (row["paired"], row["standard_due"], row["on_standard"], row["overdue_contact"]) == (6, 6, 1, 3)
    assert row["on_standard_rate"] == pytest.approx(1 / 6)


def test_each_person_has_the_start_of_his_run(con):
    rows = _pairs(con, "2026Q3")
    started = {person: rows.loc[ID[person], "run_started_on"] for person in PEOPLE}
    assert {p: pd.Timestamp(d).date().isoformat() for p, d in started.items()} == {
        "甲": "2025-11-01",  # two pairings, no gap
        "乙": "2026-03-01",  # two pairings, no gap
        "丙": "2025-06-01",  # three pairings, no gap
        "丁": "2026-09-01",  # two pairings, a day unpaired between them
        "戊": "2026-01-10",  # three pairings, a gap before the second
        "己": "2026-09-20",  # two pairings, a day unpaired between them
    }
    months = {person: int(rows.loc[ID[person], "months_required"]) for person in PEOPLE}
    assert months == {"甲": 3, "乙": 3, "丙": 3, "丁": 1, "戊": 3, "己": 1}
    on_standard = {person for person in PEOPLE if rows.loc[ID[person], "is_on_standard"]}
    assert on_standard == {"丁"}
    overdue = {person for person in PEOPLE if rows.loc[ID[person], "is_overdue_contact"]}
    assert overdue == {"甲", "丙", "戊"}


def test_the_overdue_list_names_the_current_cadre_and_counts_from_the_run(con):
    listed = queries.overdue(con, "2026Q3", "contacts", today=TODAY, masked=False).set_index("id_number")
    assert set(listed.index) == {ID["甲"], ID["丙"], ID["戊"]}
    expected = {  # person: (cadre now, his 结对日期, run began, last contact, days since, days overdue)
        "甲": (Y, "2026-09-20", "2025-11-01", None, 333, 303),
        "丙": (Z, "2026-08-10", "2025-06-01", "2026-07-05", 87, 57),
        "戊": (Z, "2026-07-15", "2026-01-10", None, 263, 233),
    }
    for person, (phone, paired_on, run_started_on, last, since, overdue) in expected.items():
        row = listed.loc[ID[person]]
        last_seen = None if pd.isna(row["last_contact_on"]) else pd.Timestamp(row["last_contact_on"]).date().isoformat()
        assert (
            row["cadre_phone"],
            pd.Timestamp(row["paired_on"]).date().isoformat(),
            pd.Timestamp(row["run_started_on"]).date().isoformat(),
            last_seen,
            int(row["days_since_contact"]),
            int(row["days_overdue"]),
        ) == (phone, paired_on, run_started_on, last, since, overdue)


def test_the_reminder_goes_to_the_new_cadre_and_says_when_he_took_over(con):
    target = periods.parse_period("2026Q3", TODAY)
    contacts = queries.overdue(con, target, "contacts", today=TODAY, masked=False)
    issues = queries.overdue(con, target, "issues", today=TODAY, masked=False)
    found = reminders.build(contacts, issues, 30, TODAY, target.as_of)
    texts = dict(zip(found.cadres["cadre_name"], found.cadres["reminder_text"], strict=True))
    assert set(texts) == {NAMES[Y], NAMES[Z]}  # nothing goes to the cadre who handed over
    assert "自2025-11-01结对以来尚无联系记录" in texts[NAMES[Y]]
    assert "您于2026-09-20接手结对" in texts[NAMES[Y]]
    # 丙: contacted by the cadre before, on 07-05; 戊: never contacted since his run began on 01-10
    assert "最近联系：2026-07-05，由前任结对干部联系，已超期57天；您于2026-08-10接手结对" in texts[NAMES[Z]]
    assert "自2026-01-10结对以来尚无联系记录，已超期233天；您于2026-07-15接手结对" in texts[NAMES[Z]]


def test_a_department_scope_still_sees_the_run_begun_under_another_department(con):
    # 甲 and 乙 were with 甲局 before 乙局 took them over: 乙局's own figures still run from the old day
    row = _row(con, "2026Q3", Scope(department="乙局"))
    # 乙局 has 甲 乙 丁 己 now: 应达标 all four, 达标 丁, overdue 甲
    assert (row["paired"], row["standard_due"], row["on_standard"], row["overdue_contact"]) == (4, 4, 1, 1)


def test_a_running_quarter_requires_only_the_months_that_have_ended(con):
    # on 12-06 the running quarter requires October and November: 乙 has both; 丁 only October; 甲's
    # December contact does not make up for them (and December is not required yet)
    row = _row(con, "2026Q4")
    assert (row["standard_due"], row["on_standard"]) == (6, 1)
    assert row["on_standard_rate"] == pytest.approx(1 / 6)
    whole = _row(con, "2026-10")  # a finished month: October required of everyone
    assert (whole["standard_due"], whole["on_standard"]) == (6, 2)  # 乙 and 丁


def test_a_running_month_has_nobody_due_and_an_empty_rate(con):
    row = _row(con, "2026-12")
    assert (row["paired"], row["contacted"], row["standard_due"], row["on_standard"]) == (6, 1, 0, 0)
    assert row["on_standard_rate"] is None
    # a range inside one finished month whose last day is not the month's end: that month has not ended by as_of
    inside = _row(con, "2026-11-01..2026-11-20")
    assert (inside["standard_due"], inside["on_standard_rate"]) == (0, None)


def test_the_pandas_peer_agrees_on_every_figure(con):
    tables = peer.load_tables(con)
    for text in ("2026Q3", "2026Q4", "2026-12", "2026-10"):
        period = periods.parse_period(text, TODAY)
        ours = {by: queries.metrics(con, period, by, today=TODAY) for by in queries.GROUPINGS}
        assert peer.differences(ours, peer.compute(tables, period, queries.GROUPINGS, settings.DEFAULT_SETTINGS)) == []
