"""The lines of a new item from what the dashboard already finds, and its 督办要求 written like the reminders.

The overdue lists (`queries.overdue`, unmasked: the lines keep the full ID number to find the evidence later)
become one line per pair not contacted in time or per issue overdue; each line's words are the sentence of
the 督办提醒 for it (pipeline/reminders.py), with the cadre's name in front, masked like the reminders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from pipeline import labels, masking, reminders
from pipeline.supervision import rules

SOURCE_OF = {"contacts": "overdue_contacts", "issues": "overdue_issues"}


def _value(row: dict, column: str) -> object:
    value = row.get(column)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def pair_line(row: dict, threshold: int) -> dict:
    """A line for one row of the overdue-contacts list."""
    return {
        "kind": "pair",
        **{c: _value(row, c) for c in ("id_number", "beneficiary_name", "category", "county", "township")},
        "cadre_name": _value(row, "cadre_name"),
        "cadre_phone": _value(row, "cadre_phone"),
        "summary": labels.SV_LINE_SUMMARY.format(cadre=row["cadre_name"], item=reminders.contact_item(row, threshold)),
    }


def issue_line(row: dict) -> dict:
    """A line for one row of the overdue-issues list (the issue is found again by its key in the ledger)."""
    cadre = _value(row, "cadre_name")
    item = reminders.issue_item(row)
    return {
        "kind": "issue",
        **{c: _value(row, c) for c in ("id_number", "beneficiary_name", "category", "county", "township")},
        "cadre_name": cadre,
        "cadre_phone": _value(row, "cadre_phone"),
        "issue_key": _value(row, "issue_key"),
        "issue_no": _value(row, "issue_no"),
        "issue_raised_on": _value(row, "raised_on"),
        "issue_category": _value(row, "issue_category"),
        "description": _value(row, "description"),
        "summary": labels.SV_LINE_SUMMARY.format(cadre=cadre, item=item) if cadre else item,
    }


def text_line(text: str) -> dict:
    """A line written by hand (masked: a number typed into it is no identifier to keep)."""
    cleaned = rules.clean_text(text, labels.SV_LINE_TEXT)
    return {"kind": "text", "summary": masking.mask_text(cleaned)}


def lines_from_overdue(frame: pd.DataFrame, what: str, threshold: int, cadres: Iterable[str] = ()) -> list[dict]:
    """The lines of an overdue list (contacts or issues), only those of the named cadres when some are named."""
    wanted = {c.strip() for c in cadres if c and c.strip()}
    rows = frame.to_dict("records")
    if wanted:
        rows = [row for row in rows if row.get("cadre_name") in wanted]
    if what == "contacts":
        return [pair_line(row, threshold) for row in rows]
    return [issue_line(row) for row in rows]


def requirement_text(department: str, lines: list[dict], due_on: dt.date) -> str:
    """The 督办要求 a new item starts with: what to do by when, then its lines numbered (masked)."""
    head = labels.SV_REQUIREMENT_HEAD.format(department=department, due=reminders.date_text(due_on), count=len(lines))
    body = [labels.REMINDER_LINE.format(number=n, item=line["summary"]) for n, line in enumerate(lines, start=1)]
    return "\n".join([head, *body, labels.SV_REQUIREMENT_TAIL])
