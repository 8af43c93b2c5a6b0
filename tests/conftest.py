"""Shared fixtures: the example data of the spec, a pinned today, and a clean environment."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "tests" / "data" / "example"
EXAMPLE_TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test reads the developer's own database or date by accident."""
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "default.duckdb"))
    monkeypatch.delenv("GUANAI_TODAY", raising=False)
    monkeypatch.setenv("GUANAI_DB_WAIT", "5")
    monkeypatch.setenv("GUANAI_WARM", "0")  # no background warming unless a test asks for it


@pytest.fixture
def example_dir() -> Path:
    """The folder of the spec's example CSVs and expected figures."""
    if not EXAMPLE_DIR.is_dir():
        pytest.fail(f"example data not found at {EXAMPLE_DIR}")
    return EXAMPLE_DIR


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """Streamlit's caches outlive an AppTest: every test starts and ends with them empty (both kinds, and with no
    count of the checks found with them, app_ui.known_counts)."""

    def clear() -> None:
        streamlit = sys.modules.get("streamlit")
        if streamlit is not None:
            streamlit.cache_data.clear()
            streamlit.cache_resource.clear()
        counts = sys.modules.get("app_ui.known_counts")
        if counts is not None:
            counts.clear()

    clear()
    yield
    clear()


# Accounts of every role for the app's tests: name -> (role, county, department, may show full identifiers).
# The county and department are the example data's 东川县 and 市民政局.
CITY_USER = "市级测试"
ACCOUNTS = {
    CITY_USER: ("city", None, None, False),
    "市级可查看": ("city", None, None, True),
    "县区测试": ("county", "东川县", None, False),
    "县区可查看": ("county", "东川县", None, True),
    "单位测试": ("department", None, "市民政局", False),
    "只读测试": ("readonly", None, None, False),
}
TEST_PASSWORD = "测试密码-2026"


@functools.cache
def _test_password_hash() -> str:
    from pipeline import access

    return access.hash_password(TEST_PASSWORD)


def add_accounts(path: Path, *names: str) -> None:
    """Create the named test accounts (all of them by default) unless they exist; one scrypt hash for all."""
    from pipeline import access, db

    known_hash = _test_password_hash()  # computed before the patch below
    with db.session(path) as con, mock.patch.object(access, "hash_password", lambda _: known_hash):
        for name in names or ACCOUNTS:
            if access.load_user(con, name) is None:
                role, county, department, can_unmask = ACCOUNTS[name]
                access.add_user(con, name, role, TEST_PASSWORD, county, department, can_unmask)


def app_test(script: Path | str = ROOT / "app.py", user: str | None = CITY_USER):
    """An AppTest of the app (or one page) with `user` signed in, his account created in $GUANAI_DB if needed.

    user=None opens the app as a visitor who has not logged in.
    """
    from streamlit.testing.v1 import AppTest

    from app_ui import auth

    at = AppTest.from_file(str(script), default_timeout=60)
    if user is not None:
        add_accounts(Path(os.environ["GUANAI_DB"]), user)
        at.session_state[auth.SESSION_USER] = user
    return at


def shows_no_data(at) -> bool:
    """Nothing of the data on screen: no card, and no table with a row (the login form holds one empty table, never
    shown, drawn for the browser to fetch the code of tables: app_ui.page_style.preload)."""
    return not at.metric and all(frame.value.empty for frame in at.dataframe)


def build_example_database(path: Path) -> Path:
    """The spec's example ledgers imported as an office would, on the pinned day, with the test accounts."""
    from pipeline import db
    from pipeline.ingest.load import import_file

    with db.session(path) as con:
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
            assert import_file(con, EXAMPLE_DIR / name, today=EXAMPLE_TODAY).rejected == 0
    add_accounts(path)
    return path


def tamper_stored_beneficiaries(con, period, value: int, grouping: str, key: str | None = None, under=None) -> int:
    """Overwrite the stored beneficiaries of one period's groups of a grouping (with `key`, only those under
    the value `under` of that key column: county or department), so that a read from the store can be told
    from a computation; the number of groups changed."""
    from pipeline import catalog

    position = catalog.COMPUTED_COLUMNS.index("beneficiaries") + 1
    where = "start_on = ? and as_of = ? and grouping_name = ?"
    params = [position - 1, value, position + 1, period.start, period.as_of, grouping]
    if key is not None:
        if key not in ("county", "department"):
            raise ValueError(key)
        where += f" and {key} = ?"  # a column name checked above
        params.append(under)
    sql = (
        "update stored_metric_group set metric_values = metric_values[:?] || [?::double] || metric_values[?:] "
        f"where {where}"
    )
    return con.execute(sql, params).fetchall()[0][0]


@pytest.fixture
def example_db(tmp_path, monkeypatch) -> Path:
    """The example database, opened by the app through $GUANAI_DB with today pinned."""
    path = build_example_database(tmp_path / "app.duckdb")
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return path


@pytest.fixture(scope="module")
def module_example_path(tmp_path_factory) -> Path:
    """One example database shared by the tests of a module that only read it."""
    return build_example_database(tmp_path_factory.mktemp("example") / "example.duckdb")


@pytest.fixture
def read_only_example_db(module_example_path, monkeypatch) -> Path:
    """The shared example database, opened by the app through $GUANAI_DB with today pinned."""
    monkeypatch.setenv("GUANAI_DB", str(module_example_path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return module_example_path


@pytest.fixture
def downloads(monkeypatch):
    """What each download button would hand over, by file name (built-on-click and ready-made data)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, object] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record(self, path_or_data, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = lambda: path_or_data
        return add(self, path_or_data, mimetype, coordinates, file_name=file_name, **kwargs)

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return found
