"""疑点 (SPEC §8): records that may not be true, each with its reason in plain words, for the office to call first.

Each rule is a check under pipeline/sql/checks/ (doubt_*.sql) run by pipeline/quality.py with the thresholds of
the settings; this module words every row: the rule, the cadre, the reason and the records behind it. The people
behind the rows also weight a sample drawn with prefer_doubtful (sample.py).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pipeline import labels, masking, periods, quality, settings
from pipeline.queries import ALL, Scope

RULES = quality.DOUBT_CHECKS
COLUMNS = (
    "rule",
    "department",
    "cadre_name",
    "cadre_phone",
    "county",
    "doubt_reason",
    "people",
    "records",
    "first_date",
    "last_date",
)
RECORDS_SHOWN = 8  # records written out per row; the count says how many more


def _day(value) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()  # numpy's datetime64 in lists of dates


def _month(value) -> str:
    day = _day(value)
    return labels.DOUBT_MONTH.format(year=day.year, month=day.month)


class _Words:
    """How identifiers are written in the rows: masked unless the caller may see them."""

    def __init__(self, masked: bool) -> None:
        self.masked = masked

    def id(self, value: str | None) -> str:
        return (masking.mask_id(value) if self.masked else value) or ""

    def name(self, value: str | None) -> str:
        return (masking.mask_name(value) if self.masked else value) or ""

    def phone(self, value: str | None) -> str | None:
        return masking.mask_phone(value) if self.masked else value

    def text(self, value: str) -> str:
        return (masking.mask_text(value) if self.masked else value) or ""

    def record(self, item: dict, what: str) -> str:
        return labels.DOUBT_RECORD.format(
            name=self.name(item.get("beneficiary_name")),
            id_number=self.id(item.get("id_number")),
            date=_day(item.get("contact_date")),
            what=what,
        )

    def person(self, item: dict) -> str:
        return labels.DOUBT_RECORD_PERSON.format(
            name=self.name(item.get("beneficiary_name")), id_number=self.id(item.get("id_number"))
        )


def _joined(items: list[str]) -> str:
    shown = items[:RECORDS_SHOWN]
    text = labels.DOUBT_RECORD_SEPARATOR.join(shown)
    if len(items) > RECORDS_SHOWN:
        text += labels.DOUBT_RECORDS_MORE.format(count=len(items))
    return text


def _dates(days) -> str:
    days = [_day(d) for d in days]
    text = labels.DOUBT_DATE_SEPARATOR.join(d.isoformat() for d in days[:RECORDS_SHOWN])
    if len(days) > RECORDS_SHOWN:
        text += labels.DOUBT_RECORDS_MORE.format(count=len(days))
    return text


def _list(value) -> list:
    if value is None:
        return []
    try:
        if value != value:  # NaN
            return []
    except (TypeError, ValueError):
        pass
    return list(value)


def _busy_day(row: dict, words: _Words, config: settings.Settings) -> dict:
    records = _list(row["records"])
    reason = labels.DOUBT_REASONS["doubt_busy_day"].format(
        day=_day(row["contact_date"]), visits=row["visits"], townships=row["townships"], names=row["township_names"]
    )
    what = {
        r["id_number"]: labels.DOUBT_VISIT_WHAT.format(method=labels.HOME_VISIT_METHODS[0], township=r["township"])
        for r in records
    }
    texts = [words.record(r, what[r["id_number"]]) for r in records]
    day = _day(row["contact_date"])
    return {"reason": reason, "records": texts, "ids": [r["id_number"] for r in records], "first": day, "last": day}


def _after_exit(row: dict, words: _Words, config: settings.Settings) -> dict:
    records = _list(row["records"])
    reason = labels.DOUBT_REASONS["doubt_after_exit"].format(
        exited_on=_day(row["exited_on"]), count=row["contacts"], dates=_dates([r["contact_date"] for r in records])
    )
    texts = [words.record(r, r["method"]) for r in records]
    return {
        "reason": reason,
        "records": texts,
        "ids": [row["id_number"]],
        "first": _day(row["first_date"]),
        "last": _day(row["last_date"]),
    }


def _same_day(row: dict, words: _Words, config: settings.Settings) -> dict:
    records = _list(row["records"])
    days = _list(row["days"])
    reason = labels.DOUBT_REASONS["doubt_same_day"].format(
        first=_month(row["first_month"]),
        last=_month(row["last_month"]),
        months=row["months"],
        pairs=row["pairs"],
        days=_dates(days),
    )
    people = sorted(records, key=lambda r: r["id_number"])
    return {
        "reason": reason,
        "records": [words.person(r) for r in people],
        "ids": [r["id_number"] for r in people],
        "first": _day(days[0]),
        "last": _day(days[-1]),
    }


def _late_import(row: dict, words: _Words, config: settings.Settings) -> dict:
    records = _list(row["records"])
    at = row["imported_at"]
    imported = labels.DOUBT_TIME.format(date=at.date(), hour=at.hour, minute=at.minute)
    reason = labels.DOUBT_REASONS["doubt_late_import"].format(
        month=_month(row["month"]),
        count=row["contacts"],
        days=row["days_late"],
        imported_at=imported,
        batch=row["batch_id"],
        file=row["file_name"],
    )
    texts = [words.record(r, r["method"]) for r in records]
    dates = [_day(r["contact_date"]) for r in records] or [_day(row["month"])]
    return {
        "reason": reason,
        "records": texts,
        "ids": list(dict.fromkeys(r["id_number"] for r in records)),
        "first": min(dates),
        "last": max(dates),
    }


def _unknown_cadre(row: dict, words: _Words, config: settings.Settings) -> dict:
    contacts = _list(row["contact_list"])
    reason = labels.DOUBT_REASONS["doubt_unknown_cadre"].format(
        callback_date=_day(row["callback_date"]),
        months=config.doubt_unknown_months,
        first=_month(row["first_month"]),
        last=_month(row["last_day"]),
        count=row["contacts"],
    )
    person = {"id_number": row["id_number"], "beneficiary_name": row["beneficiary_name"]}
    texts = [words.record({**person, "contact_date": row["callback_date"]}, labels.DOUBT_CALLBACK_WHAT)]
    texts += [words.record({**person, "contact_date": c["contact_date"]}, c["method"]) for c in contacts]
    day = _day(row["callback_date"])
    return {"reason": reason, "records": texts, "ids": [row["id_number"]], "first": day, "last": day}


_WORDING = {
    "doubt_busy_day": _busy_day,
    "doubt_after_exit": _after_exit,
    "doubt_same_day": _same_day,
    "doubt_late_import": _late_import,
    "doubt_unknown_cadre": _unknown_cadre,
}


def find(
    con: duckdb.DuckDBPyConnection,
    period: periods.Period | None = None,
    scope: Scope = ALL,
    thresholds: settings.Settings | None = None,
    masked: bool = True,
    rules: tuple[str, ...] = RULES,
    with_ids: bool = False,
) -> pd.DataFrame:
    """Every 疑点 of the period (all records without one) in the scope: one row each, its reason in words.

    Columns: COLUMNS (rule is the rule's Chinese name, people the number of people behind the row, records the
    records written out); with_ids adds `rule_key` and `ids` (the ID numbers behind the row, unmasked).
    """
    config = thresholds if thresholds is not None else settings.read_settings(con)
    words = _Words(masked)
    rows = []
    options = {"scope": scope, "period": period, "thresholds": config, "masked": False}
    for rule, found in quality.run_checks_at_once(con, dict.fromkeys(rules, options)).items():
        for record in found.to_dict("records"):
            worded = _WORDING[rule](record, words, config)
            rows.append(
                {
                    "rule": labels.DOUBT_RULE_LABELS[rule],
                    "department": record["department"],
                    "cadre_name": record["cadre_name"],
                    "cadre_phone": words.phone(record["cadre_phone"]),
                    "county": record["county"],
                    "doubt_reason": words.text(worded["reason"]),
                    "people": len(set(worded["ids"])),
                    "records": _joined(worded["records"]),
                    "first_date": worded["first"],
                    "last_date": worded["last"],
                    "rule_key": rule,
                    "ids": worded["ids"],
                }
            )
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "rule_key", "ids"])
    order = {rule: n for n, rule in enumerate(RULES)}
    frame = frame.assign(_order=frame["rule_key"].map(order))
    frame = (
        frame.sort_values(
            ["last_date", "_order", "department", "cadre_name"], ascending=[False, True, True, True], kind="stable"
        )
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    return frame if with_ids else frame[list(COLUMNS)]


def people(
    con: duckdb.DuckDBPyConnection,
    period: periods.Period | None = None,
    scope: Scope = ALL,
    thresholds: settings.Settings | None = None,
) -> dict[str, list[str]]:
    """The people behind the 疑点 of a period: ID number → the names of the rules that found them."""
    found: dict[str, list[str]] = {}
    frame = find(con, period, scope, thresholds, masked=False, with_ids=True)
    for rule, ids in zip(frame["rule"].tolist(), frame["ids"].tolist(), strict=True):
        for id_number in ids:
            rules = found.setdefault(id_number, [])
            if rule not in rules:
                rules.append(rule)
    return found


def by_cadre(frame: pd.DataFrame) -> pd.DataFrame:
    """The 疑点 rows (a find() result) per cadre: how many, of which kinds, and the first reasons."""
    columns = ["department", "cadre_name", "cadre_phone", "doubts", "doubt_rules", "doubt_reasons"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    grouped = []
    for (department, cadre, phone), rows in frame.groupby(
        ["department", "cadre_name", "cadre_phone"], sort=True, dropna=False
    ):
        grouped.append(
            {
                "department": department,
                "cadre_name": cadre,
                "cadre_phone": phone,
                "doubts": len(rows),
                "doubt_rules": labels.SAMPLE_DOUBT_SEPARATOR.join(dict.fromkeys(rows["rule"])),
                "doubt_reasons": _joined(rows["doubt_reason"].tolist()),
            }
        )
    out = pd.DataFrame(grouped, columns=columns)
    return out.sort_values(
        ["doubts", "department", "cadre_name"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def untrue_contacts(
    con: duckdb.DuckDBPyConnection, scope: Scope = ALL, thresholds: settings.Settings | None = None, masked: bool = True
) -> pd.DataFrame:
    """The contacts a callback found untrue (the check callback_untrue_contacts), masked by default."""
    return quality.run_check(con, "callback_untrue_contacts", scope=scope, thresholds=thresholds, masked=masked)


def mark_untrue(contacts: pd.DataFrame, untrue: pd.DataFrame) -> pd.DataFrame:
    """`contacts` (drill rows of kind contacts) with a column callback_untrue: 回访不属实 for the contacts in `untrue`.

    Both frames must be masked alike (the ID numbers are compared as they stand, with the date and the method).
    """
    flagged = {
        (id_number, _day(date), method)
        for id_number, date, method in zip(untrue["id_number"], untrue["contact_date"], untrue["method"], strict=True)
    }
    marks = [
        labels.UNTRUE_MARK if (id_number, _day(date), method) in flagged else ""
        for id_number, date, method in zip(
            contacts["id_number"], contacts["contact_date"], contacts["method"], strict=True
        )
    ]
    return contacts.assign(callback_untrue=marks)
