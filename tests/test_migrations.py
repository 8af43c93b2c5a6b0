"""Databases outlive releases: a database written by the first release opens, upgrades and keeps its figures.

tests/data/release-0.1/guanai.duckdb was written by the first release (schema version 1): the example
ledgers imported on 2026-11-28 by the command line, the common periods' metrics stored, and a snapshot
of 2026Q3 frozen. It is committed as it was written; each test works on a copy.
"""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from pipeline import db, materialized, queries, snapshots
from tests.conftest import EXAMPLE_DIR, ROOT

OLD_RELEASE = ROOT / "tests" / "data" / "release-0.1" / "guanai.duckdb"
TODAY = dt.date(2026, 11, 28)
DATA_TABLES = ("beneficiary", "pairing", "contact", "issue", "import_batch", "rejected_row", "audit_log")


@pytest.fixture
def old_copy(tmp_path):
    path = tmp_path / "guanai.duckdb"
    shutil.copy2(OLD_RELEASE, path)
    return path


def _tables(path) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {name: con.sql(f"select * from {name} order by all").df() for name in DATA_TABLES}
    finally:
        con.close()


def test_the_committed_file_is_a_first_release_database():
    con = duckdb.connect(str(OLD_RELEASE), read_only=True)
    try:
        tables = {name for (name,) in con.sql("select table_name from duckdb_tables()").fetchall()}
        assert "schema_version" not in tables and "import_batch" in tables
        assert db.schema_version(con) == 1
        assert con.sql("select count(*) from report_snapshot").fetchall() == [(1,)]
    finally:
        con.close()


def test_opening_upgrades_to_the_latest_version_and_keeps_every_row(old_copy):
    before = _tables(old_copy)
    with db.session(old_copy) as con:
        assert db.schema_version(con) == db.latest_version() >= 2
        versions = con.sql("select version, name from schema_version order by version").fetchall()
        assert [v for v, _ in versions] == list(range(1, db.latest_version() + 1))
        assert versions[0][1] == "schema.sql"
    after = _tables(old_copy)
    for name in DATA_TABLES:  # every row and value kept; later versions may add columns beside them
        pd.testing.assert_frame_equal(before[name], after[name][list(before[name].columns)], obj=name)


def test_an_upgraded_database_gives_the_expected_figures(old_copy):
    with db.session(old_copy) as con:
        for path in sorted(EXAMPLE_DIR.glob("expected_*.csv")):
            period, by = path.stem.removeprefix("expected_").split("_", 1)
            expected = pd.read_csv(path, dtype=str, keep_default_na=False)
            actual = queries.metrics(con, period, by, today=TODAY)
            assert list(actual.columns)[: len(expected.columns)] == list(expected.columns)
            for column in ("paired", "standard_due", "on_standard", "overdue_contact", "issues_resolved"):
                assert actual[column].astype(str).tolist() == expected[column].tolist(), (path.name, column)


def test_the_old_snapshot_keeps_its_frozen_figures(old_copy):
    frozen = duckdb.connect(str(old_copy), read_only=True)
    try:
        old_rows = frozen.sql(
            "select * from report_snapshot_metric where snapshot_id = 1 order by period_role, grouping_name, row_no"
        ).df()
    finally:
        frozen.close()
    with db.session(old_copy) as con:
        figures = snapshots.load_figures(con, 1)
        overall = figures.current["overall"].iloc[0]
        old_overall = old_rows[(old_rows["period_role"] == "current") & (old_rows["grouping_name"] == "overall")]
        old_overall = old_overall.iloc[0]
        for column in queries.METRIC_COLUMNS:
            if column == "standard_due":  # not frozen by the first release: everybody paired was due then
                assert overall[column] == old_overall["paired"]
            elif column in old_overall.index:
                assert overall[column] == pytest.approx(old_overall[column], nan_ok=True), column
            else:  # a metric added since: not frozen, so empty
                assert pd.isna(overall[column]), column
        # the rate frozen then is still its numerator over its denominator
        assert overall["on_standard_rate"] == pytest.approx(overall["on_standard"] / overall["standard_due"])
        county = figures.current["county"]
        assert county["standard_due"].tolist() == county["paired"].tolist()
        assert figures.overdue_contacts["run_started_on"].isna().all()  # not frozen by the first release
        assert len(figures.overdue_contacts) == 29


def test_stored_metrics_are_refreshed_after_the_upgrade(old_copy):
    with db.session(old_copy) as con:
        materialized.refresh(con, TODAY)
        stored = queries.metrics(con, "2026Q3", "county", today=TODAY)
    expected = pd.read_csv(EXAMPLE_DIR / "expected_2026Q3_county.csv", dtype=str, keep_default_na=False)
    assert stored["standard_due"].astype(str).tolist() == expected["standard_due"].tolist()


def test_a_database_at_the_latest_version_runs_no_migration(old_copy):
    with db.session(old_copy) as con:
        applied = con.sql("select version, applied_at from schema_version order by version").fetchall()
    with db.session(old_copy) as con:
        assert db.migrate(con) == db.latest_version()
        assert con.sql("select version, applied_at from schema_version order by version").fetchall() == applied


def test_a_new_database_starts_at_the_latest_version(tmp_path):
    with db.session(tmp_path / "new.duckdb") as con:
        assert db.schema_version(con) == db.latest_version()
        tables = {name for (name,) in con.sql("select table_name from duckdb_tables()").fetchall()}
        # a new metric needs no table change: snapshot figures are long, a stored group's values a list
        # named by its period's entry
        assert {"stored_metric_group", "stored_metric_period", "report_snapshot_figure"} <= tables
        assert not {"stored_metric", "stored_metric_value"} & tables
        columns = con.sql(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where column_name in ('metric_values', 'metric_names') order by table_name"
        ).fetchall()
        assert columns == [
            ("stored_metric_group", "metric_values", "DOUBLE[]"),
            ("stored_metric_period", "metric_names", "VARCHAR[]"),
        ]


def test_migration_files_are_numbered_without_gaps():
    numbers = [version for version, _ in db.migrations()]
    assert numbers == list(range(2, 2 + len(numbers)))
