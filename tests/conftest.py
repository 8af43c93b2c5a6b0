"""Shared fixtures: the example data of the spec, a pinned today, and a clean environment."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT.parent / "shared" / "spec" / "example"
EXAMPLE_TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test reads the developer's own database or date by accident."""
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "default.duckdb"))
    monkeypatch.delenv("GUANAI_TODAY", raising=False)
    monkeypatch.setenv("GUANAI_DB_WAIT", "5")


@pytest.fixture
def example_dir() -> Path:
    """The folder of the spec's example CSVs and expected figures."""
    if not EXAMPLE_DIR.is_dir():
        pytest.fail(f"example data not found at {EXAMPLE_DIR}")
    return EXAMPLE_DIR


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """Streamlit's caches outlive an AppTest: every test starts and ends with them empty."""
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()
    yield
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()


def build_example_database(path: Path) -> Path:
    """The spec's example ledgers imported as an office would, on the pinned day."""
    from pipeline import db
    from pipeline.ingest.load import import_file

    with db.session(path) as con:
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
            assert import_file(con, EXAMPLE_DIR / name, today=EXAMPLE_TODAY).rejected == 0
    return path


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
