"""The dispatch report's sheet 回访核查情况 (SPEC §8): the callback figures by county and by department, and the
cadres behind the period's 疑点."""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline import labels, snapshots
from pipeline.callbacks import doubtful

FIGURES = (
    "callbacks",
    "callback_reach_rate",
    "callback_know_rate",
    "callback_truth_rate",
    "callback_satisfaction_rate",
)


def _by(figures: snapshots.Figures, key: str) -> pd.DataFrame:
    frame = figures.current.get(key)
    if frame is None or "callbacks" not in frame.columns:
        return pd.DataFrame(columns=[key, *FIGURES])
    rows = frame[frame["callbacks"].fillna(0) > 0][[key, *FIGURES]]
    overall = figures.current.get("overall")
    if rows.empty or overall is None or overall.empty:
        return rows.reset_index(drop=True)
    total = overall.iloc[0]
    rows = pd.concat([rows, pd.DataFrame([{key: labels.REPORT_TOTAL, **{m: total[m] for m in FIGURES}}])])
    return rows.reset_index(drop=True)


def tables(
    con: duckdb.DuckDBPyConnection, figures: snapshots.Figures, masked: bool = True, found: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """{"county": …, "department": …, "doubtful": …}: the figures of the report's period and scope (as the report has
    them, live or frozen) and the cadres behind the period's 疑点 as the data stands now (phones masked by default).
    `found` is the period's 疑点 already found (doubtful.find of the same period and scope, masked alike)."""
    if found is None:
        found = doubtful.find(con, figures.period, figures.scope, masked=masked)
    return {
        "county": _by(figures, "county"),
        "department": _by(figures, "department"),
        "doubtful": doubtful.by_cadre(found),
    }
