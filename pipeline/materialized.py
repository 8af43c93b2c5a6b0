"""Stored metrics: the city's figures of the periods the office opens most, computed once per change.

At province scale one period's metrics take about a second to compute from the ledgers, every time
any page or report asks. After an import or a settings change, refresh() computes the city's
mart_metrics rows (every grouping) of the standard periods and stores them; queries.metrics_many,
compare_previous and trend then read those periods from the store and compute only the others. A county's
overall, county and township rows and a department's overall, department and cadre rows are the city's rows
of that county or department, and are read from the same store (queries._SCOPED_FROM_CITY).

A stored period is used only while its figures hold: computed by the same SQL with the same settings
(queries.figures_key), and no batch imported after its rows (their data_key, the last batch then) changed
a day up to the period's as_of (import_batch.touched_from, written by the import). An import that changes
nothing, or only this month's contacts, leaves last quarter's rows standing; rows that no longer hold are
never read, and the next refresh deletes them. A failed or skipped refresh therefore costs time, never
correctness.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import duckdb

from pipeline import catalog, db, labels, periods, queries, settings
from pipeline import config as app_config

# The kinds of period the sidebar offers by name; a custom range is computed when asked for.
STORED_KINDS = ("month", "quarter", "year")


@dataclass
class Refreshed:
    """What one refresh did: the periods computed now, those already stored, and the time it took."""

    computed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    computed_periods: list[periods.Period] = field(default_factory=list)
    kept_periods: list[periods.Period] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0


def _named(kind: str, day: dt.date) -> str:
    if kind == "month":
        return f"{day:%Y-%m}"
    if kind == "quarter":
        return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def standard_periods(today: str | dt.date | None = None) -> list[periods.Period]:
    """For each of month, quarter and year: the current one (cut at today while it runs) and the stretch it
    is compared with, the last whole one and the one before it (what a report on it is compared with); then
    the months of the overview's trend up to the current one (periods.trend_months), which every role's
    overview draws."""
    day = app_config.today(today)
    found: dict[tuple, periods.Period] = {}
    for kind in STORED_KINDS:
        current = periods.parse_period(_named(kind, day), day)
        last_whole = current if not current.is_cut else periods.parse_period(periods.previous_period(current).text, day)
        for period in (current, periods.previous_period(current), last_whole, periods.previous_period(last_whole)):
            found.setdefault((period.start, period.as_of, period.months), period)
    first, last = periods.trend_months(day)
    for period in periods.month_periods(first, last, day):
        found.setdefault((period.start, period.as_of, period.months), period)
    return list(found.values())


def _keys(con: duckdb.DuckDBPyConnection, config: settings.Settings) -> dict[str, object]:
    return {"figures_key": queries.figures_key(config), "data_key": queries.data_key(con)}


def stored_periods(con: duckdb.DuckDBPyConnection, config: settings.Settings | None = None) -> set[tuple]:
    """(start_on, as_of, months) of the stored periods whose figures hold for the current data and settings."""
    return set(queries.stored_entries(con, queries.figures_key(config or settings.read_settings(con))))


def _in_transaction(con: duckdb.DuckDBPyConnection, work) -> object:
    with db.transaction(con):
        return work()


# periods computed together in one statement: they share the scans of the ledgers (the three running
# periods an import of today's contacts makes stale take ~60 % of their time apart); more at once would
# hold more of the province's rows in memory for little gain
PERIODS_AT_ONCE = 3


def _store(
    con: duckdb.DuckDBPyConnection,
    chunk: list[periods.Period],
    config: settings.Settings,
    keys: dict[str, object],
) -> int:
    """Compute and store some periods with their entries, in the caller's transaction; the groups written."""
    began = time.perf_counter()
    counts = queries.stored_insert(con, chunk, config, (keys["figures_key"], keys["data_key"]))
    seconds = round((time.perf_counter() - began) / len(chunk), 3)
    for period, rows in zip(chunk, counts, strict=True):
        entry = {
            **keys,
            "start_on": period.start,
            "as_of": period.as_of,
            "months": period.months,
            "row_count": rows,
            "seconds": seconds,
            "computed_at": dt.datetime.now().replace(microsecond=0),
            "metric_names": list(catalog.COMPUTED_COLUMNS),
        }
        con.execute(db.read_sql("stored/stored_period_insert.sql"), entry)
    return sum(counts)


def refresh(
    con: duckdb.DuckDBPyConnection,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> Refreshed:
    """Store the metrics of the standard periods (see standard_periods) and forget every other stored period.

    The periods to compute are computed a few at once (PERIODS_AT_ONCE), each few stored in one transaction with
    their entries in stored_metric_period, so an interrupted refresh leaves whole periods or none. A period
    another session stored meanwhile is kept.
    """
    started = time.perf_counter()
    config = config or settings.read_settings(con)
    keys = _keys(con, config)

    wanted = standard_periods(today)
    keep = {
        "figures_key": keys["figures_key"],
        "keep_starts": [period.start for period in wanted],
        "keep_as_ofs": [period.as_of for period in wanted],
        "keep_months": [period.months for period in wanted],
    }

    def forget() -> None:
        forgotten = con.execute(db.read_sql("stored/stale_periods_delete.sql"), keep).fetchall()[0][0]
        if forgotten:  # groups are written and deleted with their entry: none can be left without one
            con.execute(db.read_sql("stored/stale_rows_delete.sql"))

    _in_transaction(con, forget)
    done = Refreshed()
    have = stored_periods(con, config)
    missing = []
    for period in wanted:
        if (period.start, period.as_of, period.months) in have:
            done.kept.append(period.text)
            done.kept_periods.append(period)
        else:
            missing.append(period)
    chunks = [missing[at : at + PERIODS_AT_ONCE] for at in range(0, len(missing), PERIODS_AT_ONCE)]
    while chunks:
        chunk = chunks.pop(0)
        try:
            done.rows += _in_transaction(con, lambda chunk=chunk: _store(con, chunk, config, keys))
        except (duckdb.ConstraintException, duckdb.TransactionException):
            if len(chunk) > 1:  # another connection stored one of them first: each on its own
                chunks[:0] = [[period] for period in chunk]
                continue
            # another connection of this process stored this period first: its rows stand
            done.kept.append(chunk[0].text)
            done.kept_periods.append(chunk[0])
            continue
        done.computed.extend(period.text for period in chunk)
        done.computed_periods.extend(chunk)
    done.seconds = time.perf_counter() - started
    return done


def refresh_after_change(
    con: duckdb.DuckDBPyConnection, today: str | dt.date | None = None
) -> tuple[Refreshed | None, str]:
    """refresh(), for the import and the settings page: a failure is a message, never an exception.

    The change itself is committed already; without stored metrics the pages compute them as asked.
    """
    try:
        done = refresh(con, today)
    except duckdb.Error as error:
        return None, labels.MSG_STORED_FAILED.format(error=str(error).splitlines()[0])
    message = labels.MSG_STORED_DONE.format(
        periods=len(done.computed) + len(done.kept), computed=len(done.computed), seconds=done.seconds
    )
    return done, message
