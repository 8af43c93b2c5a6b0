"""Shared fixtures: the example data of the spec, a pinned today, and a clean environment."""

from __future__ import annotations

import datetime as dt
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
