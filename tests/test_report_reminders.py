"""Reminder effectiveness (mart_reminder_*.sql): of what was overdue at the end of the previous period, what
was dealt with by the end of this one — on a hand-built ledger whose every count is worked out below."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline import periods, report, snapshots
from tests.conftest import EXAMPLE_TODAY
from tests.test_metrics_edges import Ledger

# Reported period 2026Q3: the reminders went out with the 督办 list of 2026-06-30 (30 days), and
# they are followed up to 2026-09-30.
#
# 甲局  p1 last contact 05-01 → overdue on 06-30; contacted 07-10            → followed
#       p2 never contacted, paired long ago → overdue                         → not contacted
#       p3 contacted 06-20 → not overdue on 06-30                             → not counted
#       p4 last contact 04-01 → overdue; next contact 10-05, after Q3         → not contacted (in Q3)
# 乙局  p5 last contact 05-15 → overdue; contacted 09-30, the last day        → followed
#       p6 paired 06-15, no contact: only 15 days on 06-30                    → not counted
#
# issues (overdue = raised more than 30 days before 06-30 and not closed by then)
#   i1 甲局 p3 raised 05-01, 已解决 08-01        → overdue, closed and resolved
#   i2 甲局 p1 raised 05-10, 无法解决 09-30      → overdue, closed (the last day), not resolved
#   i3 乙局 p5 raised 04-01, 办理中             → overdue, still open
#   i4 乙局 p5 raised 06-15                     → 15 days on 06-30: not overdue
#   i5 甲局 p1 raised 05-01, 已解决 06-20        → closed before 06-30: not overdue
#   i6 甲局 p2 raised 05-01, 已解决 10-10        → overdue, closed only after Q3
EXPECTED = {
    "甲局": {
        "overdue_contacts_before": 3,
        "contacted_after": 1,
        "overdue_issues_before": 3,
        "closed_after": 2,
        "resolved_after": 1,
    },
    "乙局": {
        "overdue_contacts_before": 1,
        "contacted_after": 1,
        "overdue_issues_before": 1,
        "closed_after": 0,
        "resolved_after": 0,
    },
}


@pytest.fixture
def reminded(tmp_path):
    book = Ledger(tmp_path / "reminders.duckdb")
    people = {}
    for name, department in (("p1", "甲局"), ("p2", "甲局"), ("p3", "甲局"), ("p4", "甲局"), ("p5", "乙局")):
        people[name] = book.person(county="甲县" if department == "甲局" else "乙县")
        book.pair(people[name], f"1380000500{len(people)}", department, "2025-01-01")
    people["p6"] = book.person(county="乙县")
    book.pair(people["p6"], "13800005009", "乙局", "2026-06-15")
    for name, day in (
        ("p1", "2026-05-01"),
        ("p1", "2026-07-10"),
        ("p3", "2026-06-20"),
        ("p4", "2026-04-01"),
        ("p4", "2026-10-05"),
        ("p5", "2026-05-15"),
        ("p5", "2026-09-30"),
    ):
        book.contact(people[name], day)
    book.issue(people["p3"], "2026-05-01", "已解决", "2026-08-01")
    book.issue(people["p1"], "2026-05-10", "无法解决", "2026-09-30")
    book.issue(people["p5"], "2026-04-01", "办理中")
    book.issue(people["p5"], "2026-06-15", "待办理")
    book.issue(people["p1"], "2026-05-01", "已解决", "2026-06-20")
    book.issue(people["p2"], "2026-05-01", "已解决", "2026-10-10")
    book.people = people
    yield book
    book.con.close()


def test_counts_per_department(reminded):
    frame = snapshots.reminder_effectiveness(reminded.con, "2026Q3", today=EXAMPLE_TODAY)
    found = {row["department"]: row for row in frame.to_dict("records")}
    assert set(found) == set(EXPECTED)
    for department, counts in EXPECTED.items():
        assert {k: found[department][k] for k in counts} == counts, department
    assert found["甲局"]["contact_follow_rate"] == pytest.approx(1 / 3)
    assert found["甲局"]["not_contacted_after"] == 2
    assert found["甲局"]["issue_close_rate"] == pytest.approx(2 / 3)
    assert found["乙局"]["still_open_after"] == 1 and found["乙局"]["issue_close_rate"] == 0
    assert frame["department"].tolist() == ["甲局", "乙局"]  # most overdue first


def test_the_rows_behind_the_counts(reminded):
    people = {v: k for k, v in reminded.people.items()}
    contacts = snapshots.reminder_rows(reminded.con, "2026Q3", "contacts", today=EXAMPLE_TODAY)
    columns = ["id_number", "is_contacted_after", "first_contact_on"]
    shown = {people[i]: (c, None if pd.isna(d) else d) for i, c, d in contacts[columns].itertuples(index=False)}
    assert shown == {
        "p1": (True, dt.datetime(2026, 7, 10)),
        "p2": (False, None),
        "p4": (False, None),
        "p5": (True, dt.datetime(2026, 9, 30)),
    }
    issues = snapshots.reminder_rows(reminded.con, "2026Q3", "issues", today=EXAMPLE_TODAY)
    assert sorted(issues["raised_on"].dt.strftime("%m-%d")) == ["04-01", "05-01", "05-01", "05-10"]
    assert int(issues["is_closed_after"].sum()) == 2 and int(issues["is_resolved_after"].sum()) == 1


def test_a_running_period_follows_the_whole_previous_one(reminded):
    running = periods.parse_period("2026Q4", EXAMPLE_TODAY)
    assert running.as_of == dt.date(2026, 11, 28)
    # the comparable stretch of Q3 ends on 08-28, but the reminders went out with the list of 09-30
    assert snapshots.reminder_period(running).as_of == dt.date(2026, 9, 30)
    contacts = snapshots.reminder_rows(reminded.con, "2026Q4", "contacts", today=EXAMPLE_TODAY)
    followed = dict(zip(contacts["id_number"], contacts["is_contacted_after"], strict=True))
    assert followed[reminded.people["p4"]]  # overdue on 09-30, contacted 10-05
    assert not followed[reminded.people["p2"]]
    assert reminded.people["p5"] not in followed  # contacted on 09-30: not overdue then


def test_the_report_shows_reminder_effectiveness(reminded):
    data = report.build_report(reminded.con, "2026Q3", today=EXAMPLE_TODAY)
    assert (
        "上季度末超期未联系的4名对象，截至期末已联系2人（50.0%）；超期未办结的4个问题，截至期末已办结2个（50.0%）。"
        in data.sentences
    )
    book = load_workbook(io.BytesIO(report.report_workbook(data)))
    sheet = book["超期督办"]
    headers = [c.value for c in sheet[3]]
    rows = {
        r[0]: dict(zip(headers, r, strict=True))
        for r in sheet.iter_rows(min_row=4, values_only=True)
        if r[1] is not None
    }
    assert rows["甲局"]["上期末超期未联系（人）"] == 3 and rows["甲局"]["其中已联系"] == 1
    assert rows["甲局"]["联系跟进率"] == pytest.approx(1 / 3)
    assert rows["甲局"]["上期末超期未办结（个）"] == 3 and rows["甲局"]["其中已办结"] == 2
    assert rows["合计"]["上期末超期未联系（人）"] == 4 and rows["合计"]["联系跟进率"] == pytest.approx(0.5)
    assert rows["合计"]["督办办结率"] == pytest.approx(0.5)
