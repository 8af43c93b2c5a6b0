"""Snapshots (封存): a period's figures frozen with who, when and the data version, unchanged by later imports,
and compared with the live figures row by row."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeline import db, periods, queries, report, snapshots
from pipeline.ingest.load import import_file
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY

AT = dt.datetime(2026, 10, 9, 9, 30)


@pytest.fixture
def example(tmp_path, example_dir):
    con = db.connect(tmp_path / "snap.duckdb")
    for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
        assert import_file(con, example_dir / name, today=EXAMPLE_TODAY).rejected == 0
    yield con
    con.close()


def _uncontacted(con) -> dict:
    """A paired beneficiary without any contact in 2026Q3 (the later import adds one)."""
    rows = queries.drill_rows(con, "2026Q3", "overall", None, "contact_rate", today=EXAMPLE_TODAY, masked=False)
    return rows[~rows["is_contacted"].astype(bool)].iloc[0].to_dict()


def _late_contact(tmp_path, con, person: dict):
    """A later 走访记录 with a contact in August for that person: it changes the past of 2026Q3."""
    path = tmp_path / "补录走访记录.csv"
    path.write_text(f"身份证号,走访日期,联系方式\n{person['id_number']},2026-08-15,电话\n", encoding="utf-8-sig")
    assert import_file(con, path, today=EXAMPLE_TODAY).inserted == 1


def test_snapshot_freezes_every_grouping_with_who_when_and_version(example):
    snapshot_id = snapshots.create_snapshot(example, "2026Q3", "张三", "三季度调度会", EXAMPLE_TODAY, at=AT)
    listed = snapshots.list_snapshots(example)
    assert listed[["snapshot_id", "period", "period_label", "scope", "created_by", "note", "data_batch_id"]].to_dict(
        "records"
    ) == [
        {
            "snapshot_id": snapshot_id,
            "period": "2026Q3",
            "period_label": "2026年第三季度",
            "scope": "全市",
            "created_by": "张三",
            "note": "三季度调度会",
            "data_batch_id": 3,  # three files imported: the data version
        }
    ]
    assert listed["created_at"].iloc[0] == pd.Timestamp(AT)
    for by in queries.GROUPINGS:
        frozen = snapshots.snapshot_metrics(example, snapshot_id, by)
        live = queries.metrics(example, "2026Q3", by, today=EXAMPLE_TODAY)
        pd.testing.assert_frame_equal(frozen, live, check_dtype=True)
    # expected_2026Q3_overall.csv
    overall = snapshots.snapshot_metrics(example, snapshot_id, "overall").iloc[0]
    assert (overall["contacted"], round(overall["contact_rate"], 4), overall["overdue_contact"]) == (43, 0.7414, 29)


def test_snapshot_stays_fixed_after_a_later_import_and_compare_shows_the_changed_rows(example, tmp_path):
    snapshot_id = snapshots.create_snapshot(example, "2026Q3", "张三", "", EXAMPLE_TODAY)
    before = {by: snapshots.snapshot_metrics(example, snapshot_id, by) for by in queries.GROUPINGS}
    assert snapshots.compare_snapshot(example, snapshot_id, "county", EXAMPLE_TODAY).empty
    person = _uncontacted(example)
    _late_contact(tmp_path, example, person)

    live = queries.metrics(example, "2026Q3", "overall", today=EXAMPLE_TODAY).iloc[0]
    assert live["contacted"] == 44  # the past changed
    for by in queries.GROUPINGS:
        pd.testing.assert_frame_equal(snapshots.snapshot_metrics(example, snapshot_id, by), before[by])
    assert snapshots.get_snapshot(example, snapshot_id).data_batch_id == 3
    assert snapshots.last_batch_id(example) == 4

    by_county = snapshots.compare_snapshot(example, snapshot_id, "county", EXAMPLE_TODAY)
    assert by_county["county"].tolist() == [person["county"]]  # exactly the county of that person
    changed = by_county.iloc[0]
    assert changed["comparison"] == "changed"
    assert "contacted" in changed["changed_metrics"].split(",") and "beneficiaries" not in changed["changed_metrics"]
    assert (changed["contacted_frozen"], changed["contacted_live"], changed["contacted_diff"]) == (
        changed["contacted_frozen"],
        changed["contacted_frozen"] + 1,
        1,
    )
    everything = snapshots.compare_snapshot(example, snapshot_id, "county", EXAMPLE_TODAY, changed_only=False)
    assert len(everything) == len(before["county"])
    assert (everything["comparison"] == "same").sum() == len(before["county"]) - 1
    by_department = snapshots.compare_snapshot(example, snapshot_id, "department", EXAMPLE_TODAY)
    assert by_department["department"].tolist() == [person["department"]]
    overall = snapshots.compare_snapshot(example, snapshot_id, "overall", EXAMPLE_TODAY).iloc[0]
    assert (overall["contacted_frozen"], overall["contacted_live"]) == (43, 44)


def test_a_report_from_the_snapshot_keeps_the_meeting_numbers(example, tmp_path):
    snapshot_id = snapshots.create_snapshot(example, "2026Q3", "张三", "", EXAMPLE_TODAY)
    _late_contact(tmp_path, example, _uncontacted(example))
    live = report.build_report(example, "2026Q3", today=EXAMPLE_TODAY)
    frozen = report.build_report(example, None, snapshot_id=snapshot_id)
    live_rate = live.summary.set_index("metric").at["contact_rate", "current"]
    frozen_rate = frozen.summary.set_index("metric").at["contact_rate", "current"]
    assert round(frozen_rate, 4) == 0.7414 and live_rate > frozen_rate
    assert "全市联系覆盖率74.1%" in frozen.sentences[1 + report.HEADLINE_RATES.index("contact_rate")]
    assert "第1号封存（张三" in frozen.subtitle and "数据版本：第3批导入" in frozen.subtitle
    assert len(frozen.overdue_contacts) == 29 and frozen.overdue_contacts["id_number"].str.contains(r"\*").all()
    assert frozen.departments["department"].tolist() == live.departments["department"].tolist()
    pd.testing.assert_frame_equal(frozen.issues, report.build_report(example, "2026Q3", today=EXAMPLE_TODAY).issues)
    assert report.build_report(example, "2026Q3", snapshot_id=snapshot_id).period.text == "2026Q3"
    with pytest.raises(ValueError, match="2026Q3"):
        report.build_report(example, "2026Q2", snapshot_id=snapshot_id)
    with pytest.raises(snapshots.SnapshotNotFound):
        report.build_report(example, None, scope=Scope.for_county("东川县"), snapshot_id=snapshot_id)


def test_frozen_figures_round_trip_exactly(example):
    live = snapshots.gather_figures(example, "2026Q3", today=EXAMPLE_TODAY, groupings=queries.GROUPINGS)
    snapshot_id = snapshots.create_snapshot(example, "2026Q3", "张三", "", EXAMPLE_TODAY)
    frozen = snapshots.load_figures(example, snapshot_id)
    for by in queries.GROUPINGS:
        pd.testing.assert_frame_equal(frozen.current[by], live.current[by])
    for by in snapshots.PREVIOUS_GROUPINGS:
        pd.testing.assert_frame_equal(frozen.before[by], live.before[by])
    pd.testing.assert_frame_equal(frozen.trend, live.trend)
    pd.testing.assert_frame_equal(frozen.issue_summary, live.issue_summary)
    pd.testing.assert_frame_equal(frozen.reminders, live.reminders)
    for name in ("overdue_contacts", "overdue_issues"):
        pd.testing.assert_frame_equal(getattr(frozen, name), getattr(live, name), check_dtype=False)
    assert frozen.period == live.period and frozen.previous == live.previous and frozen.config == live.config


def test_scopes_and_errors(example):
    county = snapshots.create_snapshot(example, "2026Q3", "李四", "", EXAMPLE_TODAY, scope=Scope.for_county("东川县"))
    city = snapshots.create_snapshot(example, "2026-10", "张三", "", EXAMPLE_TODAY)
    assert snapshots.list_snapshots(example)["snapshot_id"].tolist() == [city, county]  # newest first
    assert snapshots.list_snapshots(example, Scope.all())["snapshot_id"].tolist() == [city]
    assert snapshots.list_snapshots(example, Scope.for_county("东川县"))["scope"].tolist() == ["东川县"]
    # expected_2026Q3_county.csv, 东川县: contact_rate 0.55
    frozen = snapshots.snapshot_metrics(example, county, "overall").iloc[0]
    assert (frozen["overall"], frozen["contact_rate"]) == ("东川县", 0.55)
    with pytest.raises(snapshots.SnapshotNotFound):
        snapshots.snapshot_metrics(example, 99, "overall")
    with pytest.raises(ValueError):
        snapshots.snapshot_metrics(example, city, "street")
    with pytest.raises(ValueError):
        snapshots.create_snapshot(example, "2026Q3", "  ", "", EXAMPLE_TODAY)


def test_a_running_period_is_compared_over_its_own_days(example, tmp_path):
    # frozen on 10-20 for 2026Q4 (up to 10-20); a contact dated 11-05 is later, not a change of the past
    snapshot_id = snapshots.create_snapshot(example, "2026Q4", "张三", "", dt.date(2026, 10, 20))
    assert snapshots.get_snapshot(example, snapshot_id).period.as_of == dt.date(2026, 10, 20)
    person = _uncontacted(example)
    path = tmp_path / "十一月走访.csv"
    path.write_text(f"身份证号,走访日期,联系方式\n{person['id_number']},2026-11-05,电话\n", encoding="utf-8-sig")
    assert import_file(example, path, today=EXAMPLE_TODAY).inserted == 1
    assert snapshots.compare_snapshot(example, snapshot_id, "overall", EXAMPLE_TODAY).empty


def test_a_database_without_snapshot_tables_lists_none(tmp_path):
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    con.execute("drop table report_snapshot")  # as written before snapshots existed
    con.close()
    old = db.connect(path, read_only=True)  # read-only: the schema is not brought up to date
    try:
        assert snapshots.list_snapshots(old).empty
        with pytest.raises(snapshots.SnapshotNotFound):
            snapshots.get_snapshot(old, 1)
    finally:
        old.close()


def test_the_headline_reads_no_lists_and_takes_what_it_is_given(example):
    reminders = snapshots.reminder_effectiveness(example, "2026Q3", today=EXAMPLE_TODAY)
    given = reminders.head(1)
    top = snapshots.gather_figures(
        example,
        "2026Q3",
        today=EXAMPLE_TODAY,
        groupings=report.HEADLINE_GROUPINGS,
        lists=False,
        known={"reminders": given},
    )
    assert top.trend is None and top.overdue_contacts is None and top.overdue_issues is None
    assert top.issue_summary is None
    assert top.reminders is given and len(reminders) > 1
    assert set(top.current) == set(top.before) == {"overall", "department"}
    whole = snapshots.gather_figures(example, "2026Q3", today=EXAMPLE_TODAY)
    for by in ("overall", "department"):
        pd.testing.assert_frame_equal(top.current[by], whole.current[by])
        pd.testing.assert_frame_equal(top.before[by], whole.before[by])


@pytest.mark.parametrize("scope", [queries.ALL, Scope.for_county("东川县"), Scope(department="市民政局")])
def test_a_period_and_the_one_before_read_together_as_apart(example, scope):
    period = periods.parse_period("2026Q3", EXAMPLE_TODAY)
    previous = periods.previous_period(period)
    bys = ("overall", "county", "department")
    together = queries.metrics_of_periods(example, [period, previous], bys, scope)
    for found, one in zip(together, (period, previous), strict=True):
        apart = queries.metrics_many(example, one, bys, scope)
        for by in bys:
            pd.testing.assert_frame_equal(found[by], apart[by])
