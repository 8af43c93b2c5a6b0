"""Callbacks entered on the page, and the problems they report turned into issues — through the normal import.

A callback entered on the page is a one-row table of the kind `callback` imported like a file (load.import_sheets):
the same cleaning and rejections, its own import batch (named after the sample and line), the same dedup key. Its
digest takes the moment of saving as well, so that saving an answer again is never mistaken for a file sent twice.
A problem reported in a callback (反映问题) becomes an issue of the ledger the same way, as a one-row issue table:
提出日期 = 回访日期, 问题类别 其他 unless another is chosen, 问题描述 "回访反映：…", 办理层级 领导小组办公室 (the office
found it and follows it), 责任单位 the cadre's department, 办理状态 待办理. A county account's entries, like its
imports, may only touch people of its county.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import pandas as pd

from pipeline import config, db, labels, masking, periods
from pipeline.ingest import load
from pipeline.ingest.read import RawColumn, RawSheet
from pipeline.ingest.rows import ImportReport
from pipeline.queries import ALL, Scope


def import_frame(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    frame: pd.DataFrame,
    *,
    file_name: str,
    user: str,
    today: dt.date | str | None = None,
    county: str | None = None,
) -> ImportReport:
    """Import a table whose columns are canonical Chinese headers as one batch (a county account: its county only)."""
    columns = []
    for position, header in enumerate(frame.columns):
        cells = frame.iloc[:, position]
        columns.append(RawColumn.encode([str(header), *cells.astype(object).where(cells.notna(), "").tolist()]))
    saved_at = dt.datetime.now().isoformat()
    digest = hashlib.sha256((frame.to_csv(index=False) + saved_at).encode("utf-8")).hexdigest()
    report = ImportReport(file=file_name, sha256=digest)
    sheet = RawSheet(file_name, columns, len(frame) + 1)
    return load.import_sheets(con, [sheet], report, kind=kind, user=user, today=today, county=county)


def _label(field_name: str) -> str:
    return labels.column_label("callback", field_name)


def record(
    con: duckdb.DuckDBPyConnection,
    sample_id: int,
    line_no: int,
    id_number: str,
    answers: dict[str, object],
    *,
    user: str,
    today: dt.date | str | None = None,
    county: str | None = None,
) -> ImportReport:
    """Save one callback of a sample's person (answers by field: callback_date, caller, reach, knows_cadre,
    contact_truth, satisfaction, reported_issue); the import report says whether it landed."""
    day = answers.get("callback_date") or config.today(today)
    row = {
        _label("id_number"): id_number,
        _label("callback_date"): day.isoformat() if isinstance(day, dt.date) else str(day),
        _label("caller"): answers.get("caller") or None,
        _label("reach"): answers.get("reach") or None,
        _label("knows_cadre"): answers.get("knows_cadre") or None,
        _label("contact_truth"): answers.get("contact_truth") or None,
        _label("satisfaction"): answers.get("satisfaction") or None,
        _label("reported_issue"): answers.get("reported_issue") or None,
        _label("sample_id"): str(int(sample_id)),
        _label("line_no"): str(int(line_no)),
    }
    frame = pd.DataFrame([row])
    name = labels.CB_PAGE_ENTRY_FILE.format(sample=sample_id, line=line_no)
    return import_frame(con, "callback", frame, file_name=name, user=user, today=today, county=county)


def reported_issues(
    con: duckdb.DuckDBPyConnection, period: periods.Period, scope: Scope = ALL, masked: bool = True
) -> pd.DataFrame:
    """The problems people reported in the callbacks of a period, and whether each is in the issue ledger."""
    frame = con.execute(
        db.read_sql("callbacks/reported_issues.sql"),
        {
            "period_start": period.start,
            "period_end": period.as_of,
            "scope_county": scope.county,
            "scope_department": scope.department,
            "issue_prefix": issue_description(""),
        },
    ).df()
    frame["callback_date"] = [pd.Timestamp(d).date() for d in frame["callback_date"]]
    if masked:
        frame["id_number"] = [masking.mask_id(v) for v in frame["id_number"]]
        frame["beneficiary_name"] = [masking.mask_name(v) for v in frame["beneficiary_name"]]
        frame["cadre_phone"] = [masking.mask_phone(v) if isinstance(v, str) else None for v in frame["cadre_phone"]]
        frame["reported_issue"] = [masking.mask_text(v) for v in frame["reported_issue"]]
    return frame


def issue_description(text: str) -> str:
    """The 问题描述 of an issue raised from a callback: 回访反映：…"""
    return labels.ISSUE_FROM_CALLBACK.format(text=text)


def raise_issue(
    con: duckdb.DuckDBPyConnection,
    callback_key: str,
    *,
    category: str = labels.CALLBACK_ISSUE_CATEGORY,
    user: str,
    today: dt.date | str | None = None,
    county: str | None = None,
) -> ImportReport:
    """Put the problem a callback reported into the issue ledger (see the module's note), as a one-row import."""
    found = con.execute(db.read_sql("callbacks/callback_for_issue.sql"), {"callback_key": callback_key}).fetchall()
    if not found:
        raise KeyError(callback_key)
    id_number, day, text, department = found[0]
    columns = {c.field: c.label for c in labels.ISSUES_COLUMNS}
    frame = pd.DataFrame(
        [
            {
                columns["id_number"]: id_number,
                columns["raised_on"]: day.isoformat(),
                columns["category"]: category,
                columns["description"]: issue_description(text),
                columns["level"]: labels.CALLBACK_ISSUE_LEVEL,
                columns["responsible_unit"]: department,
                columns["status"]: labels.CALLBACK_ISSUE_STATUS,
            }
        ]
    )
    name = labels.ISSUE_FROM_CALLBACK_FILE.format(date=day.isoformat())
    return import_frame(con, "issues", frame, file_name=name, user=user, today=today, county=county)
