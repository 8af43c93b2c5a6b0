"""Settings: the §5 defaults, stored values over them, who changed what and when, and checks."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import db, settings
from pipeline.settings import SettingError


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "settings.duckdb")
    yield connection
    connection.close()


def test_defaults_are_the_spec_contract(con):
    current = settings.read_settings(con)
    assert current == settings.DEFAULT_SETTINGS
    assert current.overdue_days == 30
    assert dict(current.weights) == {
        "pairing_rate": 0.2,
        "on_standard_rate": 0.3,
        "home_visit_rate": 0.2,
        "resolution_rate": 0.2,
        "satisfaction_rate": 0.1,
        "callback_truth_rate": 0.0,  # SPEC §8: 联系属实率 may join the score with a weight the office sets
    }
    assert (current.rag_green, current.rag_amber) == (0.90, 0.75)
    assert settings.stored(con) == {}


def test_write_keeps_who_and_when_and_merges_with_defaults(con):
    when = dt.datetime(2026, 11, 28, 9, 30)
    changes = {"overdue_days": 45, "weight_home_visit_rate": 0.4}
    current = settings.write_settings(con, changes, "市办张三", at=when)
    assert current.overdue_days == 45
    assert current.weights["home_visit_rate"] == 0.4
    assert current.weights["pairing_rate"] == 0.2  # untouched keys keep their defaults
    rows = settings.stored(con)
    assert set(rows) == {"overdue_days", "weight_home_visit_rate"}
    assert rows["overdue_days"] == {"value": 45.0, "updated_at": when, "updated_by": "市办张三"}
    settings.write_settings(con, {"overdue_days": 20}, "市办李四", at=when + dt.timedelta(days=1))
    assert settings.stored(con)["overdue_days"]["updated_by"] == "市办李四"
    assert settings.read_settings(con).overdue_days == 20


def test_reset_brings_the_defaults_back(con):
    settings.write_settings(con, {"overdue_days": 45, "rag_green": 0.95}, "测试")
    assert settings.reset_settings(con, ["overdue_days"]).overdue_days == 30
    assert settings.read_settings(con).rag_green == 0.95
    assert settings.reset_settings(con) == settings.DEFAULT_SETTINGS


def test_unknown_stored_keys_are_ignored(con):
    con.execute("insert into settings values ('some_future_key', 1.0, null, null)")
    assert settings.read_settings(con) == settings.DEFAULT_SETTINGS


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"overdue": 10}, "没有名为"),
        ({"overdue_days": "三十"}, "不是数字"),
        ({"overdue_days": float("nan")}, "不是数字"),
        ({"overdue_days": 0}, "超期天数"),
        ({"overdue_days": 10.5}, "超期天数"),
        ({"weight_pairing_rate": -0.1}, "不能为负数"),
        (
            {
                "weight_pairing_rate": 0,
                "weight_on_standard_rate": 0,
                "weight_home_visit_rate": 0,
                "weight_resolution_rate": 0,
                "weight_satisfaction_rate": 0,
            },
            "不能全为0",
        ),
        ({"rag_amber": 0.95}, "红黄绿"),
        ({"rag_green": 1.5}, "红黄绿"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(con, changes, message):
    with pytest.raises(SettingError, match=message):
        settings.write_settings(con, changes, "测试")
    assert settings.stored(con) == {}


def test_rag_bands():
    assert settings.rag_band(0.95) == "green"
    assert settings.rag_band(0.90) == "green"
    assert settings.rag_band(0.8999) == "amber"
    assert settings.rag_band(0.75) == "amber"
    assert settings.rag_band(0.7499) == "red"
    assert settings.rag_band(None) is None
    assert settings.rag_band(float("nan")) is None
    strict = settings.Settings(30, settings.DEFAULT_SETTINGS.weights, rag_green=0.95, rag_amber=0.9)
    assert settings.rag_band(0.92, strict) == "amber"


def test_every_setting_has_a_chinese_label():
    from pipeline import labels

    assert set(labels.SETTING_LABELS) == set(settings.DEFAULTS)
