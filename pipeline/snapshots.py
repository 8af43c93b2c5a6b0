"""A period's figures, read live or frozen (封存), and whether last period's reminders worked.

`gather_figures` reads everything a report is made of: the metrics of the period (every grouping)
and of the comparable period before, the monthly trend, the two 督办 lists, the issue ledger summary
and the reminder effectiveness per department. `create_snapshot` stores exactly that, with who froze
it, when and on which data version (the last import batch), so that a meeting's numbers can be
reproduced after later imports have corrected the past; `load_figures` reads it back unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline import catalog, db, labels, periods, queries, settings
from pipeline.config import today as resolve_today
from pipeline.queries import ALL, Scope

# What the report itself needs of the period, and of the period before (rank changes, "较上季度").
REPORT_GROUPINGS = ("overall", "county", "department")
PREVIOUS_GROUPINGS = ("overall", "county", "department")

REMINDER_COUNTS = (
    "overdue_contacts_before",
    "contacted_after",
    "overdue_issues_before",
    "closed_after",
    "resolved_after",
)
REMINDER_COLUMNS = (
    "department",
    "overdue_contacts_before",
    "contacted_after",
    "not_contacted_after",
    "contact_follow_rate",
    "overdue_issues_before",
    "closed_after",
    "resolved_after",
    "still_open_after",
    "issue_close_rate",
)
ISSUE_SUMMARY_COUNTS = (
    "issues_total",
    "issues_new",
    "issues_resolved",
    "issues_open",
    "issues_closed_in_p",
    "issues_overdue",
)
COMPARISONS = ("same", "changed", "added", "removed")  # the comparison column of compare_snapshot

_ROLE_CURRENT, _ROLE_PREVIOUS, _ROLE_MONTH = "current", "previous", "month"
_ALL_KEYS = ("overall", "county", "township", "department", "cadre", "cadre_phone_masked", "cadre_level", "category")

# The frames stored beside the metrics: table, and the columns kept (the table's own columns).
_OVERDUE_CONTACT_COLUMNS = (
    "id_number",
    "beneficiary_name",
    "category",
    "county",
    "township",
    "village",
    "cadre_name",
    "cadre_phone",
    "department",
    "paired_on",
    "run_started_on",
    "last_contact_on",
    "days_since_contact",
    "days_overdue",
)
_OVERDUE_ISSUE_COLUMNS = (
    "id_number",
    "beneficiary_name",
    "category",
    "county",
    "township",
    "village",
    "cadre_name",
    "cadre_phone",
    "department",
    "issue_no",
    "raised_on",
    "issue_category",
    "issue_level",
    "responsible_unit",
    "status",
    "description",
    "days_open",
    "days_overdue",
)

# Static statements: the table names are fixed here, every value is bound.
# The frozen tables a snapshot writes and reads back (sql/report/snapshot_insert_KIND.sql, snapshot_read_KIND.sql)
_FROZEN_KINDS = ("metric", "figure", "overdue_contact", "overdue_issue", "issue_summary", "reminder")


def _frozen(kind: str) -> str:
    """A frozen table's kind, checked (it names a file under sql/report/)."""
    if kind not in _FROZEN_KINDS:
        raise ValueError(kind)
    return kind


class SnapshotNotFound(LookupError):
    """No snapshot with the id asked for (or none in this scope)."""


@dataclass(frozen=True)
class Snapshot:
    """Who froze which period's figures, when, and on which data version."""

    snapshot_id: int
    period: periods.Period
    previous: periods.Period
    scope: Scope
    created_at: dt.datetime
    created_by: str
    note: str
    data_batch_id: int | None
    config: settings.Settings


@dataclass
class Figures:
    """Everything a report is made of, for one period and scope (identifiers in full: mask on output)."""

    period: periods.Period
    previous: periods.Period
    scope: Scope
    config: settings.Settings
    current: dict[str, pd.DataFrame]  # grouping → queries.metrics rows
    before: dict[str, pd.DataFrame]  # the comparable period before: overall, county, department (as asked for)
    # the parts below the headline: None when only the headline was read (gather_figures(lists=False))
    trend: pd.DataFrame | None  # one row per month of the period (overall)
    overdue_contacts: pd.DataFrame | None
    overdue_issues: pd.DataFrame | None
    issue_summary: pd.DataFrame | None  # one row per issue category and handling level
    reminders: pd.DataFrame  # one row per department: reminder effectiveness
    data_batch_id: int | None
    snapshot: Snapshot | None = None


# ---------------------------------------------------------------- live figures


def last_batch_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The id of the last import batch: the data version a snapshot is taken on."""
    return con.execute(db.read_sql("report/last_batch.sql")).fetchall()[0][0]


def reminder_period(period: periods.Period) -> periods.Period:
    """The period whose end the reminders went out at: the whole previous period, even for a running one."""
    previous = periods.previous_period(period)
    return dataclasses.replace(previous, as_of=previous.end)


def _reminder_model(
    con: duckdb.DuckDBPyConnection,
    model: str,
    period: str | periods.Period,
    scope: Scope,
    today: str | dt.date | None,
    config: settings.Settings | None,
) -> pd.DataFrame:
    target = periods.parse_period(period, today)
    # the model follows the earlier period's 督办 list up to the as_of of the one reported on: only the earlier
    # period's figures are computed
    return queries.run_model(con, model, [reminder_period(target)], scope, config, followed_until=target.as_of)


def reminder_effectiveness(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """Per department: pairs and issues overdue at the end of the previous period, and how many were dealt with."""
    frame = _reminder_model(con, "mart_reminder_departments", period, scope, today, config)
    return finish_reminders(frame)


def reminder_rows(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    what: str = "contacts",
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The pairs (what="contacts") or issues (what="issues") behind reminder_effectiveness, full identifiers."""
    if what not in ("contacts", "issues"):
        raise ValueError(labels.MSG_OVERDUE_WHAT_INVALID.format(value=what))
    frame = _reminder_model(con, f"mart_reminder_{what}", period, scope, today, config)
    return frame.sort_values(["department", "county", "township", "id_number"], kind="stable").reset_index(drop=True)


def finish_reminders(frame: pd.DataFrame) -> pd.DataFrame:
    """Reminder counts per department → the derived columns, most overdue first (also for frozen counts)."""
    result = frame[["department", *REMINDER_COUNTS]].copy()
    result = result.astype({column: "int64" for column in REMINDER_COUNTS})
    result["not_contacted_after"] = result["overdue_contacts_before"] - result["contacted_after"]
    result["contact_follow_rate"] = _ratio(result["contacted_after"], result["overdue_contacts_before"])
    result["still_open_after"] = result["overdue_issues_before"] - result["closed_after"]
    result["issue_close_rate"] = _ratio(result["closed_after"], result["overdue_issues_before"])
    result = result.sort_values(
        ["overdue_contacts_before", "overdue_issues_before", "department"], ascending=[False, False, True]
    )
    return result[list(REMINDER_COLUMNS)].reset_index(drop=True)


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as floats, empty (NaN) where nothing was overdue."""
    return numerator.astype("float64") / denominator.where(denominator > 0).astype("float64")


def issue_summary(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The issue ledger of the period by category and handling level: total, new, resolved, open, closed, overdue."""
    target = periods.parse_period(period, today)
    rows = queries.drill_rows(con, target, "overall", None, "issues_total", scope, masked=False, config=config)
    closed_on = pd.to_datetime(rows["closed_on"])
    rows = rows.assign(is_open=closed_on.isna() | (closed_on > pd.Timestamp(target.as_of)))
    flags = {
        "issues_new": "is_new",
        "issues_resolved": "is_resolved",
        "issues_open": "is_open",
        "issues_closed_in_p": "is_closed_in_period",
        "issues_overdue": "is_overdue",
    }
    grouped = rows.groupby(["issue_category", "issue_level"], sort=False)
    summary = grouped.size().rename("issues_total").to_frame()
    for column, flag in flags.items():
        summary[column] = grouped[flag].sum()
    summary = summary.reset_index()
    summary = summary.astype({column: "int64" for column in ISSUE_SUMMARY_COUNTS})
    return _order_issue_summary(summary)


def _order_issue_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories and levels in the ledger's own order (unknown values last, by name)."""
    category_rank = {name: i for i, name in enumerate(labels.ISSUE_CATEGORIES)}
    level_rank = {name: i for i, name in enumerate(labels.ISSUE_LEVELS)}
    ordered = frame.assign(
        _category=frame["issue_category"].map(lambda v: category_rank.get(v, len(category_rank))),
        _level=frame["issue_level"].map(lambda v: level_rank.get(v, len(level_rank))),
    ).sort_values(["_category", "issue_category", "_level", "issue_level"], kind="stable")
    columns = ["issue_category", "issue_level", *ISSUE_SUMMARY_COUNTS]
    return ordered[columns].reset_index(drop=True)


def monthly_trend(
    con: duckdb.DuckDBPyConnection,
    period: periods.Period,
    scope: Scope = ALL,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The overall metrics of each month of the period, the last one cut at the period's as_of."""
    return queries.trend(con, period.start, period.as_of, "overall", scope, today=period.as_of, config=config)


def gather_figures(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
    groupings: tuple[str, ...] = REPORT_GROUPINGS,
    *,
    lists: bool = True,
    known: Mapping[str, pd.DataFrame] | None = None,
) -> Figures:
    """Read everything a report of the period needs from the live data.

    With lists=False only what the headline needs (the metrics and the reminders' effect): the trend, the 督办 lists
    and the issue summary stay None. `known` holds parts already read for the same period, scope and settings
    (reminders, overdue_contacts, overdue_issues: what the app keeps), taken as they are instead of read again.
    """
    target = periods.parse_period(period, today)
    config = config or settings.read_settings(con)
    previous = periods.previous_period(target)
    known = known or {}
    earlier_groupings = tuple(by for by in groupings if by in PREVIOUS_GROUPINGS)
    if set(earlier_groupings) == set(groupings):  # both periods in one query: their contacts are read once
        current, before = queries.metrics_of_periods(con, [target, previous], groupings, scope, config)
    else:
        current = queries.metrics_many(con, target, groupings, scope, config=config)
        before = queries.metrics_many(con, previous, earlier_groupings, scope, config=config)

    def part(name: str, read):
        if name in known:
            return known[name]
        return read() if lists or name == "reminders" else None

    return Figures(
        period=target,
        previous=previous,
        scope=scope,
        config=config,
        current=current,
        before=before,
        trend=part("trend", lambda: monthly_trend(con, target, scope, config)),
        overdue_contacts=part(
            "overdue_contacts", lambda: queries.overdue(con, target, "contacts", scope, masked=False, config=config)
        ),
        overdue_issues=part(
            "overdue_issues", lambda: queries.overdue(con, target, "issues", scope, masked=False, config=config)
        ),
        issue_summary=part("issue_summary", lambda: issue_summary(con, target, scope, config=config)),
        reminders=part("reminders", lambda: reminder_effectiveness(con, target, scope, config=config)),
        data_batch_id=last_batch_id(con),
    )


# ---------------------------------------------------------------- freezing


def _metric_rows(frame: pd.DataFrame, role: str, period_text: str, by: str) -> pd.DataFrame:
    rows = frame.copy()
    if "month" in rows.columns:  # a trend frame: one period per row
        rows["period"] = rows.pop("month")
    else:
        rows["period"] = period_text
    rows["period_role"] = role
    rows["grouping_name"] = by
    rows["row_no"] = range(len(rows))
    return rows


_ROW_KEYS = ["period_role", "period", "grouping_name", "row_no"]


def _insert_metric_rows(con: duckdb.DuckDBPyConnection, snapshot_id: int, frame: pd.DataFrame) -> None:
    """Frozen metric rows: their keys in report_snapshot_metric, their figures long in report_snapshot_figure."""
    metrics = [column for column in queries.METRIC_COLUMNS if column in frame.columns]
    _insert(con, "metric", snapshot_id, frame.drop(columns=metrics))
    figures = frame[[*_ROW_KEYS, *metrics]].astype({m: "float64" for m in metrics})
    figures = figures.melt(id_vars=_ROW_KEYS, var_name="metric", value_name="value").dropna(subset=["value"])
    _insert(con, "figure", snapshot_id, figures.reset_index(drop=True))


def _read_metric_rows(
    con: duckdb.DuckDBPyConnection, snapshot_id: int, role: str | None = None, grouping: str | None = None
) -> pd.DataFrame:
    """Frozen metric rows with one column per metric; a metric not frozen in this snapshot is empty."""
    params = {"snapshot_id": int(snapshot_id), "role": role, "grouping": grouping}
    rows = con.execute(db.read_sql("report/snapshot_metric_rows.sql"), params).df()
    figures = con.execute(db.read_sql("report/snapshot_figures.sql"), params).df()
    wide = figures.pivot_table(index=_ROW_KEYS, columns="metric", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(queries.METRIC_COLUMNS)).reset_index()
    return rows.merge(wide, on=_ROW_KEYS, how="left")


def _insert(con: duckdb.DuckDBPyConnection, kind: str, snapshot_id: int, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    rows = frame.copy()
    if "row_no" not in rows.columns:
        rows.insert(0, "row_no", range(len(rows)))
    rows.insert(0, "snapshot_id", snapshot_id)
    con.register("snapshot_rows", rows)
    try:
        con.execute(db.read_sql(f"report/snapshot_insert_{_frozen(kind)}.sql"))
    finally:
        con.unregister("snapshot_rows")


def create_snapshot(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    user: str,
    note: str = "",
    today: str | dt.date | None = None,
    scope: Scope = ALL,
    at: dt.datetime | None = None,
) -> int:
    """Freeze the figures of a period (every grouping, the 督办 lists, the issue summary, reminders); return its id."""
    if not user or not user.strip():
        raise ValueError(labels.MSG_SNAPSHOT_USER_MISSING)
    figures = gather_figures(con, period, scope, today, groupings=queries.GROUPINGS)
    target, previous = figures.period, figures.previous
    when = at or dt.datetime.now().replace(microsecond=0)
    with db.transaction(con):
        snapshot_id = con.execute(db.read_sql("report/snapshot_next_id.sql")).fetchall()[0][0]
        con.execute(
            db.read_sql("report/snapshot_insert.sql"),
            {
                "snapshot_id": snapshot_id,
                "period": target.text,
                "period_kind": target.kind,
                "start_on": target.start,
                "end_on": target.end,
                "as_of": target.as_of,
                "previous_period": previous.text,
                "previous_kind": previous.kind,
                "previous_start": previous.start,
                "previous_end": previous.end,
                "previous_as_of": previous.as_of,
                "scope_county": scope.county,
                "scope_department": scope.department,
                "created_at": when,
                "created_by": user.strip(),
                "note": (note or "").strip(),
                "data_batch_id": figures.data_batch_id,
                "settings": json.dumps(figures.config.as_dict(), sort_keys=True),
            },
        )
        metric_frames = [_metric_rows(f, _ROLE_CURRENT, target.text, by) for by, f in figures.current.items()]
        metric_frames += [_metric_rows(f, _ROLE_PREVIOUS, previous.text, by) for by, f in figures.before.items()]
        metric_frames.append(_metric_rows(figures.trend, _ROLE_MONTH, "", "overall"))
        for frame in metric_frames:
            _insert_metric_rows(con, snapshot_id, frame)
        _insert(con, "overdue_contact", snapshot_id, figures.overdue_contacts[list(_OVERDUE_CONTACT_COLUMNS)])
        _insert(con, "overdue_issue", snapshot_id, figures.overdue_issues[list(_OVERDUE_ISSUE_COLUMNS)])
        _insert(con, "issue_summary", snapshot_id, figures.issue_summary)
        _insert(con, "reminder", snapshot_id, figures.reminders[["department", *REMINDER_COUNTS]])
    return int(snapshot_id)


# ---------------------------------------------------------------- reading back


def _has_snapshot_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """False on a database written before snapshots existed and opened read-only (no schema update)."""
    found = con.execute(db.read_sql("report/snapshot_tables.sql")).fetchall()[0][0]
    return bool(found)


def list_snapshots(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> pd.DataFrame:
    """Every snapshot, newest first (only those of one scope when scope is given)."""
    columns = [
        "snapshot_id",
        "period",
        "period_label",
        "scope",
        "as_of",
        "created_at",
        "created_by",
        "note",
        "data_batch_id",
    ]
    if not _has_snapshot_tables(con):
        return pd.DataFrame(columns=columns)
    frame = con.execute(db.read_sql("report/snapshot_list.sql")).df()
    if scope is not None:
        same = (frame["scope_county"].fillna("") == (scope.county or "")) & (
            frame["scope_department"].fillna("") == (scope.department or "")
        )
        frame = frame[same]
    frame = frame.reset_index(drop=True)
    frame["period_label"] = [_header_period(row, "current").label for row in frame.to_dict("records")]
    frame["scope"] = [
        Scope(county=row["scope_county"] or None, department=row["scope_department"] or None).label
        for row in frame.to_dict("records")
    ]
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame[columns]


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _day(value: object) -> dt.date:
    return pd.Timestamp(value).date()


_HEADER_PERIOD_COLUMNS = {
    "current": ("period", "period_kind", "start_on", "end_on", "as_of"),
    "previous": ("previous_period", "previous_kind", "previous_start", "previous_end", "previous_as_of"),
}


def _header_period(row: dict, which: str) -> periods.Period:
    """The frozen period (or the one it was compared with) of a report_snapshot row."""
    text, kind, start, end, as_of = _HEADER_PERIOD_COLUMNS[which]
    return periods.Period(row[text], row[kind], _day(row[start]), _day(row[end]), _day(row[as_of]))


def _settings_from_json(text: str) -> settings.Settings:
    values = {**settings.DEFAULTS, **json.loads(text)}
    return settings.Settings(
        overdue_days=int(values["overdue_days"]),
        weights={rate: float(values[settings.WEIGHT_KEYS[rate]]) for rate in settings.SCORE_RATES},
        rag_green=float(values["rag_green"]),
        rag_amber=float(values["rag_amber"]),
    )


def get_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Snapshot:
    """The header of one snapshot, or SnapshotNotFound."""
    if not _has_snapshot_tables(con):
        raise SnapshotNotFound(labels.MSG_SNAPSHOT_NOT_FOUND.format(snapshot_id=snapshot_id))
    cursor = con.execute(db.read_sql("report/snapshot_header.sql"), {"snapshot_id": int(snapshot_id)})
    names = [d[0] for d in cursor.description]
    found = cursor.fetchall()
    if not found:
        raise SnapshotNotFound(labels.MSG_SNAPSHOT_NOT_FOUND.format(snapshot_id=snapshot_id))
    row = dict(zip(names, found[0], strict=True))
    return Snapshot(
        snapshot_id=int(row["snapshot_id"]),
        period=_header_period(row, "current"),
        previous=_header_period(row, "previous"),
        scope=Scope(county=_text(row["scope_county"]), department=_text(row["scope_department"])),
        created_at=row["created_at"],
        created_by=row["created_by"],
        note=row["note"] or "",
        data_batch_id=row["data_batch_id"],
        config=_settings_from_json(row["settings"]),
    )


def _shape_metrics(rows: pd.DataFrame, by: str, leading: tuple[str, ...] = ()) -> pd.DataFrame:
    """Stored metric rows → the frame queries.metrics returns (same columns, same types)."""
    columns = [*leading, *queries.KEY_COLUMNS[by], *queries.METRIC_COLUMNS]
    frame = rows.reindex(columns=columns).reset_index(drop=True)
    # a count not frozen in an older snapshot (a metric added since) stays empty: a nullable integer
    types = {c: "Int64" if t == "int64" and frame[c].isna().any() else t for c, t in catalog.dtypes().items()}
    return frame.astype(types)


def snapshot_metrics(con: duckdb.DuckDBPyConnection, snapshot_id: int, by: str) -> pd.DataFrame:
    """The frozen metrics of a snapshot's period for one grouping, shaped like queries.metrics."""
    if by not in queries.GROUPINGS:
        raise ValueError(labels.MSG_GROUPING_INVALID.format(value=by, allowed="、".join(queries.GROUPINGS)))
    get_snapshot(con, snapshot_id)
    return _shape_metrics(_read_metric_rows(con, snapshot_id, _ROLE_CURRENT, by), by)


def _read(con: duckdb.DuckDBPyConnection, kind: str, snapshot_id: int) -> pd.DataFrame:
    return con.execute(db.read_sql(f"report/snapshot_read_{_frozen(kind)}.sql"), {"snapshot_id": snapshot_id}).df()


def _typed(frame: pd.DataFrame, columns: tuple[str, ...], integers: tuple[str, ...]) -> pd.DataFrame:
    result = frame.reindex(columns=list(columns))
    return result.astype({column: "int64" for column in integers if column in result.columns})


def load_figures(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> Figures:
    """The figures frozen in a snapshot, exactly as they were when it was taken."""
    snapshot = get_snapshot(con, snapshot_id)
    metrics = _read_metric_rows(con, snapshot.snapshot_id)
    current, before = {}, {}
    for (role, by), rows in metrics.groupby(["period_role", "grouping_name"], sort=False):
        if role == _ROLE_CURRENT:
            current[by] = _shape_metrics(rows, by)
        elif role == _ROLE_PREVIOUS:
            before[by] = _shape_metrics(rows, by)
    months = metrics[metrics["period_role"] == _ROLE_MONTH].rename(columns={"period": "month"})
    summary = _read(con, "issue_summary", snapshot.snapshot_id)
    reminders = _read(con, "reminder", snapshot.snapshot_id)
    empty_metrics = {
        by: _shape_metrics(pd.DataFrame(columns=list(_ALL_KEYS) + list(queries.METRIC_COLUMNS)), by)
        for by in queries.GROUPINGS
    }
    return Figures(
        period=snapshot.period,
        previous=snapshot.previous,
        scope=snapshot.scope,
        config=snapshot.config,
        current={by: current.get(by, empty_metrics[by]) for by in queries.GROUPINGS},
        before={by: before.get(by, empty_metrics[by]) for by in PREVIOUS_GROUPINGS},
        trend=_shape_metrics(months, "overall", leading=("month",)),
        overdue_contacts=_typed(
            _read(con, "overdue_contact", snapshot.snapshot_id),
            _OVERDUE_CONTACT_COLUMNS,
            ("days_since_contact", "days_overdue"),
        ),
        overdue_issues=_typed(
            _read(con, "overdue_issue", snapshot.snapshot_id), _OVERDUE_ISSUE_COLUMNS, ("days_open", "days_overdue")
        ),
        issue_summary=_order_issue_summary(
            _typed(summary, ("issue_category", "issue_level", *ISSUE_SUMMARY_COUNTS), ISSUE_SUMMARY_COUNTS)
        ),
        reminders=finish_reminders(reminders.reindex(columns=["department", *REMINDER_COUNTS])),
        data_batch_id=snapshot.data_batch_id,
        snapshot=snapshot,
    )


# ---------------------------------------------------------------- frozen against live


def _same(frozen: object, live: object) -> bool:
    frozen_missing, live_missing = pd.isna(frozen), pd.isna(live)
    if frozen_missing or live_missing:
        return bool(frozen_missing and live_missing)
    return math.isclose(float(frozen), float(live), rel_tol=0, abs_tol=1e-9)


def compare_snapshot(
    con: duckdb.DuckDBPyConnection,
    snapshot_id: int,
    by: str,
    today: str | dt.date | None = None,
    changed_only: bool = True,
) -> pd.DataFrame:
    """Frozen and live metrics of a snapshot's period, group by group: m_frozen, m_live, m_diff, and what changed.

    The live figures are taken over the same days as the frozen ones (a snapshot of a running period
    keeps its own as_of, cut at today when that is earlier), in the snapshot's scope, so a difference
    means the data or the settings changed since, not that time went by.
    """
    snapshot = get_snapshot(con, snapshot_id)
    frozen = snapshot_metrics(con, snapshot_id, by)
    day = resolve_today(today)
    window = snapshot.period
    if day < window.as_of:
        window = dataclasses.replace(window, as_of=max(day, window.start))
    live = queries.metrics(con, window, by, snapshot.scope)
    keys = list(queries.KEY_COLUMNS[by])
    # two groups can share a shown key (two cadres of one name with the same masked phone): number them
    frozen["_occurrence"] = frozen.groupby(keys, dropna=False).cumcount()
    live["_occurrence"] = live.groupby(keys, dropna=False).cumcount()
    merged = frozen.merge(
        live, on=[*keys, "_occurrence"], how="outer", suffixes=("_frozen", "_live"), indicator=True, sort=False
    )
    changes, names = [], []
    for row in merged.to_dict("records"):
        if row["_merge"] == "left_only":
            changes.append("removed")
            names.append("")
            continue
        if row["_merge"] == "right_only":
            changes.append("added")
            names.append("")
            continue
        differing = [m for m in queries.METRIC_COLUMNS if not _same(row[f"{m}_frozen"], row[f"{m}_live"])]
        changes.append("changed" if differing else "same")
        names.append(",".join(differing))
    merged["comparison"] = changes
    merged["changed_metrics"] = names
    columns = [*keys, "comparison", "changed_metrics"]
    for metric in queries.METRIC_COLUMNS:
        merged[f"{metric}_diff"] = merged[f"{metric}_live"] - merged[f"{metric}_frozen"]
        columns += [f"{metric}_frozen", f"{metric}_live", f"{metric}_diff"]
    result = merged[columns]
    if changed_only:
        result = result[result["comparison"] != "same"]
    return result.reset_index(drop=True)
