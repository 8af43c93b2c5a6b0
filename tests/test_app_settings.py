"""设置 through AppTest: a change is stored in DuckDB with who made it, invalid values are refused, reset works."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pipeline import access, db, labels, materialized, queries, settings
from pipeline.ingest.load import import_file
from tests.conftest import CITY_USER, EXAMPLE_TODAY, app_test

KEYS = {key: f"setting_{key}" for key in settings.DEFAULTS}


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "settings.duckdb"
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return path


def open_settings_page() -> AppTest:
    at = app_test()
    at.run()
    at.switch_page("app_pages/settings.py")
    at.run()
    assert not at.exception, at.exception
    return at


def save(at: AppTest, **values) -> AppTest:
    for key, value in values.items():
        at.number_input(key=KEYS[key]).set_value(value)
    next(b for b in at.button if b.label == labels.SETTINGS_SAVE).click()
    at.run()
    assert not at.exception, at.exception
    return at


def stored(path) -> dict[str, dict]:
    with db.session(path) as con:
        return settings.stored(con)


def overview(at: AppTest):
    columns = labels.SETTINGS_TABLE_COLUMNS
    frame = next(f.value for f in at.dataframe if columns["label"] in f.value.columns)
    return frame.set_index(columns["label"])


def test_a_change_is_saved_with_who_and_when_and_read_back(database):
    at = save(open_settings_page(), overdue_days=45, weight_on_standard_rate=0.4, rag_green=0.85)
    rows = stored(database)
    assert {key: row["value"] for key, row in rows.items()} == {
        "overdue_days": 45.0,
        "weight_on_standard_rate": 0.4,
        "rag_green": 0.85,
    }
    assert {row["updated_by"] for row in rows.values()} == {CITY_USER}  # the signed-in user
    assert all(row["updated_at"] is not None for row in rows.values())
    assert at.success[0].value.startswith(labels.SETTINGS_SAVED.split("（")[0])
    table = overview(at)
    columns = labels.SETTINGS_TABLE_COLUMNS
    days = table.loc[labels.SETTING_LABELS["overdue_days"]]
    assert (days[columns["current"]], days[columns["default"]], bool(days[columns["changed"]])) == ("45", "30", True)
    assert days[columns["updated_by"]] == CITY_USER
    amber = table.loc[labels.SETTING_LABELS["rag_amber"]]
    assert (amber[columns["current"]], bool(amber[columns["changed"]])) == ("0.75", False)
    assert at.number_input(key=KEYS["overdue_days"]).value == 45
    with db.session(database) as con:
        assert settings.read_settings(con).overdue_days == 45
        audited = access.read_audit(con, action="settings_change")
    assert audited[["user_name", "scope_text", "row_count"]].values.tolist() == [[CITY_USER, "全市", 3]]
    assert "超期" in audited["detail"][0] and "45" in audited["detail"][0]
    with db.session(database) as con:  # the stored figures follow the new settings at once
        assert len(materialized.stored_periods(con)) == len(materialized.standard_periods(EXAMPLE_TODAY))
        keys = con.execute("select distinct figures_key from stored_metric_period").fetchall()
        assert keys == [(queries.figures_key(settings.read_settings(con)),)]


def test_invalid_values_are_refused_with_the_chinese_message(database):
    at = save(open_settings_page(), rag_amber=0.95)
    message = labels.MSG_SETTING_BANDS.format(amber="0.95", green="0.9")
    assert [e.value for e in at.error] == [labels.SETTINGS_REFUSED.format(message=message)]
    assert stored(database) == {}
    at = save(
        at,
        rag_amber=0.75,
        weight_pairing_rate=0.0,
        weight_on_standard_rate=0.0,
        weight_home_visit_rate=0.0,
        weight_resolution_rate=0.0,
        weight_satisfaction_rate=0.0,
    )
    assert [e.value for e in at.error] == [labels.SETTINGS_REFUSED.format(message=labels.MSG_SETTING_WEIGHTS_ZERO)]
    assert stored(database) == {}


def test_an_unchanged_form_stores_nothing(database):
    at = save(open_settings_page())
    assert [i.value for i in at.info] == [labels.SETTINGS_NO_CHANGE]
    assert stored(database) == {}
    with db.session(database) as con:
        assert access.read_audit(con, action="settings_change").empty


def test_reset_brings_back_the_defaults(database):
    at = save(open_settings_page(), overdue_days=60, weight_satisfaction_rate=0.25)
    assert set(stored(database)) == {"overdue_days", "weight_satisfaction_rate"}
    at.button(key="settings_reset").click().run()
    assert not at.exception, at.exception
    assert stored(database) == {}
    with db.session(database) as con:  # one record for the change, one for the reset
        details = access.read_audit(con, action="settings_change")["detail"].tolist()
    newest_first = [labels.AUDIT_DETAIL_SETTINGS_RESET, labels.AUDIT_DETAIL_SETTINGS_SAVE]
    assert [d.split("：")[0] for d in details] == newest_first
    assert [s.value for s in at.success] == [labels.SETTINGS_RESET_DONE]
    assert at.number_input(key=KEYS["overdue_days"]).value == 30
    assert at.number_input(key=KEYS["weight_satisfaction_rate"]).value == pytest.approx(0.1)
    assert set(overview(at)[labels.SETTINGS_TABLE_COLUMNS["changed"]]) == {""}


def test_settings_page_with_an_empty_database_shows_the_defaults(database):
    at = open_settings_page()
    table = overview(at)
    columns = labels.SETTINGS_TABLE_COLUMNS
    assert table[columns["current"]].tolist() == table[columns["default"]].tolist()
    assert table[columns["current"]].tolist() == [settings.value_text(v) for v in settings.DEFAULTS.values()]
    assert stored(database) == {}


def test_settings_page_with_data_and_a_stored_change(database, example_dir):
    with db.session(database) as con:
        for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
            import_file(con, example_dir / name, today=EXAMPLE_TODAY)
        settings.write_settings(con, {"rag_amber": 0.7}, "市民政局张三")
    at = open_settings_page()
    amber = overview(at).loc[labels.SETTING_LABELS["rag_amber"]]
    assert amber[labels.SETTINGS_TABLE_COLUMNS["updated_by"]] == "市民政局张三"
    assert at.number_input(key=KEYS["rag_amber"]).value == pytest.approx(0.7)
