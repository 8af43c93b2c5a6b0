"""What the data says of each line of an item: done or not, and the evidence (SPEC §7, 销号 on evidence).

A pair line is done by a contact with the person dated after 交办日期 (the first such contact is shown:
"2026-12-03 入户走访"); an issue line when the ledger shows the issue closed (已解决/无法解决, or a 办结日期 after
交办日期); any line when the office accepted the department's 情况说明 (recorded with who and when). The rule
lives in one SQL file, sql/supervision/line_evidence.sql, read for the list, the item's page, 销号 and the marking
after an import.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pipeline import db, labels
from pipeline.queries import Scope


def evidence_frame(
    con: duckdb.DuckDBPyConnection, scope: Scope, today: dt.date, item_id: int | None = None
) -> pd.DataFrame:
    """Every line of the items in the scope (or of one item) with is_done and its evidence on `today`."""
    params = {
        "county": scope.county,
        "department": scope.department,
        "item_id": item_id,
        "as_of": today,
        "closed_statuses": list(labels.CLOSED_STATUSES),
    }
    return con.execute(db.read_sql("supervision/line_evidence.sql"), params).df()


def evidence_text(record: dict) -> str:
    """What shows a line done: 2026-12-03 入户走访 / 2026-12-03 已解决 / 2026-12-05 采纳情况说明, or 未落实."""
    kind = record.get("evidence_kind")
    if not isinstance(kind, str):
        return labels.SV_EVIDENCE_NONE
    day = record.get("evidence_on")
    day_text = pd.Timestamp(day).date().isoformat() if day is not None and not pd.isna(day) else None
    if kind == "accepted":
        return labels.SV_EVIDENCE_ACCEPTED.format(date=day_text)
    what = record.get("evidence_what") or ""
    if day_text is None:
        return labels.SV_EVIDENCE_NO_DATE.format(what=what)
    return labels.SV_EVIDENCE.format(date=day_text, what=what)
