"""Warming: once the data change, the views the office opens first are computed in the background.

After an import (from the 数据导入 page or the command line) every cache of the app is cold: the first person to
open 数据质量 or 督办提醒 would wait for the checks and overdue lists of a whole province. The first page run that
sees a new data version, or the login form shown on it, starts one background thread for it; the thread
calls the same cached functions the pages call, with the sidebar's defaults (the current quarter as of
today), for the whole city first and then for the own scope of the accounts (a county's, a department's;
those most accounts share first, MAX_SCOPES in all), so that a page opened afterwards reads its rows from
the cache. It does so in two rounds: what each page opens with, scope after scope, then 数据质量's other checks
and its 疑点 (the slowest calls, and only counts on the cards until their tab is opened), so that a county's
pages do not wait for the whole city's checks. A page asking for a view the thread is computing waits for
that computation (Streamlit computes a cached value once), one the thread has not reached yet it computes
itself, as before: warming changes when a figure is computed, never what it is. Newer data stop the thread
after the call it is in; the end of the process interrupts that call. The thread runs at the lowest CPU
priority, so that it takes the time the pages leave.

The thread runs without a page: nothing it does is drawn, and a failure (a database busy with an import) only
ends it, leaving the page to compute as usual. $GUANAI_WARM=0 turns it off (the tests do, to keep their
timing their own).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import functools
import logging
import os
import threading
import time
from collections.abc import Callable

import duckdb

from app_ui import callback_data, data, drill_data, filters, issue_data, report_data, upload_data
from pipeline import access, periods, quality, queries

_LOG = logging.getLogger(__name__)
# Scopes warmed per data version, the whole city first: the smallest cache a warmed call fills keeps 32 entries,
# so warming alone never pushes the city's views out of it (a province may have hundreds of accounts)
MAX_SCOPES = 16
_lock = threading.Lock()
_started: set = set()  # the data versions a thread was started for, in this process
_latest: list = [None]  # the newest of them: a thread warming an older version stops after its current call
_threads: list[threading.Thread] = []
_running: set = set()  # the cursors of the warming calls in progress (data.shared_connection), which stop() interrupts
# How long the process waits at its exit for a thread to end (stop()); its call is interrupted meanwhile
STOP_WAIT_SECONDS = 10.0


def enabled() -> bool:
    """Whether views are warmed ($GUANAI_WARM, on unless it is 0)."""
    return os.environ.get("GUANAI_WARM", "1").strip() != "0"


def start(version: data.Version) -> threading.Thread | None:
    """Start warming the views of this data version, unless it was started before (then None)."""
    if not enabled():
        return None
    with _lock:
        if version in _started:
            return None
        _started.add(version)
        _latest[0] = version
    thread = threading.Thread(target=_run, args=(version, data.today()), name="warm-views", daemon=True)
    with _lock:
        _threads[:] = [running for running in _threads if running.is_alive()] + [thread]
    thread.start()
    return thread


@atexit.register
def stop(timeout: float | None = None) -> None:
    """Stop warming: the DuckDB statements of its calls in progress are interrupted, every thread ends after the
    call it is in, waited for up to STOP_WAIT_SECONDS. Run at the process's exit, where a thread left inside
    DuckDB while the interpreter shuts down can hang the process (a city's checks at five times a province take
    longer than the wait)."""
    with _lock:
        _latest[0] = None
        threads = list(_threads)
    deadline = time.monotonic() + (STOP_WAIT_SECONDS if timeout is None else timeout)
    for thread in threads:
        while thread.is_alive() and time.monotonic() < deadline:
            # again and again: a call may open its cursor after the first sweep
            for cursor in list(_running):
                with contextlib.suppress(duckdb.Error):  # a cursor closed meanwhile
                    cursor.interrupt()
            thread.join(min(0.1, max(0.0, deadline - time.monotonic())))


def start_with_data(version: data.Version) -> threading.Thread | None:
    """start(), once the data hold beneficiaries: the first page run after an import, or the login form, where
    the views are computed while the user signs in."""
    status = data.data_status(version)
    return start(version) if status and status["beneficiaries"] else None


def default_view(today: dt.date, scope: queries.Scope) -> filters.View:
    """The view a page opens with in a scope: the current quarter as of today (the sidebar's default)."""
    quarter = periods.parse_period(f"{today.year}Q{(today.month - 1) // 3 + 1}", today)
    return filters.View(quarter, today, scope.county, scope.department)


def scopes(version: data.Version) -> list[queries.Scope]:
    """The whole city, then the own scope of the enabled accounts (each once, those of most accounts first), at
    most MAX_SCOPES in all."""
    with data.connection() as con:
        own = access.account_scopes(con)
    return [queries.ALL, *(scope for scope in own if scope != queries.ALL)][:MAX_SCOPES]


def jobs(version: data.Version, view: filters.View) -> list[Callable[[], object]]:
    """The cached calls of the slowest first opens, in the order of the sidebar: 总览's figures, ranking and 报送情况,
    the 县区 and 单位 rankings, 问题台账's figures and overdue list, 督办提醒's overdue lists and reminders, 季度调度's
    headline (with the reminders' effect), the check 数据质量 opens on (and a county's or department's place among
    its peers, beside the city's figures). They restate the pages' own calls: tests/test_app_warm.py opens those
    pages after warming and fails on any of these computations a page still makes."""
    by = "township" if view.county else "county"
    found = [
        lambda: data.compare_previous(version, view, "overall"),
        lambda: data.metrics_many(version, view, (by, "category")),
        lambda: data.submissions(version, view.today, view.scope),
        lambda: data.metrics_many(version, view, ("county", "township")),
        lambda: drill_data.department_ranking(version, view),
        lambda: data.metrics_many(version, view, ("overall",)),
        lambda: issue_data.issue_stats(version, view),
        lambda: issue_data.overdue_issues(version, view, True),
        lambda: issue_data.reminder_set(version, view),
        # 季度调度 opens with the report of the sidebar's quarter; its headline holds the reminders' effect
        lambda: report_data.report_headline(version, view),
        # the check 数据质量 opens on, asked for as the page asks for it (the default limit, masked)
        lambda: upload_data.quality_check(
            version, quality.PAGE_ORDER[0], view.today, view.county, view.department, quality.DEFAULT_MAX_PAIRS, True
        ),
    ]
    if view.county or view.department:  # a county's or department's place among all of its kind
        kind = "county" if view.county else "department"
        found.append(functools.partial(data.peer_figures, version, view.period, kind))
        found.append(functools.partial(data.city_overall, version, view.period))
    found.append(functools.partial(_people_of_the_only_county, version, view))
    if view.scope == queries.ALL:  # the checks of the imported files, the same for every scope that sees them
        files = [name for name in quality.CHECKS if name not in quality.SCOPED_CHECKS]
        found += [functools.partial(upload_data.file_check, version, name) for name in files]
        found.append(functools.partial(upload_data.rejected_reasons, version))
    return found


def check_jobs(version: data.Version, view: filters.View) -> list[Callable[[], object]]:
    """The second round: 数据质量's other checks about people and pairs, found side by side, and its 疑点 (their counts
    on the cards, their rows when a tab is opened)."""
    others = tuple(name for name in quality.SCOPED_CHECKS if name != quality.PAGE_ORDER[0])
    return [
        lambda: upload_data.scoped_checks(version, view.today, view.county, view.department, others),
        lambda: callback_data.doubts(version, view, True),
    ]


def _people_of_the_only_county(version: data.Version, view: filters.View) -> None:
    """The people 县区 lists straight away when the view holds one county only (a county's account, a department
    working in one county; the others wait for a county to be picked): the county's, or its township's when it has
    one only, which the page's township picker takes by itself (drill_view.synced_pick)."""
    grouped = data.metrics_many(version, view, ("county", "township"))
    if len(grouped["county"]) != 1:
        return
    county = grouped["county"]["county"].iloc[0]
    townships = grouped["township"].loc[grouped["township"]["county"] == county, "township"].tolist()
    by, key = ("township", (county, townships[0])) if len(townships) == 1 else ("county", (county,))
    drill_data.pair_rows(version, view, by, key, True)


def _run(version: data.Version, today: dt.date) -> None:
    with contextlib.suppress(AttributeError, OSError):  # the lowest priority for this thread (Linux: per thread)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    try:
        warmed = scopes(version)
        for round_of in (jobs, check_jobs):  # every scope's first opens, then every scope's other checks
            for scope in warmed:
                if _latest[0] != version:  # newer data came in: its own thread warms it
                    return
                # one connection a scope, given back between scopes to an import; its calls' cursors kept for stop()
                with data.shared_connection(running=_running):
                    for job in round_of(version, default_view(today, scope)):
                        if _latest[0] != version:  # newer data, or the process ends (stop())
                            return
                        job()
    except Exception:  # a busy or replaced database: the pages compute what they need themselves
        _LOG.info("warming stopped", exc_info=True)
