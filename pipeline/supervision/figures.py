"""督办落实情况: per department, the items 交办 in a period and how they were handled by a day.

Counts come from sql/supervision/figures.sql (what each one means is written there); the rates and the average
are derived here, so that a total row is computed from the summed counts, never by averaging rates:
  按期反馈率 feedback_on_time_rate = feedback_on_time / feedback_due   (an item past its time limit without any
                                    反馈 counts against it, even when it was later closed on evidence)
  按期销号率 close_on_time_rate   = closed_on_time / close_due
  平均办结天数 avg_days_to_close  = days_to_close / closed              (calendar days, 交办 to 销号)
A rate whose denominator is 0 is empty, as everywhere else.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pipeline import db, labels, periods
from pipeline.queries import ALL, Scope

COUNT_COLUMNS = (
    "items",
    "feedback_due",
    "feedback_on_time",
    "close_due",
    "closed_on_time",
    "closed",
    "overdue_open",
    "days_to_close",
    "presses",
)
# the six figures of SPEC §7, in the order every table shows them
FIGURE_COLUMNS = (
    "items",
    "feedback_on_time_rate",
    "close_on_time_rate",
    "overdue_open",
    "avg_days_to_close",
    "presses",
)
RATE_COLUMNS = ("feedback_on_time_rate", "close_on_time_rate")
COLUMNS = ("department", *FIGURE_COLUMNS, "feedback_due", "feedback_on_time", "close_due", "closed_on_time", "closed")
OVERDUE_COLUMNS = ("number_text", "department", "level", "raised_on", "due_on", "days_overdue", "answered", "presses")


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _derive(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["feedback_on_time_rate"] = [
        _ratio(a, b) for a, b in zip(frame["feedback_on_time"], frame["feedback_due"], strict=True)
    ]
    frame["close_on_time_rate"] = [
        _ratio(a, b) for a, b in zip(frame["closed_on_time"], frame["close_due"], strict=True)
    ]
    frame["avg_days_to_close"] = [
        round(a / b, 1) if b else None for a, b in zip(frame["days_to_close"], frame["closed"], strict=True)
    ]
    return frame


def department_figures(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    as_of: dt.date,
    scope: Scope = ALL,
    total: bool = False,
) -> pd.DataFrame:
    """One row per department with items 交办 in the period (COLUMNS), as on `as_of`; a 合计 row when asked."""
    target = period if isinstance(period, periods.Period) else periods.parse_period(period, as_of)
    params = {
        "start_on": target.start,
        "end_on": target.end,
        "as_of": as_of,
        "county": scope.county,
        "department": scope.department,
    }
    frame = con.execute(db.read_sql("supervision/figures.sql"), params).df()
    frame = frame.astype({column: "int64" for column in COUNT_COLUMNS})
    if total and not frame.empty:
        sums = {column: int(frame[column].sum()) for column in COUNT_COLUMNS}
        frame = pd.concat([frame, pd.DataFrame([{"department": labels.REPORT_TOTAL, **sums}])], ignore_index=True)
    return _derive(frame)[list(COLUMNS)].reset_index(drop=True)


def overdue_items(
    con: duckdb.DuckDBPyConnection, period: str | periods.Period, as_of: dt.date, scope: Scope = ALL
) -> pd.DataFrame:
    """The items 交办 in the period that were past their time limit on `as_of` and not 销号 (longest first)."""
    from pipeline.supervision import rules

    target = period if isinstance(period, periods.Period) else periods.parse_period(period, as_of)
    params = {
        "start_on": target.start,
        "end_on": target.end,
        "as_of": as_of,
        "county": scope.county,
        "department": scope.department,
    }
    frame = con.execute(db.read_sql("supervision/overdue_items.sql"), params).df()
    frame["number_text"] = [rules.number_text(y, n) for y, n in zip(frame["year"], frame["number"], strict=True)]
    for column in ("raised_on", "due_on"):
        frame[column] = [pd.Timestamp(v).date() for v in frame[column]]
    frame["answered"] = [labels.YES_LABEL if a else labels.NO_LABEL for a in frame["answered"]]
    return frame[list(OVERDUE_COLUMNS)].reset_index(drop=True)
