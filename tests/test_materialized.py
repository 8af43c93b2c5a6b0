"""Stored metrics: the same figures as computing them, read only while data, settings and SQL still match."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from pipeline import catalog, db, materialized, periods, queries, settings
from pipeline.ingest.load import import_file
from tests.conftest import EXAMPLE_DIR, EXAMPLE_TODAY, ROOT, build_example_database, tamper_stored_beneficiaries

TODAY = EXAMPLE_TODAY  # 2026-11-28: 2026-11, 2026Q4 and 2026 are running, 2026-10 and 2026Q3 have ended
TAMPERED = 987_654  # a count no real group has: seeing it proves the figure came from the store

# the standard periods of the pinned day: 12 of month, quarter and year, and 9 more months of the trend
STANDARD = len(materialized.standard_periods(EXAMPLE_TODAY))


@pytest.fixture
def stored_db(tmp_path):
    """The example ledgers imported, then the common periods stored, as the CLI and the app do."""
    path = build_example_database(tmp_path / "stored.duckdb")
    with db.session(path) as con:
        materialized.refresh(con, TODAY)
    return path


def _tamper(con, period: periods.Period, grouping: str = "overall") -> None:
    """Overwrite a stored count, so that a read from the store can be told from a computation."""
    assert tamper_stored_beneficiaries(con, period, TAMPERED, grouping) >= 1


def _overall(con, text: str, **options) -> int:
    return int(queries.metrics(con, text, "overall", today=TODAY, **options)["beneficiaries"].iloc[0])


def test_the_standard_periods_are_the_current_last_whole_and_compared_ones():
    found = {(p.text, p.as_of.isoformat()) for p in materialized.standard_periods(TODAY)}
    assert (
        found
        == {
            ("2026-11", "2026-11-28"),  # this month, cut at today
            ("2026-10", "2026-10-28"),  # the stretch it is compared with
            ("2026-10", "2026-10-31"),  # the last whole month
            ("2026-09", "2026-09-30"),  # what a report on that month compares with
            ("2026Q4", "2026-11-28"),
            ("2026Q3", "2026-08-28"),
            ("2026Q3", "2026-09-30"),
            ("2026Q2", "2026-06-30"),
            ("2026", "2026-11-28"),
            ("2025", "2025-11-28"),
            ("2025", "2025-12-31"),
            ("2024", "2024-12-31"),
            # the overview's trend: every month from 2025-12 to this one (2026-09 to 2026-11 are above)
            *((f"{month[:7]}", month) for month in ("2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31")),
            *((f"{month[:7]}", month) for month in ("2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31")),
            ("2026-08", "2026-08-31"),
        }
    )


def test_on_the_last_day_of_a_quarter_the_current_quarter_is_whole():
    found = {(p.text, p.as_of.isoformat()) for p in materialized.standard_periods(dt.date(2026, 9, 30))}
    quarters = {item for item in found if "Q" in item[0]}
    assert quarters == {("2026Q3", "2026-09-30"), ("2026Q2", "2026-06-30")}


def test_refresh_stores_every_standard_period_once_and_a_second_refresh_computes_nothing(stored_db):
    with db.session(stored_db) as con:
        stored = materialized.stored_periods(con)
        assert stored == {(p.start, p.as_of, p.months) for p in materialized.standard_periods(TODAY)}
        entries = con.execute("select count(*), sum(row_count) from stored_metric_period").fetchall()[0]
        assert entries[0] == STANDARD == 21
        assert entries[1] == con.execute("select count(*) from stored_metric_group").fetchall()[0][0]
        # each group's values in one list, in the order of the catalog's computed columns named in its entry
        names = con.execute("select distinct metric_names from stored_metric_period").fetchall()
        assert names == [(list(catalog.COMPUTED_COLUMNS),)]
        lengths = con.execute("select distinct len(metric_values) from stored_metric_group").fetchall()
        assert lengths == [(len(catalog.COMPUTED_COLUMNS),)]
        again = materialized.refresh(con, TODAY)
    assert again.computed == [] and len(again.kept) == STANDARD and again.rows == 0


@pytest.mark.parametrize("text", ["2026-11", "2026-10", "2026Q4", "2026Q3", "2026", "2025"])
def test_stored_figures_are_the_computed_figures_for_every_grouping(stored_db, text):
    with db.session(stored_db, read_only=True) as con:
        stored = queries.metrics_many(con, text, today=TODAY)
        computed = queries.metrics_many(con, text, today=TODAY, stored=False)
    assert list(stored) == list(queries.GROUPINGS)
    for by in queries.GROUPINGS:
        pd.testing.assert_frame_equal(stored[by], computed[by], check_exact=True)


def test_groups_are_stored_in_the_order_they_are_read_and_read_in_it_when_stored_otherwise(stored_db):
    with db.session(stored_db) as con:
        # a refresh writes each period's groups in the mart's row order, which a read keeps without sorting
        for start, as_of in con.execute("select start_on, as_of from stored_metric_period").fetchall():
            numbers = [
                row[0]
                for row in con.execute(
                    "select row_no from stored_metric_group where start_on = ? and as_of = ?", [start, as_of]
                ).fetchall()
            ]
            assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers) > 1
        # groups stored in another order (as an earlier release wrote them) still come in the mart's order
        con.execute("create temporary table reversed as select * from stored_metric_group")
        con.execute("delete from stored_metric_group")
        con.execute("insert into stored_metric_group select * from reversed order by start_on, as_of, row_no desc")
    with db.session(stored_db, read_only=True) as con:
        for text in ("2026Q3", "2026-11"):
            first = con.execute(
                "select row_no from stored_metric_group where start_on = ? limit 1", [periods.parse_period(text).start]
            ).fetchall()[0][0]
            assert first > 1  # stored backwards indeed
            stored = queries.metrics_many(con, text, today=TODAY)
            computed = queries.metrics_many(con, text, today=TODAY, stored=False)
            for by in queries.GROUPINGS:
                pd.testing.assert_frame_equal(stored[by], computed[by], check_exact=True)
            # and so do the groups of some groupings, or of one county, read from them
            county = queries.Scope.for_county("东川县")
            for by in ("township", "county"):
                pd.testing.assert_frame_equal(
                    queries.metrics(con, text, by, county, today=TODAY),
                    queries.metrics(con, text, by, county, today=TODAY, stored=False),
                    check_exact=True,
                )


def test_comparison_and_trend_read_the_stored_periods_and_compute_the_rest(stored_db, tmp_path):
    plain = tmp_path / "plain.duckdb"
    plain.write_bytes(stored_db.read_bytes())
    with db.session(plain) as con:  # the same ledgers with nothing stored
        con.execute("delete from stored_metric_period")
        con.execute("delete from stored_metric_group")
    with db.session(stored_db, read_only=True) as con, db.session(plain, read_only=True) as bare:
        for by in ("overall", "county", "cadre"):
            pd.testing.assert_frame_equal(
                queries.compare_previous(con, "2026Q4", by, today=TODAY),
                queries.compare_previous(bare, "2026Q4", by, today=TODAY),
                check_exact=True,
            )
        # 18 months: the overview's twelve (2025-12 to 2026-11, cut at today) are stored, the six before computed
        pd.testing.assert_frame_equal(
            queries.trend(con, "2025-06", "2026-11", "department", today=TODAY),
            queries.trend(bare, "2025-06", "2026-11", "department", today=TODAY),
            check_exact=True,
        )


def test_the_store_is_what_is_read_for_the_city(stored_db):
    q3 = periods.parse_period("2026Q3", TODAY)
    with db.session(stored_db) as con:
        true_count = _overall(con, "2026Q3")
        _tamper(con, q3)
        assert _overall(con, "2026Q3") == TAMPERED
        assert _overall(con, "2026Q3", stored=False) == true_count
        # a county's overall row is never the city's overall row (tests/test_stored_scopes.py: its county row)
        county = queries.metrics(con, "2026Q3", "overall", queries.Scope.for_county("东川县"), today=TODAY)
        assert int(county["beneficiaries"].iloc[0]) != TAMPERED
        # a custom range over the same days is not the quarter: its 月均 divisor differs
        ranged = queries.metrics(con, "2026-07-01..2026-09-30", "overall", today=TODAY)
        assert int(ranged["beneficiaries"].iloc[0]) == true_count


def test_an_import_makes_the_periods_it_reaches_stale_and_the_next_refresh_computes_them(stored_db, tmp_path):
    q3 = periods.parse_period("2026Q3", TODAY)
    visit = tmp_path / "补录走访.csv"
    source = pd.read_csv(EXAMPLE_DIR / "走访记录.csv", dtype=str, keep_default_na=False)
    extra = source.iloc[[0]].copy()
    extra.iloc[0, list(extra.columns).index("走访日期")] = "2026-09-15"
    extra.to_csv(visit, index=False)
    with db.session(stored_db) as con:
        _tamper(con, q3)
        before = queries.data_key(con)
        report = import_file(con, visit, today=TODAY)
        assert report.inserted == 1, report.summary()
        assert queries.data_key(con) > before
        # the stored rows of the periods that reach 2026-09-15 belong to the older data: computed again,
        # never read; the periods that end before that day keep theirs (tests/test_refresh_reach.py)
        assert _overall(con, "2026Q3") != TAMPERED
        ending_before = {(p.start, p.as_of, p.months) for p in materialized.standard_periods(TODAY)}
        ending_before = {key for key in ending_before if key[1] < dt.date(2026, 9, 15)}
        assert len(ending_before) == 5 + 9  # and the trend's months 2025-12 to 2026-08
        assert materialized.stored_periods(con) == ending_before
        done = materialized.refresh(con, TODAY)
        assert len(done.computed) == 7 and len(done.kept) == 14
        keys = con.execute("select as_of, data_key from stored_metric_period").fetchall()
        assert {as_of for as_of, key in keys if key == queries.data_key(con)} == {
            p.as_of for p in done.computed_periods
        }
        stored = queries.metrics_many(con, q3, today=TODAY)["department"]
        pd.testing.assert_frame_equal(
            stored, queries.metrics_many(con, q3, today=TODAY, stored=False)["department"], check_exact=True
        )


def test_a_settings_change_makes_the_stored_figures_stale(stored_db):
    q3 = periods.parse_period("2026Q3", TODAY)
    with db.session(stored_db) as con:
        _tamper(con, q3)
        old_key = queries.figures_key(settings.read_settings(con))
        settings.write_settings(con, {"overdue_days": 20}, "测试")
        config = settings.read_settings(con)
        assert queries.figures_key(config) != old_key
        assert _overall(con, "2026Q3") != TAMPERED
        materialized.refresh(con, TODAY)
        stored = queries.metrics_many(con, q3, today=TODAY)
        computed = queries.metrics_many(con, q3, today=TODAY, stored=False)
        pd.testing.assert_frame_equal(stored["cadre"], computed["cadre"], check_exact=True)
        # the shorter threshold changes 超期未联系, and the stored figures follow it
        assert config.overdue_days == 20
        default = queries.metrics(con, q3, "overall", config=settings.DEFAULT_SETTINGS, stored=False)
        assert int(stored["overall"]["overdue_contact"].iloc[0]) >= int(default["overdue_contact"].iloc[0])


def test_a_refresh_that_cannot_write_is_a_message_and_the_figures_are_computed(stored_db, tmp_path):
    fresh = build_example_database(tmp_path / "fresh.duckdb")
    with db.session(fresh, read_only=True) as con:
        done, message = materialized.refresh_after_change(con, TODAY)
        assert done is None
        assert message.startswith("预先计算看板指标未完成")
        assert "页面打开时将现场计算" in message
        assert materialized.stored_periods(con) == set()
        assert _overall(con, "2026Q3") == 62


def test_a_database_without_the_stored_tables_is_computed(tmp_path):
    path = build_example_database(tmp_path / "old.duckdb")
    with db.session(path) as con:  # as a database made before the store existed
        con.execute("drop table stored_metric_group")
        con.execute("drop table stored_metric_period")
    con = duckdb.connect(str(path), read_only=True)  # read-only: the schema is not brought up to date
    try:
        assert _overall(con, "2026Q3") == 62
    finally:
        con.close()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_cli_import_stores_the_figures_and_refresh_reports_what_it_did(tmp_path):
    path = tmp_path / "cli.duckdb"
    files = [str(EXAMPLE_DIR / name) for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv")]
    result = _cli("import", "--db", str(path), "--today", TODAY.isoformat(), *files)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 3  # stdout stays one JSON line per file
    assert "已预先计算全市21个常用时期的指标（本次计算21个" in result.stderr
    assert result.stderr.count("已预先计算") == 1  # three files, one refresh after the last
    with db.session(path, read_only=True) as con:
        assert len(materialized.stored_periods(con)) == STANDARD
    again = _cli("refresh", "--db", str(path), "--today", TODAY.isoformat())
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["computed"] == [] and len(summary["kept"]) == STANDARD
    # a day later the running periods are cut at the new day: those are computed, the whole ones kept
    later = _cli("refresh", "--db", str(path), "--today", "2026-11-29")
    summary = json.loads(later.stdout)
    assert sorted(summary["computed"]) == ["2025", "2026", "2026-10", "2026-11", "2026Q3", "2026Q4"]
    assert len(summary["kept"]) == STANDARD - 6
    with db.session(path, read_only=True) as con:  # the periods cut at the day before are gone
        assert len(materialized.stored_periods(con)) == STANDARD
        distinct = "select count(distinct (start_on, as_of)) from stored_metric_group"
        assert con.execute(distinct).fetchall()[0][0] == STANDARD


def test_an_import_that_changes_nothing_leaves_no_new_refresh(tmp_path):
    path = tmp_path / "cli.duckdb"
    bad = tmp_path / "坏文件.csv"
    bad.write_text("甲,乙\n1,2\n", encoding="utf-8")
    result = _cli("import", "--db", str(path), "--today", TODAY.isoformat(), str(bad))
    assert result.returncode == 2
    assert "预先计算" not in result.stderr
