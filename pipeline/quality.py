"""Data-quality checks: one SQL file per check under pipeline/sql/checks/, each returning the rows it found.

A check that returns rows has found something. The rows come back masked (ID numbers, phones and
beneficiary names) unless asked otherwise, so the page and any export show them as they are.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import duckdb
import pandas as pd

from pipeline import config, contact_state, db, labels, masking, periods, queries, settings

CHECKS = (
    "other_cadre_contacts",
    "contacts_before_pairing",
    "busy_cadres",
    "never_contacted",
    "unknown_columns",
    "rejected_rows",
    "callback_untrue_contacts",
)
# The checks about people and pairs follow the county/department scope; the other two are about files.
SCOPED_CHECKS = (
    "other_cadre_contacts",
    "contacts_before_pairing",
    "busy_cadres",
    "never_contacted",
    "callback_untrue_contacts",
)
# The order of 数据质量's tabs: the people never contacted first (what the office acts on first, and a check that reads
# one kept row per person, so the page opens fast at any size), then the other checks about people and pairs, those of
# the imported files, and the 疑点 last
PAGE_ORDER = (
    "never_contacted",
    "other_cadre_contacts",
    "contacts_before_pairing",
    "busy_cadres",
    "callback_untrue_contacts",
    "unknown_columns",
    "rejected_rows",
)
# The 疑点 of SPEC §8 (pipeline/callbacks/doubtful.py puts their rows together, each with its reason): run like the
# checks above, over a period when one is given, with the thresholds of the settings.
DOUBT_CHECKS = ("doubt_busy_day", "doubt_after_exit", "doubt_same_day", "doubt_late_import", "doubt_unknown_cadre")
DEFAULT_MAX_PAIRS = 5

_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
_MASKS = {
    "id_number": masking.mask_id,
    "beneficiary_name": masking.mask_name,
    "cadre_phone": masking.mask_phone,
    "visit_cadre_phone": masking.mask_phone,
    "reason": masking.mask_text,
}


def check_sql(name: str) -> str:
    """The SQL text of a check."""
    if name not in CHECKS and name not in DOUBT_CHECKS:
        raise ValueError(name)
    return db.read_sql(f"checks/{name}.sql")


def _statement(
    con: duckdb.DuckDBPyConnection,
    name: str,
    scope: queries.Scope,
    as_of: dt.date | str | None,
    max_pairs: int,
    period: periods.Period | None,
    thresholds: settings.Settings | None,
) -> tuple[str, dict[str, object]]:
    """A check's statement and the values it binds (only those it uses)."""
    # the intermediate models a check reads (the active-pairing rule) go in front of it as CTEs
    sql = queries.with_models(check_sql(name))
    params = {
        "as_of": config.today(as_of),
        "scope_county": scope.county,
        "scope_department": scope.department,
        "max_pairs": int(max_pairs),
        "period_start": period.start if period is not None else None,
        "period_end": period.as_of if period is not None else None,
        "visit_method": labels.HOME_VISIT_METHODS[0],
        "no_answer": labels.CALLBACK_NO,
        "untrue_answer": labels.CALLBACK_UNTRUE,
        contact_state.PARAMETER: False,  # bound to its value below, when the statement reads int_person_contact
    }
    if name in DOUBT_CHECKS or name == "callback_untrue_contacts":
        current = thresholds if thresholds is not None else settings.read_settings(con)
        params.update({key: getattr(current, key) for key in settings.CALLBACK_KEYS})
    used = dict.fromkeys(_PARAMETER.findall(sql))
    return sql, contact_state.bind(con, sql, {key: params[key] for key in used})


def run_check(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    scope: queries.Scope = queries.ALL,
    as_of: dt.date | str | None = None,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    masked: bool = True,
    period: periods.Period | None = None,
    thresholds: settings.Settings | None = None,
) -> pd.DataFrame:
    """The rows a check finds (none: nothing wrong), masked by default.

    `period` limits the 疑点 checks to the records of a period (all records without one); `thresholds` are the
    settings in force (read from the database when not given) for the checks that use them.
    """
    sql, bound = _statement(con, name, scope, as_of, max_pairs, period, thresholds)
    cursor = con.execute(sql, bound)
    dates = [name for name, kind, *_rest in cursor.description if str(kind) == "DATE"]
    frame = cursor.df()
    for column in dates:  # pandas makes a DATE a midnight timestamp: show 2026-11-26, not 2026-11-26 00:00:00
        frame[column] = frame[column].dt.date
    if name == "contacts_before_pairing":
        frame = _with_problem(frame)
    return mask_rows(frame) if masked else frame


# Checks run side by side on a statement each: a check spends part of its time in single-threaded steps (planning,
# the join's build side, turning rows into a frame), which another check's query fills on the second core.
CHECKS_AT_ONCE = 2


def run_checks_at_once(con: duckdb.DuckDBPyConnection, requests: Mapping[str, Mapping[str, object]]) -> dict:
    """Several checks at once, by name: each request holds run_check's options for that check. Each check runs on
    a cursor of its own (a connection to the same database), so the rows are those run_check finds one by one."""

    def one(name: str) -> pd.DataFrame:
        cursor = con.cursor()
        try:
            return run_check(cursor, name, **requests[name])
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=CHECKS_AT_ONCE) as pool:
        return dict(zip(requests, pool.map(one, requests), strict=True))


def mask_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A check's rows as shown by default (a copy): ID numbers, phones, the person's name and any number in a reason
    masked. The same as running the check masked, so a page runs a check once and masks the rows it shows."""
    frame = frame.copy()
    for column, mask in _MASKS.items():
        if column in frame.columns:
            frame[column] = queries.mask_column(frame[column], mask)
    return frame


def run_checks(
    con: duckdb.DuckDBPyConnection,
    *,
    scope: queries.Scope = queries.ALL,
    as_of: dt.date | str | None = None,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    masked: bool = True,
) -> dict[str, pd.DataFrame]:
    """Every check's rows, by check name."""
    return {name: run_check(con, name, scope=scope, as_of=as_of, max_pairs=max_pairs, masked=masked) for name in CHECKS}


def _with_problem(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace the two flags of contacts_before_pairing by one readable 问题 column."""
    problems = []
    for before_pairing, before_enrolment in zip(
        frame["is_before_pairing"].tolist(), frame["is_before_enrolment"].tolist(), strict=True
    ):
        words = [labels.QUALITY_BEFORE_PAIRING] if before_pairing else []
        if before_enrolment:
            words.append(labels.QUALITY_BEFORE_ENROLMENT)
        problems.append(labels.QUALITY_PROBLEM_SEPARATOR.join(words))
    frame = frame.drop(columns=["is_before_pairing", "is_before_enrolment"])
    frame.insert(0, "problem", problems)
    return frame


# ---------------------------------------------------------------- rejected rows by reason

# The messages a row can be rejected with. A reason stored with the row names the value it refused
# (an ID number, a date …), so reasons are grouped by the message they were made from.
_ROW_MESSAGES = (
    labels.MSG_REQUIRED,
    labels.MSG_ID_LENGTH,
    labels.MSG_ID_CHARS,
    labels.MSG_ID_CHECK,
    labels.MSG_ID_FLOAT,
    labels.MSG_PHONE,
    labels.MSG_DATE,
    labels.MSG_DATE_FUTURE,
    labels.MSG_DATE_ORDER,
    labels.MSG_ENUM,
    labels.MSG_PAIRING_PARTIAL,
    labels.MSG_PAIRING_OVERLAP,
    labels.MSG_NOT_IN_ROSTER,
    labels.MSG_CLOSED_DATE_MISSING,
    labels.MSG_CLOSED_DATE_OPEN,
)
# Placeholders that name a column, a status or the allowed values stay in the group's name; those
# that hold the refused value (or a date, a phone) become "…".
_KEPT_FIELDS = {"column", "label", "later", "earlier", "allowed", "status", "missing"}
_COLUMN_FIELDS = {"column", "label", "later", "earlier"}
_REASON_SEPARATOR = "；"  # ingest/validate.py joins the reasons of one row with it


def _column_pattern() -> str:
    """Any canonical column label: "{column}{value}" can only be split where the column name ends."""
    names = {column.label for columns in labels.COLUMNS.values() for column in columns}
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


@cache
def _message_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern matching one reason made from a message, how the message reads with values left out)."""
    patterns = []
    for message in _ROW_MESSAGES:
        regex = ""
        for literal, field_name, _spec, _conversion in string.Formatter().parse(message):
            regex += re.escape(literal)
            if field_name in _COLUMN_FIELDS:
                regex += f"(?P<{field_name}>{_column_pattern()})"
            elif field_name is not None:
                # a value never holds the separator of reasons, so a pattern cannot run into the next one
                regex += f"(?P<{field_name}>[^{_REASON_SEPARATOR}]*?)"
        patterns.append((re.compile(regex), message))
    # the longest messages first: a short one ("{column}不能为空") must not win over a specific one
    patterns.sort(key=lambda item: -len(item[1]))
    return tuple(patterns)


def reason_kinds(reason: str) -> list[str]:
    """The messages a stored reason is made of, each with its refused values left out."""
    text = reason.replace(labels.MSG_ID_ZEROS_HINT, "")  # a hint added to the check-digit message
    parts = text.split(_REASON_SEPARATOR)
    kinds: list[str] = []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):  # messages may contain the separator themselves
            candidate = _REASON_SEPARATOR.join(parts[start:end])
            kind = _kind_of(candidate)
            if kind is not None:
                kinds.append(kind)
                start = end
                break
        else:
            if parts[start]:  # a reason from a message not listed above: grouped as written, masked
                kinds.append(masking.mask_text(parts[start]))
            start += 1
    return kinds


def _kind_of(text: str) -> str | None:
    for pattern, message in _message_patterns():
        match = pattern.fullmatch(text)
        if match:
            values = {
                name: (value if name in _KEPT_FIELDS else labels.QUALITY_VALUE_PLACEHOLDER)
                for name, value in match.groupdict().items()
            }
            return message.format(**values)
    return None


def rejected_by_reason(rows: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows (a rejected_rows result) counted per kind of reason: reason, rows, files."""
    counts: dict[str, int] = {}
    files: dict[str, set[str]] = {}
    for reason, file_name in zip(rows["reason"].tolist(), rows["file_name"].tolist(), strict=True):
        for kind in dict.fromkeys(reason_kinds(reason)):  # a row counts once per kind of reason
            counts[kind] = counts.get(kind, 0) + 1
            files.setdefault(kind, set()).add(file_name)
    frame = pd.DataFrame(
        {
            "reason": list(counts),
            "rows": list(counts.values()),
            "files": ["、".join(sorted(files[kind])) for kind in counts],
        },
        columns=["reason", "rows", "files"],
    )
    return frame.sort_values(["rows", "reason"], ascending=[False, True], ignore_index=True)
