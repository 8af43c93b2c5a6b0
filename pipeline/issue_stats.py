"""The 问题台账 breakdowns: issues by category, escalation level and status, the age of open issues,
and the days issues closed in the period took.

Every figure comes from one mart, pipeline/sql/marts/mart_issue_counts.sql, run through
queries.run_model, so the population is the one of SPEC §5 (beneficiaries in scope on as_of, their
issues grouped like them) and the scope is applied inside the SQL. This module sums its few rows for
each table (by category, level or status; by age band; by days to close) and shapes them for the page:
fixed row order, zero rows for absent values, Chinese values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline import labels, periods, queries, settings

COUNT_COLUMNS = ("issues_total", "issues_new", "open_issues", "issues_overdue", "issues_closed_in_p", "issues_resolved")
DIMENSIONS = {
    "issue_category": labels.ISSUE_CATEGORIES,
    "issue_level": labels.ISSUE_LEVELS,
    "status_on_as_of": labels.ISSUE_STATUS_ORDER,
}
OVERDUE_COLUMNS = (
    "issue_no",
    "raised_on",
    "days_overdue",
    "issue_category",
    "issue_level",
    "status",
    "responsible_unit",
    "department",
    "cadre_name",
    "cadre_phone",
    "beneficiary_name",
    "id_number",
    "category",
    "county",
    "township",
    "days_open",
    "description",
)


@dataclass(frozen=True)
class IssueStats:
    """Everything the 问题台账 page draws for one period and scope, except the overdue list."""

    breakdown: pd.DataFrame  # per category, level, stored status and is_open, with status_on_as_of and open_issues
    ageing: pd.DataFrame  # one row per age band: open_issues, issues_overdue, one column per level
    close_time: pd.DataFrame  # one row per band of days to close: issues_closed_in_p, one column per status
    as_of: dt.date


def status_on_as_of(status: str, is_open: bool) -> str:
    """The status an issue had on as_of: a closed status counts only if it was closed by then."""
    if is_open and status in labels.CLOSED_STATUSES:
        return labels.ISSUE_STATUS_CLOSED_LATER
    return status


def _sums(frame: pd.DataFrame, keys: list[str], sums: dict[str, str]) -> pd.DataFrame:
    """The counts summed by some keys (a key left empty in the ledger is a group of its own): {new name: column}."""
    grouped = frame.groupby(keys, dropna=False, sort=False)[list(sums.values())].sum()
    return grouped.set_axis(list(sums), axis=1).reset_index()


def _breakdown(rows: pd.DataFrame) -> pd.DataFrame:
    """Issues raised by as_of per category, level and stored status, with their status on as_of and counts."""
    keys = ["issue_category", "issue_level", "status", "is_open"]
    tallies = ["issues_total", "issues_new", "issues_overdue", "issues_closed_in_p", "issues_resolved"]
    frame = _sums(rows, keys, {name: name for name in tallies})
    frame["status_on_as_of"] = [status_on_as_of(s, o) for s, o in zip(frame["status"], frame["is_open"], strict=True)]
    frame["open_issues"] = frame["issues_total"].where(frame["is_open"], 0)
    return frame


def counts_by(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """The breakdown summed by one dimension (issue_category, issue_level or status_on_as_of), every value listed."""
    order = DIMENSIONS[dimension]
    summed = frame.groupby(dimension)[list(COUNT_COLUMNS)].sum()
    # values outside the enumeration (none after the import's checks) go last rather than vanish
    extra = [value for value in summed.index if value not in order]
    result = summed.reindex([*order, *extra], fill_value=0)
    if dimension == "status_on_as_of" and not result.loc[labels.ISSUE_STATUS_CLOSED_LATER].any():
        result = result.drop(index=labels.ISSUE_STATUS_CLOSED_LATER)  # only a past period can have these
    result = result.rename_axis(dimension).reset_index()
    return result.astype({column: "int64" for column in COUNT_COLUMNS})


def status_matrix(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Issues raised by as_of: one row per value of a dimension, one column per status on as_of."""
    statuses = [s for s in labels.ISSUE_STATUS_ORDER if s != labels.ISSUE_STATUS_CLOSED_LATER]
    if (frame["status_on_as_of"] == labels.ISSUE_STATUS_CLOSED_LATER).any():
        statuses = list(labels.ISSUE_STATUS_ORDER)
    table = frame.pivot_table(
        index=dimension, columns="status_on_as_of", values="issues_total", aggfunc="sum", fill_value=0
    )
    order = DIMENSIONS[dimension]
    rows = [*order, *(value for value in table.index if value not in order)]
    table = table.reindex(index=rows, columns=statuses, fill_value=0)
    table.columns.name = None
    return table.rename_axis(dimension).reset_index().astype({s: "int64" for s in statuses})


def _bands(frame: pd.DataFrame, count: str, split: str, splits: list[str], key: str) -> pd.DataFrame:
    """Band rows 1-4 (every band, even empty), the total count, then one count column per split value."""
    numbers = list(labels.ISSUE_AGE_BAND_LABELS)
    table = frame.pivot_table(index="age_band", columns=split, values=count, aggfunc="sum", fill_value=0)
    columns = [*splits, *(value for value in table.columns if value not in splits)]
    table = table.reindex(index=numbers, columns=columns, fill_value=0).astype("int64")
    table.columns.name = None
    table.insert(0, count, table.sum(axis=1))
    table.insert(0, key, [labels.ISSUE_AGE_BAND_LABELS[n] for n in numbers])
    return table.reset_index(drop=True)


def _ageing(rows: pd.DataFrame) -> pd.DataFrame:
    """Issues open on as_of per age band (≤15, 16-30, 31-60, >60 days): total, overdue, and per level."""
    open_rows = rows[rows["is_open"].to_numpy(dtype=bool)]
    frame = _sums(
        open_rows, ["age_band", "issue_level"], {"open_issues": "issues_total", "issues_overdue": "issues_overdue"}
    )
    table = _bands(frame, "open_issues", "issue_level", list(labels.ISSUE_LEVELS), "age_band")
    overdue = frame.groupby("age_band")["issues_overdue"].sum()
    table.insert(2, "issues_overdue", [int(overdue.get(n, 0)) for n in labels.ISSUE_AGE_BAND_LABELS])
    return table


def _close_time(rows: pd.DataFrame) -> pd.DataFrame:
    """Issues closed in the period per band of days to close: total, and per closing status."""
    closed = rows[rows["close_band"].notna().to_numpy(dtype=bool)]
    frame = _sums(closed, ["close_band", "status"], {"issues_closed_in_p": "issues_closed_in_p"})
    frame = frame.rename(columns={"close_band": "age_band"})
    return _bands(frame, "issues_closed_in_p", "status", list(labels.CLOSED_STATUSES), "close_band")


def issue_stats(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    scope: queries.Scope = queries.ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> IssueStats:
    """The breakdown, the ageing and the close-time bands of one period and scope, from the rows of one query."""
    return issue_stats_many(con, [period], scope, today, config)[0]


def issue_stats_many(
    con: duckdb.DuckDBPyConnection,
    period_list: Sequence[str | periods.Period],
    scope: queries.Scope = queries.ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> list[IssueStats]:
    """issue_stats of each period, from the rows of one query: the issues meet the people once for all of them (the
    问题台账 page shows a period beside the one before)."""
    targets = [periods.parse_period(period, today) for period in period_list]
    rows = queries.run_model(con, "mart_issue_counts", targets, scope, config)
    found = []
    for position, target in enumerate(targets):
        own = rows[(rows["period_id"] == position).to_numpy()].drop(columns=["period_id"]).reset_index(drop=True)
        found.append(
            IssueStats(breakdown=_breakdown(own), ageing=_ageing(own), close_time=_close_time(own), as_of=target.as_of)
        )
    return found


def overdue_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A queries.overdue(..., "issues") frame as the page lists it: the columns a 督办 needs, dates as dates."""
    table = frame[list(OVERDUE_COLUMNS)].copy()
    table["raised_on"] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in table["raised_on"]]
    # an issue without a number (the ledger may leave it blank) shows an empty cell, not "None"
    table["issue_no"] = table["issue_no"].fillna("")
    return table
