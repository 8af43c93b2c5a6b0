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

from pipeline import labels

# The five rates of 综合得分, in the order SPEC §5 lists them, with their weight keys.
SCORE_RATES = ("pairing_rate", "on_standard_rate", "home_visit_rate", "resolution_rate", "satisfaction_rate")
WEIGHT_KEYS = {rate: f"weight_{rate}" for rate in SCORE_RATES}

DEFAULTS: dict[str, float] = {
    "overdue_days": 30.0,
    "weight_pairing_rate": 0.2,
    "weight_on_standard_rate": 0.3,
    "weight_home_visit_rate": 0.2,
    "weight_resolution_rate": 0.2,
    "weight_satisfaction_rate": 0.1,
    "rag_green": 0.90,
    "rag_amber": 0.75,
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

    def as_dict(self) -> dict[str, float]:
        """The settings as stored key → value."""
        weights = {WEIGHT_KEYS[rate]: weight for rate, weight in self.weights.items()}
        bands = {"rag_green": self.rag_green, "rag_amber": self.rag_amber}
        return {"overdue_days": float(self.overdue_days), **weights, **bands}


def _from_values(values: Mapping[str, float]) -> Settings:
    return Settings(
        overdue_days=int(values["overdue_days"]),
        weights={rate: float(values[WEIGHT_KEYS[rate]]) for rate in SCORE_RATES},
        rag_green=float(values["rag_green"]),
        rag_amber=float(values["rag_amber"]),
    )


DEFAULT_SETTINGS = _from_values(DEFAULTS)


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """The rows of the settings table: key → {value, updated_at, updated_by}."""
    rows = con.execute("select key, value, updated_at, updated_by from settings order by key").fetchall()
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
    return checked


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
    rows = [(key, checked[key], when, user) for key in changes]
    con.execute("begin transaction")
    try:
        con.executemany(
            "insert into settings (key, value, updated_at, updated_by) values (?, ?, ?, ?) "
            "on conflict (key) do update set value = excluded.value, "
            "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            rows,
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return read_settings(con)


def reset_settings(con: duckdb.DuckDBPyConnection, keys: list[str] | None = None) -> Settings:
    """Forget stored values (all, or the keys given) so that the defaults apply again."""
    if keys is None:
        con.execute("delete from settings")
    else:
        con.execute("delete from settings where list_contains(?, key)", [list(keys)])
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
