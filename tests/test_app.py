"""The app through Streamlit's AppTest: it opens on imported data and explains an empty database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import db, labels
from pipeline.ingest.load import import_file
from tests.conftest import EXAMPLE_TODAY, ROOT


@pytest.fixture(autouse=True)
def _fresh_caches():
    import streamlit as st

    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def example_db(tmp_path, monkeypatch, example_dir):
    path = tmp_path / "app.duckdb"
    with db.session(path) as con:
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
            report = import_file(con, example_dir / name, today=EXAMPLE_TODAY)
            assert report.rejected == 0
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return path


def run_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_shows_the_stored_counts(example_db):
    at = run_app()
    shown = {m.label: m.value for m in at.metric}
    assert shown[labels.STATUS_BENEFICIARIES] == "64"
    assert shown[labels.STATUS_CONTACTS] == "273"
    assert shown[labels.STATUS_ISSUES] == "36"
    assert "第3批导入" in at.caption[0].value


def test_empty_database_explains_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "missing.duckdb"))
    at = run_app()
    assert at.info[0].value == labels.STATUS_NO_DATA
    assert not at.metric
