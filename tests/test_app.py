"""The app through Streamlit's AppTest: the overview shows the pipeline's figures; no data is explained."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from app_ui import filters, kpi
from pipeline import db, labels, queries
from tests.conftest import EXAMPLE_TODAY, app_test


def run_app(query: dict | None = None) -> AppTest:
    at = app_test()
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_kpis_equal_the_pipeline_figures(example_db):
    at = run_app(filters.url_params("2026Q3"))
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    with db.session(example_db) as con:
        row = queries.compare_previous(con, "2026Q3", "overall", today=EXAMPLE_TODAY).iloc[0]
    # expected_2026Q3_overall.csv: contact_rate 0.7414, on_standard_rate 0.1724, issues_overdue 10
    assert shown[labels.METRIC_LABELS["contact_rate"]][0] == "74.1%"
    assert shown[labels.METRIC_LABELS["on_standard_rate"]][0] == "17.2%"
    assert shown[labels.METRIC_LABELS["issues_overdue"]][0] == "10"
    assert shown[labels.METRIC_LABELS["overdue_contact"]][0] == "29"
    for metric in ("pairing_rate", "home_visit_rate", "resolution_rate", "satisfaction_rate"):
        assert shown[labels.METRIC_LABELS[metric]] == (
            kpi.rate_text(row[metric]),
            kpi.rate_change_text(row[f"{metric}_change"]),
        )


def test_county_filter_narrows_the_overview(example_db):
    at = run_app(filters.url_params("2026Q3", county="东川县"))
    shown = {m.label: m.value for m in at.metric}
    # expected_2026Q3_county.csv, 东川县: contact_rate 0.55, overdue 11
    assert shown[labels.METRIC_LABELS["contact_rate"]] == "55.0%"
    assert shown[labels.METRIC_LABELS["overdue_contact"]] == "11"


def test_without_a_database_the_login_page_says_how_to_create_the_first_account(tmp_path, monkeypatch):
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "missing.duckdb"))
    at = app_test(user=None)
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    assert at.info[0].value == labels.LOGIN_NO_ACCOUNTS
    assert not at.text_input  # no form to try passwords on
    assert not (tmp_path / "missing.duckdb").exists()  # looking does not create a database


def test_signed_in_without_data_explains_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "empty.duckdb"))
    at = run_app()  # creates the database with the account only
    assert at.info[0].value == labels.STATUS_NO_DATA
    assert not at.metric


def _shown_cells(element) -> pd.DataFrame:
    """What the browser draws in a table's cells: the Styler's display values where the page formats them
    (the frontend shows them instead of the data), else the data itself."""
    arrow = element.proto.arrow_data
    data = element.value
    if arrow.styler.display_values:
        shown = pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas()
        return shown.reindex(columns=data.columns)
    return data


def test_the_county_table_writes_its_rates_as_percentages(example_db):
    at = run_app(filters.url_params("2026Q3"))
    table = next(t for t in at.dataframe if "pairing_rate" in t.value.columns)
    cells = _shown_cells(table)
    # expected_2026Q3_county.csv: 西坪县 18 of 19 paired (0.947…), 东川县 20 of 21 (0.952…)
    rows = dict(zip(table.value["county"], cells["pairing_rate"], strict=True))
    assert rows["西坪县"] == "94.7%" and rows["东川县"] == "95.2%"
    for rate in queries.RATE_COLUMNS:
        if rate in cells.columns:
            assert all(text == labels.NO_VALUE or text.endswith("%") for text in cells[rate]), rate
