"""The query measurements: our metrics, the pandas peer, the bare scan and the overdue lists.

All of them read one read-only connection to the cached demo database, so nothing is written, and
each is timed over the same number of runs after one untimed warm-up run (DuckDB's buffer pool and
pandas' first-call costs are paid before the clock starts, for every side alike).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from bench import peer
from bench.demo_cache import CACHE_DIR
from bench.timing import Samples, repeat
from pipeline import materialized, periods, queries, settings

# The limit: one pass over the contacts of the quarter, no join, no grouping.
SCAN_SQL = "select count(*), count(distinct id_number) from contact where contact_date between ? and ?"


class FiguresDiffer(RuntimeError):
    """Our metrics and the pandas peer disagree: the benchmark must not report either."""


@dataclass
class QueryResults:
    """Everything the query section measured, with the sizes it measured them on."""

    period: periods.Period
    ours: Samples
    peer_compute: Samples
    peer_load: Samples
    scan: Samples
    overdue: dict[str, Samples] = field(default_factory=dict)
    overdue_rows: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    figures: int = 0
    bit_identical: bool = False
    scan_result: tuple[int, int] = (0, 0)
    table_rows: dict[str, int] = field(default_factory=dict)
    computed: Samples = field(default_factory=Samples)  # the same call computing from the ledgers (stored=False)
    stored: StoredMetrics | None = None
    profile_seconds: float = 0.0  # the metrics statement alone, as DuckDB's profiler timed it
    profile_top: list[tuple[float, int, str]] = field(default_factory=list)  # (CPU s, rows, operator)

    @property
    def pandas_over_ours(self) -> float:
        return self.peer_compute.median / self.ours.median

    @property
    def ours_over_scan(self) -> float:
        return self.ours.median / self.scan.median

    @property
    def pandas_over_computed(self) -> float:
        return self.peer_compute.median / self.computed.median

    @property
    def computed_over_scan(self) -> float:
        return self.computed.median / self.scan.median


@dataclass
class StoredMetrics:
    """The stored metrics of the bench database: what computing them costs after an import."""

    refresh_seconds: float | None  # this run's refresh, when it had periods to compute
    computed_now: list[str]
    periods: list[tuple[str, int, float]]  # (period and as_of, rows, seconds computing it when it was stored)

    @property
    def total_seconds(self) -> float:
        return sum(seconds for _, _, seconds in self.periods)


def ensure_stored(db_path: Path, today: dt.date, log=print) -> StoredMetrics:
    """Refresh the stored metrics of the cached database as an import does (nothing to do when current)."""
    con = duckdb.connect(str(db_path))
    try:
        done = materialized.refresh(con, today)
        wanted = {(p.start, p.as_of, p.months): p for p in materialized.standard_periods(today)}
        entries = con.execute(
            "select start_on, as_of, months, row_count, seconds from stored_metric_period "
            "where figures_key = ? and data_key = ? order by start_on, as_of",
            [queries.figures_key(settings.read_settings(con)), queries.data_key(con)],
        ).fetchall()
    finally:
        con.close()
    log(f"stored metrics: {len(done.computed)} periods computed now in {done.seconds:.1f} s, {len(done.kept)} kept")
    found = []
    for start, as_of, months, rows, seconds in entries:
        period = wanted.get((start, as_of, months))
        name = f"{period.text} to {as_of}" if period else f"{start} – {as_of}"
        found.append((name, int(rows), float(seconds)))
    return StoredMetrics(done.seconds if done.computed else None, done.computed, found)


def latest_complete_quarter(today: dt.date) -> periods.Period:
    """The last quarter that has ended on or before today (a whole quarter, never one cut at today)."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    current = periods.parse_period(f"{year}Q{quarter}", today)
    if current.is_cut:
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return periods.parse_period(f"{year}Q{quarter}", today)


def table_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the stored tables the metrics read."""
    names = ("beneficiary", "pairing", "contact", "issue")
    return {name: con.execute(f"select count(*) from {name}").fetchall()[0][0] for name in names}


def _operators(node: dict, found: list[tuple[float, int, str]]) -> None:
    info = node.get("extra_info") or {}
    kind = node.get("type", "?")
    if kind == "HASH_GROUP_BY":
        what = f"group by {len(info.get('Groups', []))} keys"
    elif kind == "TABLE_SCAN":
        what = f"scan {str(info.get('Table', '')).rsplit('.', 1)[-1]}"
    elif "JOIN" in kind:
        conditions = info.get("Conditions", "")
        what = f"{info.get('Join Type', '')} on {', '.join(conditions) if isinstance(conditions, list) else conditions}"
    else:
        what = str(info.get("CTE Name", ""))
    found.append((float(node.get("timing", 0.0)), int(node.get("intermediate_rows", 0)), f"{kind} {what}".strip()))
    for child in node.get("children", []):
        _operators(child, found)


def profile_metrics(
    con: duckdb.DuckDBPyConnection, period: periods.Period, today: dt.date, top: int = 8
) -> tuple[float, list[tuple[float, int, str]]]:
    """One profiled run of the metrics: the statement's own time and its costliest operators (CPU s)."""
    output = CACHE_DIR / "metrics-profile.json"
    output.unlink(missing_ok=True)
    # our own fixed path: PRAGMA takes no bound parameters
    con.execute("pragma enable_profiling = 'json'")
    con.execute(f"pragma profiling_output = '{output}'")
    try:
        # the models' statement: a stored quarter is one filtered read, with nothing to profile
        queries.metrics_many(con, period, queries.GROUPINGS, queries.Scope(), today, stored=False)
    finally:
        con.execute("pragma disable_profiling")
    profile = json.loads(output.read_text())  # the last statement profiled: the metrics query
    found: list[tuple[float, int, str]] = []
    for node in profile.get("operator", []):
        _operators(node, found)
    return float(profile.get("query", {}).get("total_time", 0.0)), sorted(found, reverse=True)[:top]


def measure(db_path: Path, today: dt.date, runs: int, log=print) -> QueryResults:
    """Time ours, the peer (after checking it gives our figures), the scan and the overdue lists."""
    period = latest_complete_quarter(today)
    stored = ensure_stored(db_path, today, log)
    con = duckdb.connect(str(db_path), read_only=True)
    con.execute("set enable_progress_bar = false")
    try:
        config = settings.read_settings(con)
        sizes = table_rows(con)

        log(f"metrics: queries.metrics_many({period.text}, all groupings) x {runs}")
        ours_samples, ours = repeat(
            lambda: queries.metrics_many(con, period, queries.GROUPINGS, queries.Scope(), today), runs
        )
        log(f"metrics: the same, computed from the ledgers (stored=False) x {runs}")
        computed_samples, computed = repeat(
            lambda: queries.metrics_many(con, period, queries.GROUPINGS, queries.Scope(), today, stored=False), runs
        )
        unequal = [by for by in ours if not ours[by].equals(computed[by])]
        if unequal:
            raise FiguresDiffer(f"the stored metrics differ from the computed ones: {', '.join(unequal)}")
        computed = None

        profile_seconds, profile_top = profile_metrics(con, period, today)

        log("scan: count(*), count(distinct id_number) over the quarter's contacts")
        scan_samples, scan = repeat(lambda: con.execute(SCAN_SQL, [period.start, period.as_of]).fetchall()[0], runs)

        overdue_samples, overdue_rows = {}, {}
        for what in ("contacts", "issues"):
            log(f"overdue: queries.overdue({what})")
            samples, rows = repeat(lambda what=what: queries.overdue(con, period, what, today=today), runs)
            overdue_samples[what], overdue_rows[what] = samples, len(rows)

        log("pandas peer: loading the tables")
        load_samples, tables = repeat(lambda: peer.load_tables(con), runs, warmup=0)
        log("pandas peer: computing every grouping")
        peer_samples, theirs = repeat(lambda: peer.compute(tables, period, queries.GROUPINGS, config), runs)
        found = peer.differences(ours, theirs)
        if found:
            raise FiguresDiffer("our metrics and the pandas peer differ:\n  " + "\n  ".join(found))
        bit_identical = not peer.differences(ours, theirs, rel_tol=0.0)
        tables = theirs = None  # free the peer's frames before the next sections
        gc.collect()
    finally:
        con.close()
    return QueryResults(
        period=period,
        ours=ours_samples,
        computed=computed_samples,
        stored=stored,
        peer_compute=peer_samples,
        peer_load=load_samples,
        scan=scan_samples,
        overdue=overdue_samples,
        overdue_rows=overdue_rows,
        groups={by: len(frame) for by, frame in ours.items()},
        figures=peer.figure_count(ours),
        bit_identical=bit_identical,
        scan_result=(int(scan[0]), int(scan[1])),
        table_rows=sizes,
        profile_seconds=profile_seconds,
        profile_top=profile_top,
    )
