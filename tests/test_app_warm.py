"""Warming after new data: the first page run that sees a new data version computes the slowest first opens in
the background, for the whole city and every account's own scope, so that 数据质量 and 督办提醒 then read their
rows from the cache, with the same figures as a cold open."""

from __future__ import annotations

import collections
import threading

import pytest

from app_ui import warm
from pipeline import labels, quality, queries
from tests.conftest import add_accounts, app_test, shows_no_data
from tests.test_app_quality import count_all

PAGES = ("app_pages/quality.py", "app_pages/reminders.py")
USERS = ("市级测试", "县区测试", "单位测试")


def _finish_warming() -> int:
    """Wait for the warming threads of this process; how many there were."""
    threads = [thread for thread in threading.enumerate() if thread.name == "warm-views"]
    for thread in threads:
        thread.join(120)
        assert not thread.is_alive()
    return len(threads)


def _open(page: str, user: str):
    at = app_test(user=user)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _shown(at) -> tuple:
    """What a page shows: its cards and the rows of its tables."""
    return (
        [(card.label, card.value) for card in at.metric],
        [frame.value.to_dict("records") for frame in at.dataframe],
        [code.value for code in at.code],
    )


@pytest.fixture
def counted(monkeypatch) -> collections.Counter:
    """The checks and overdue lists computed from the database, by name."""
    runs: collections.Counter = collections.Counter()
    run_check, overdue = quality.run_check, queries.overdue

    def counted_check(con, name, **options):
        runs[name] += 1
        return run_check(con, name, **options)

    def counted_overdue(con, period, what="contacts", *args, **options):
        runs[f"overdue_{what}"] += 1
        return overdue(con, period, what, *args, **options)

    monkeypatch.setattr(quality, "run_check", counted_check)
    monkeypatch.setattr(queries, "overdue", counted_overdue)
    return runs


def _counted_all(at):
    """数据质量 with every count known: 统计全部检查 clicked (warming finds them all, a cold open the open tab's)."""
    if any(button.key == "quality_count_all" for button in at.button):
        return count_all(at)
    return at


def test_after_warming_the_first_opens_compute_no_check_and_no_overdue_list(example_db, monkeypatch, counted):
    cold = {(page, user): _shown(_counted_all(_open(page, user))) for page in PAGES for user in USERS}
    assert counted["never_contacted"] == len(USERS) and counted["overdue_contacts"] == len(USERS)
    assert _finish_warming() == 0  # warming is off ($GUANAI_WARM=0 in the tests)

    from app_ui import data

    data.clear_caches()  # and the counts of the checks found with them
    counted.clear()
    monkeypatch.setenv("GUANAI_WARM", "1")
    at = app_test(user="只读测试")
    at.run()  # the first run seeing the data starts the thread
    assert _finish_warming() == 1
    # the whole city and the county and department of the test accounts, each once
    assert counted["never_contacted"] == 3
    assert counted["overdue_contacts"] == 3 and counted["overdue_issues"] == 3
    counted.clear()
    for page in PAGES:
        for user in USERS:
            assert _shown(_open(page, user)) == cold[page, user], (page, user)
    assert not counted, counted  # every row of both pages came from the cache
    at.run()
    assert _finish_warming() == 0  # the same data version is warmed once


@pytest.mark.parametrize(
    ("user", "scope"),
    [
        ("市级测试", queries.ALL),
        ("县区测试", queries.Scope(county="东川县")),
        ("单位测试", queries.Scope(department="市民政局")),
    ],
)
def test_the_view_warmed_is_the_view_a_page_opens_with(example_db, user, scope):
    from app_ui import data, filters

    at = _open("app_pages/overview.py", user)
    # the same View, field for field: the cached calls' key, so that a warmed entry is the page's
    opened = at.session_state[filters.VIEW_KEY]
    assert opened == warm.default_view(data.today(), scope)
    assert opened.period.text == "2026Q4" and opened.period.is_cut


def test_a_thread_warming_older_data_stops_when_newer_data_come(example_db, monkeypatch, counted):
    from app_ui import data

    version = data.data_version()
    monkeypatch.setattr(warm, "_latest", [(*version, "newer")])
    warm._run(version, data.today())
    assert not counted
    monkeypatch.setattr(warm, "_latest", [version])
    warm._run(version, data.today())
    assert counted["never_contacted"] == 3


def test_the_city_comes_first_and_the_scopes_warmed_are_capped(example_db, monkeypatch):
    from app_ui import data

    version = data.data_version()
    assert warm.scopes(version) == [queries.ALL, queries.Scope(county="东川县"), queries.Scope(department="市民政局")]
    monkeypatch.setattr(warm, "MAX_SCOPES", 2)
    assert warm.scopes(version) == [queries.ALL, queries.Scope(county="东川县")]  # two county accounts share it


def test_every_scope_is_warmed_for_its_first_opens_before_any_scope_for_its_other_checks(example_db, monkeypatch):
    from app_ui import data

    version = data.data_version()
    done = []

    def round_of(name: str):
        return lambda version, view: [lambda: done.append((name, view.scope))]

    monkeypatch.setattr(warm, "_latest", [version])
    monkeypatch.setattr(warm, "jobs", round_of("first opens"))
    monkeypatch.setattr(warm, "check_jobs", round_of("checks"))
    warm._run(version, data.today())
    scopes = [queries.ALL, queries.Scope(county="东川县"), queries.Scope(department="市民政局")]
    assert done == [("first opens", scope) for scope in scopes] + [("checks", scope) for scope in scopes]


def test_the_login_form_starts_warming_and_shows_nothing_of_it(example_db, monkeypatch, counted):
    monkeypatch.setenv("GUANAI_WARM", "1")
    at = app_test(user=None)
    at.run()
    assert [title.value for title in at.title] == [labels.LOGIN_TITLE]
    assert _finish_warming() == 1  # computed while the user signs in
    assert counted["never_contacted"] == 3
    assert shows_no_data(at)  # nothing of what was computed is on the form
    at.run()
    assert _finish_warming() == 0  # once per data version


def test_the_login_form_of_a_database_without_data_warms_nothing(tmp_path, monkeypatch):
    path = tmp_path / "accounts-only.duckdb"
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_WARM", "1")
    add_accounts(path, "市级测试")  # an account, and no ledger imported yet
    at = app_test(user=None)
    at.run()
    assert not at.exception
    assert at.text_input  # the form is there
    assert _finish_warming() == 0


# The computations behind the cached calls warming makes (warm.jobs), as the pipeline names them
WARMED_COMPUTATIONS = {
    "queries": ("compare_previous", "metrics_many", "department_ranking", "pair_rows", "overdue"),
    "status": ("submissions",),
    "issue_stats": ("issue_stats",),
    "quality": ("run_checks_at_once", "run_check"),
    "doubtful": ("find",),
    "report": ("build_headline",),
}
FIRST_OPENS = ("overview", "county", "department", "issues", "reminders", "report", "quality")


@pytest.fixture
def computations(monkeypatch) -> collections.Counter:
    """The calls of the computations warming covers, by module and name."""
    from pipeline import issue_stats, report, status
    from pipeline.callbacks import doubtful

    modules = {"queries": queries, "status": status, "issue_stats": issue_stats, "quality": quality}
    modules["doubtful"] = doubtful
    modules["report"] = report
    calls: collections.Counter = collections.Counter()

    def counting(name, function):
        def counted(*args, **options):
            calls[name] += 1
            return function(*args, **options)

        return counted

    for module_name, names in WARMED_COMPUTATIONS.items():
        for name in names:
            module = modules[module_name]
            monkeypatch.setattr(module, name, counting(f"{module_name}.{name}", getattr(module, name)))
    return calls


@pytest.mark.parametrize("user", USERS)
def test_after_warming_the_first_opens_compute_nothing_warming_covers(example_db, monkeypatch, computations, user):
    # warming restates the calls the pages make on their first open: should a page ask for something else (another
    # grouping, another view), its first open computes again, and this test names the page and the computation
    from app_ui import auth

    monkeypatch.setenv("GUANAI_WARM", "1")
    at = app_test(user=None)
    at.run()  # the login form starts warming
    assert _finish_warming() == 1
    assert computations, "warming computed nothing"
    at.session_state[auth.SESSION_USER] = user  # signed in: the page the login opens
    computations.clear()
    at.run()
    assert not at.exception, at.exception
    assert not computations, ("the page the login opens", dict(computations))
    for page in FIRST_OPENS:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
        assert not at.exception, (page, at.exception)
        assert [title.value for title in at.title][:1] != [labels.LOGIN_TITLE], page
        assert not computations, (page, dict(computations))


def _warming(monkeypatch, calls: list) -> threading.Thread:
    """A warming thread of this process's own (the module's state kept to the test) making these calls."""
    from app_ui import data

    monkeypatch.setenv("GUANAI_WARM", "1")
    monkeypatch.setattr(warm, "_started", set())
    monkeypatch.setattr(warm, "_threads", [])
    monkeypatch.setattr(warm, "_latest", [None])
    monkeypatch.setattr(warm, "jobs", lambda version, view: calls)
    monkeypatch.setattr(warm, "check_jobs", lambda version, view: [])
    return warm.start(data.data_version())


def test_stopping_ends_a_thread_after_the_call_it_is_in(example_db, monkeypatch):
    # what the process does at its exit (atexit): a thread left inside DuckDB while the interpreter shuts down can
    # hang it
    begun, release, done = threading.Event(), threading.Event(), []

    def slow_call() -> None:
        begun.set()
        release.wait(10)
        done.append("slow")

    thread = _warming(monkeypatch, [slow_call, lambda: done.append("next")])
    assert begun.wait(10)
    stopper = threading.Thread(target=warm.stop, args=(10,))
    stopper.start()
    for _ in range(1000):  # stop() has asked the thread to end
        if warm._latest[0] is None:
            break
        threading.Event().wait(0.01)
    release.set()  # the call it is in ends; stop() is waiting for the thread
    stopper.join(10)
    assert not thread.is_alive() and not stopper.is_alive()
    assert done == ["slow"]  # the next call was not made


def test_stopping_interrupts_the_statement_a_thread_is_in(example_db, monkeypatch):
    # a warming call can run longer than the process waits at its exit (the city's checks at five times a
    # province): its statement is interrupted, so the thread ends at once instead of staying inside DuckDB
    import duckdb

    from app_ui import data

    begun, outcome = threading.Event(), []

    def endless_statement() -> None:
        with data.connection() as con:
            begun.set()
            try:  # hours of work
                con.execute("select count(*) from range(1000000000000) as r(n) where n % 7 = 3").fetchall()
            except duckdb.InterruptException:
                outcome.append("interrupted")
                raise

    thread = _warming(monkeypatch, [endless_statement, lambda: outcome.append("next")])
    assert begun.wait(10)
    warm.stop(20)
    assert not thread.is_alive()
    assert outcome == ["interrupted"]  # and the next call was not made
    assert not warm._running  # the cursor was given back
