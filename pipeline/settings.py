"""The thresholds the office can change: overdue days, score weights, RAG bands (SPEC §5).

Stored as key/value rows in the `settings` table; a key that was never written takes its default,
and the defaults are the figures the tests and the expected files are built on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from pipeline import catalog, db, labels

# The rates of 综合得分 with their weight keys, from the metric catalog (in the order SPEC §5 lists them).
SCORE_RATES = catalog.SCORE_RATES
WEIGHT_KEYS = {rate: f"weight_{rate}" for rate in SCORE_RATES}
# Whether a 干部职级 counts as a leading level for 爱心爸妈结对率: one switch (1 or 0) per level.
LEADING_LEVEL_KEYS = {
    level: f"leading_level_{number}" for number, level in enumerate(labels.CADRE_LEVELS, 1)
}  # 市级领导 → leading_level_1, …
FESTIVAL_KEYS = (
    "festival_spring_from_day",
    "festival_spring_to_day",
    "festival_days_around",
    "festival_children_days_before",
    "festival_children_days_after",
)
# 回访核查 (SPEC §8): the samples skip people called back lately, a callback checks the contacts of the days
# before it, and the 疑点 rules have their thresholds; each a whole number within its range.
CALLBACK_RANGES = {
    "callback_skip_days": (0, 365),
    "callback_recent_days": (1, 365),
    "doubt_day_visits": (2, 50),
    "doubt_day_townships": (2, 20),
    "doubt_same_day_pairs": (2, 50),
    "doubt_same_day_months": (2, 24),
    "doubt_late_days": (1, 365),
    "doubt_late_contacts": (1, 1000),
    "doubt_unknown_months": (1, 12),
}
CALLBACK_KEYS = tuple(CALLBACK_RANGES)

DEFAULTS: dict[str, float] = {
    "overdue_days": 30.0,
    **{WEIGHT_KEYS[rate]: weight for rate, weight in catalog.DEFAULT_WEIGHTS.items()},
    "rag_green": 0.90,
    "rag_amber": 0.75,
    # 节日关爱率: 春节 from 腊月 day 23 to 正月 day 15; 端午节, 中秋节 and 全国助残日 ± 3 days; 六一 05-29 to 06-03
    "festival_spring_from_day": 23.0,
    "festival_spring_to_day": 15.0,
    "festival_days_around": 3.0,
    "festival_children_days_before": 3.0,
    "festival_children_days_after": 2.0,
    # 爱心爸妈结对率: 市级领导 and 县级领导 are leading levels
    **{key: 1.0 if level in ("市级领导", "县级领导") else 0.0 for level, key in LEADING_LEVEL_KEYS.items()},
    # 回访核查: skip people called back in the last 90 days; a callback checks the contacts of the 90 days before it;
    # 疑点: ≥ 5 home visits on a day in ≥ 3 townships; all of ≥ 3 pairs on one day in ≥ 3 months running; a month's
    # contacts (≥ 3 of a cadre) imported more than 20 days after it ended; contacts in each of the 3 months before
    # a callback that says 不认识
    "callback_skip_days": 90.0,
    "callback_recent_days": 90.0,
    "doubt_day_visits": 5.0,
    "doubt_day_townships": 3.0,
    "doubt_same_day_pairs": 3.0,
    "doubt_same_day_months": 3.0,
    "doubt_late_days": 20.0,
    "doubt_late_contacts": 3.0,
    "doubt_unknown_months": 3.0,
}


class SettingError(ValueError):
    """A setting key that does not exist or a value the metrics cannot work with."""


@dataclass(frozen=True)
class Settings:
    """The settings in force: stored values over the defaults."""

    overdue_days: int
    weights: Mapping[str, float]  # rate column → weight
    rag_green: float
    rag_amber: float
    festival_spring_from_day: int = 23
    festival_spring_to_day: int = 15
    festival_days_around: int = 3
    festival_children_days_before: int = 3
    festival_children_days_after: int = 2
    leading_levels: tuple[str, ...] = ("市级领导", "县级领导")
    callback_skip_days: int = 90
    callback_recent_days: int = 90
    doubt_day_visits: int = 5
    doubt_day_townships: int = 3
    doubt_same_day_pairs: int = 3
    doubt_same_day_months: int = 3
    doubt_late_days: int = 20
    doubt_late_contacts: int = 3
    doubt_unknown_months: int = 3

    def as_dict(self) -> dict[str, float]:
        """The settings as stored key → value."""
        weights = {WEIGHT_KEYS[rate]: weight for rate, weight in self.weights.items()}
        bands = {"rag_green": self.rag_green, "rag_amber": self.rag_amber}
        festivals = {key: float(getattr(self, key)) for key in FESTIVAL_KEYS}
        leading = {key: float(level in self.leading_levels) for level, key in LEADING_LEVEL_KEYS.items()}
        callbacks = {key: float(getattr(self, key)) for key in CALLBACK_KEYS}
        return {"overdue_days": float(self.overdue_days), **weights, **bands, **festivals, **leading, **callbacks}


def _from_values(values: Mapping[str, float]) -> Settings:
    return Settings(
        overdue_days=int(values["overdue_days"]),
        weights={rate: float(values[WEIGHT_KEYS[rate]]) for rate in SCORE_RATES},
        rag_green=float(values["rag_green"]),
        rag_amber=float(values["rag_amber"]),
        **{key: int(values[key]) for key in FESTIVAL_KEYS},
        leading_levels=tuple(level for level, key in LEADING_LEVEL_KEYS.items() if values[key]),
        **{key: int(values[key]) for key in CALLBACK_KEYS},
    )


DEFAULT_SETTINGS = _from_values(DEFAULTS)


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The rows of the settings table: key → {value, updated_at, updated_by}."""
    rows = con.execute(db.read_sql("settings/settings_read.sql")).fetchall()
    return {key: {"value": value, "updated_at": at, "updated_by": by} for key, value, at, by in rows}


def read_settings(con: duckdb.DuckDBPyConnection) -> Settings:
    """The settings in force: every known key that was stored, the default for the rest."""
    values = dict(DEFAULTS)
    for key, row in stored(con).items():
        if key in DEFAULTS:  # a key left by a newer or older version is not ours to interpret
            values[key] = row["value"]
    return _from_values(values)


def _number(key: str, value: object) -> float:
    """A setting value as a finite float, or SettingError naming the setting in Chinese."""
    if key not in DEFAULTS:
        raise SettingError(labels.MSG_SETTING_UNKNOWN.format(key=key, allowed="、".join(DEFAULTS)))
    label = labels.SETTING_LABELS[key]
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise SettingError(labels.MSG_SETTING_NOT_NUMBER.format(label=label, value=value)) from exc
    if not math.isfinite(number):
        raise SettingError(labels.MSG_SETTING_NOT_NUMBER.format(label=label, value=value))
    return number


def validate(values: Mapping[str, object]) -> dict[str, float]:
    """Check settings (missing keys take their defaults); return them as floats, or raise SettingError."""
    checked = {key: _number(key, value) for key, value in values.items()}
    merged = {**DEFAULTS, **checked}
    days = merged["overdue_days"]
    if days != int(days) or not 1 <= days <= 365:
        raise SettingError(labels.MSG_SETTING_DAYS.format(value=value_text(days)))
    weights = {key: merged[key] for key in WEIGHT_KEYS.values()}
    for key, weight in weights.items():
        if weight < 0:
            label = labels.SETTING_LABELS[key]
            raise SettingError(labels.MSG_SETTING_WEIGHT.format(label=label, value=value_text(weight)))
    if sum(weights.values()) <= 0:
        raise SettingError(labels.MSG_SETTING_WEIGHTS_ZERO)
    green, amber = merged["rag_green"], merged["rag_amber"]
    if not 0 <= amber <= green <= 1:
        raise SettingError(labels.MSG_SETTING_BANDS.format(amber=value_text(amber), green=value_text(green)))
    for key, (low, high) in {**_FESTIVAL_RANGES, **CALLBACK_RANGES}.items():
        value = merged[key]
        if value != int(value) or not low <= value <= high:
            label = labels.SETTING_LABELS[key]
            raise SettingError(
                labels.MSG_SETTING_RANGE.format(label=label, low=low, high=high, value=value_text(value))
            )
    for key in LEADING_LEVEL_KEYS.values():
        if merged[key] not in (0, 1):
            raise SettingError(
                labels.MSG_SETTING_SWITCH.format(label=labels.SETTING_LABELS[key], value=value_text(merged[key]))
            )
    return checked


# the whole numbers each festival width may take (lunar days of a month; days around a festival)
_FESTIVAL_RANGES = {
    "festival_spring_from_day": (1, 29),
    "festival_spring_to_day": (1, 29),
    "festival_days_around": (0, 15),
    "festival_children_days_before": (0, 15),
    "festival_children_days_after": (0, 15),
}


def value_text(number: float) -> str:
    """A setting value as the office would write it: 30, not 30.0."""
    return str(int(number)) if number == int(number) else str(number)


def write_settings(
    con: duckdb.DuckDBPyConnection,
    changes: Mapping[str, float],
    user: str,
    at: dt.datetime | None = None,
) -> Settings:
    """Store changed settings with who changed them and when; the whole set is checked first."""
    merged = read_settings(con).as_dict()
    merged.update(changes)
    checked = validate(merged)
    when = at or dt.datetime.now()
    with db.transaction(con):
        for key in changes:
            con.execute(
                db.read_sql("settings/settings_write.sql"),
                {"key": key, "value": checked[key], "updated_at": when, "updated_by": user},
            )
    return read_settings(con)


def reset_settings(con: duckdb.DuckDBPyConnection, keys: list[str] | None = None) -> Settings:
    """Forget stored values (all, or the keys given) so that the defaults apply again."""
    con.execute(db.read_sql("settings/settings_forget.sql"), {"keys": None if keys is None else list(keys)})
    return read_settings(con)


def rag_band(rate: float | None, settings: Settings = DEFAULT_SETTINGS) -> str | None:
    """green / amber / red for a rate (a fraction), None when the rate is empty."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return None
    if rate >= settings.rag_green:
        return "green"
    if rate >= settings.rag_amber:
        return "amber"
    return "red"
