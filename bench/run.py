"""`python -m bench`: build (or reuse) the demo, measure everything, write docs/benchmarks.md.

The order is: the cached demo database; the queries (ours, the pandas peer, the bare scan, the overdue
lists) on a read-only connection, closed before anything else opens the file; the command line (`--help`
and `metrics` of the quarter, each run a fresh process); the imports (child processes on their own small
databases); the pages through AppTest (one child process for the timed runs, then one per page for its
memory); the real app in Chromium (its memory; then, after an import into a copy and on a new server, the first
and second open of every page of every role, browser_pages). A disagreement between our figures and the pandas
peer stops the run with an error and no report: a benchmark of wrong figures is worth nothing.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from bench import app_memory, browser_pages, commands, demo_cache, imports, pages, queries_bench, report
from bench.report import GIB, Row, Table, Target
from bench.timing import own_peak_bytes

ROOT = demo_cache.ROOT
SECTIONS = ("commands", "imports", "pages", "app")  # the queries always run: the summary lines come from them

# The performance targets on this 2-core machine.
METRICS_SECONDS = 1.0
PANDAS_TIMES = 10.0
SCAN_TIMES = 3.0
CSV_ROWS_PER_SECOND = 300_000
XLSX_ROWS_PER_SECOND = 50_000
PAGE_SECONDS = 1.0
BROWSER_PAGE_SECONDS = 2.0  # the first open of a page in Chromium after an import, as an office sees it
HELP_SECONDS = 0.3  # `python -m pipeline --help`, the whole process
METRICS_COMMAND_SECONDS = 0.5  # `python -m pipeline metrics` of the stored quarter, the whole process
COMPUTED_SECONDS = 0.5  # the SQL models computing all 7 groupings of the quarter from the ledgers
COMPUTED_SCAN_TIMES = 5.0  # ... as bare scans of the quarter's contacts
PEAK_BYTES = 3 * GIB
PROVINCE_FILE_PEAK_BYTES = 2 * GIB  # `python -m pipeline import` on one CSV of five million contacts
UNCHANGED_IMPORT_SECONDS = 1.0  # a 50,000-row file that changes nothing, the whole command
NEW_CONTACTS_IMPORT_SECONDS = 4.0  # 50,000 new contacts, the whole command with fresh stored figures


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the machine


def _first_line(path: str, prefix: str) -> str:
    """The value of the first line of a file starting with prefix: `name : value` or `NAME="value"`."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                rest = line[len(prefix) :]
                return rest.strip('"') if prefix.endswith("=") else rest.split(":", 1)[-1].strip()
    except OSError:
        pass
    return "unknown"


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _loads(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def machine_facts() -> list[tuple[str, str]]:
    """CPU, memory, OS and the versions that matter."""
    memory_kib = _first_line("/proc/meminfo", "MemTotal").split()[0]
    memory = f"{int(memory_kib) / 1024**2:.1f} GiB" if memory_kib.isdigit() else "unknown"
    os_name = _first_line("/etc/os-release", "PRETTY_NAME=")
    packages = ["duckdb", "pandas", "streamlit", "pyarrow", "numpy", "python-calamine", "openpyxl", "playwright"]
    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    return [
        ("CPU", f"{os.cpu_count()} cores, {_first_line('/proc/cpuinfo', 'model name')}"),
        ("Memory", memory),
        ("OS", f"{os_name}, Linux {platform.release()}"),
        ("Versions", f"Python {platform.python_version()}, {versions}"),
    ]


# ---------------------------------------------------------------- tables


def _seconds_row(name: str, samples, target: float | None = None, note: str = "") -> Row:
    return Row(name, list(samples.values), "s", Target("<=", target) if target is not None else None, note)


def query_tables(q: queries_bench.QueryResults) -> list[Table]:
    groups = ", ".join(f"{by} {n:,}" for by, n in q.groups.items())
    identical = "bit-identical" if q.bit_identical else f"equal within a relative {queries_bench.peer.FLOAT_RTOL:g}"
    intro = (
        f"Quarter **{q.period.text}** ({q.period.start} – {q.period.as_of}), scope 全市, all "
        f"{len(q.groups)} groupings in one call ({groups} rows). The pandas peer gives the same "
        f"{q.figures:,} figures ({identical}), checked figure by figure after the timed runs. "
        "Every side is timed after one untimed warm-up run."
    )
    metrics = Table(
        "Metrics of one quarter, all groupings",
        [
            _seconds_row(
                "ours: queries.metrics_many",
                q.ours,
                METRICS_SECONDS,
                "the stored quarter (refreshed after each import) read and shaped",
            ),
            _seconds_row("pandas peer: compute", q.peer_compute, None, "filter, merge, groupby; tables in memory"),
            _seconds_row("pandas peer: load the 4 tables", q.peer_load, None, "not in the ratio; no warm-up"),
            _seconds_row(
                "bare scan: count(*), count(distinct id_number)",
                q.scan,
                None,
                f"{q.scan_result[0]:,} contacts of {q.scan_result[1]:,} beneficiaries in the quarter",
            ),
            Row("ratio pandas/ours (medians)", [q.pandas_over_ours], "x", Target(">=", PANDAS_TIMES)),
            Row("ratio ours/scan (medians)", [q.ours_over_scan], "x", Target("<=", SCAN_TIMES)),
        ],
        intro,
    )
    computed = Table(
        "Before the stored metrics: the same call computed from the ledgers",
        [
            _seconds_row(
                "queries.metrics_many(stored=False)",
                q.computed,
                COMPUTED_SECONDS,
                "the SQL models over the ledgers + conversion",
            ),
            Row("ratio pandas/computed (medians)", [q.pandas_over_computed], "x"),
            Row("ratio computed/scan (medians)", [q.computed_over_scan], "x", Target("<=", COMPUTED_SCAN_TIMES)),
        ],
        "What every request cost before the figures were stored, and what a period outside the stored ones, "
        "or a county's or a department's scope, still costs. Its figures equal the stored ones frame for frame "
        "(checked after the timed runs).",
    )
    tables = [metrics, computed]
    if q.stored is not None:
        tables.append(stored_table(q.stored))
    profile_rows = [Row(what, [seconds], "s", note=f"{rows:,} rows out") for seconds, rows, what in q.profile_top]
    profile = Table(
        "Where computing the metrics spends its time",
        profile_rows,
        single=True,
        intro=f"DuckDB's profiler on one extra computed run (stored=False): the statement took "
        f"{q.profile_seconds:.3f} s (the rest of the computed call, {q.computed.median - q.profile_seconds:+.3f} s "
        "against its median, is the conversion to pandas and the shaping per grouping). The costliest "
        "operators, in CPU seconds summed over both threads:",
    )
    overdue = Table(
        "Overdue lists (督办清单) of the quarter",
        [
            _seconds_row(f"queries.overdue({what!r})", q.overdue[what], note=f"{q.overdue_rows[what]:,} rows, masked")
            for what in q.overdue
        ],
        "No target of their own in the issue; shown for the office's waiting time.",
    )
    return [*tables, profile, overdue]


def stored_table(stored: queries_bench.StoredMetrics) -> Table:
    rows = [Row(name, [seconds], "s", note=f"{count:,} rows") for name, count, seconds in stored.periods]
    rows.append(Row("all stored periods together", [stored.total_seconds], "s"))
    if stored.refresh_seconds is not None:
        rows.append(Row("refresh in this run (delete stale, compute, store)", [stored.refresh_seconds], "s"))
    intro = (
        "After every import and settings change, `pipeline.materialized.refresh` computes the city's metrics "
        "(every grouping) of the current and the last whole month, quarter and year and of the periods they "
        "are compared with, and stores them keyed by the data (the import batch they follow) and by the settings "
        "and SQL; rows that a later batch can have changed (its touched_from up to their as_of) or that other "
        "settings computed are never read. The time each period took when it was stored:"
    )
    return Table("Stored metrics: their cost after each import", rows, intro, single=True)


def command_table(result: commands.CommandResults, period: str, peer_compute: float | None = None) -> Table:
    rows = [
        Row(
            "python -m pipeline --help",
            result.help.values,
            "s",
            Target("<=", HELP_SECONDS),
            "the parser alone: no pandas, no DuckDB",
            result.help_error,
        ),
        Row(
            f"python -m pipeline metrics --period {period} --by {result.grouping}",
            result.metrics.values,
            "s",
            Target("<=", METRICS_COMMAND_SECONDS),
            f"the stored quarter, {result.metrics_rows:,} rows of CSV on stdout, one audit record",
            result.metrics_error,
        ),
    ]
    if peer_compute and result.metrics.values:
        ratio = peer_compute / result.metrics.median
        rows.append(
            Row("ratio pandas peer compute / metrics command (medians)", [ratio], "x", Target(">=", PANDAS_TIMES))
        )
    intro = (
        "Each run a fresh `python -m pipeline` process on the bench database, timed from its start to its exit: "
        "the interpreter's start-up and the imports included, as a person at the terminal or a scheduled job waits."
    )
    return Table("The command line, whole processes", rows, intro)


def import_table(results: list[imports.ImportResult]) -> Table:
    rows = []
    for result in results:
        target = CSV_ROWS_PER_SECOND if result.name.startswith("CSV") else XLSX_ROWS_PER_SECOND
        size = f"{result.file.stat().st_size / 2**20:.0f} MB" if result.file.exists() else ""
        note = f"{result.rows:,} rows, {size}" + (f", {result.rejected:,} rejected" if result.rejected else "")
        rows.append(
            Row(
                f"{result.name}: throughput",
                result.rows_per_second.values,
                "rows/s",
                Target(">=", target),
                note,
                result.error,
            )
        )
        rows.append(Row(f"{result.name}: peak memory", result.peak_bytes.values, "bytes", Target("<=", PEAK_BYTES)))
    intro = (
        "Each run is a fresh child process importing one file with `pipeline.ingest.load.import_file` into a "
        "fresh database (the contact log into a copy of a database that already holds the roster, written to disk "
        "before the clock starts). rows/s = "
        "data rows / seconds of the import_file call (read, parse, clean, load, commit, checkpoint). Peak memory: "
        "the child and its own children (the .xlsx parser runs in one), polled from /proc."
    )
    return Table("Import throughput", rows, intro)


def province_file_table(result: imports.ImportResult) -> Table:
    size = f"{result.file.stat().st_size / 1e6:.0f} MB" if result.file.exists() else ""
    note = f"{result.rows:,} rows, {size}" + (f", {result.rejected:,} rejected" if result.rejected else "")
    rows = [
        Row(
            f"{result.name}: throughput",
            result.rows_per_second.values,
            "rows/s",
            Target(">=", CSV_ROWS_PER_SECOND),
            note,
            result.error,
        ),
        Row(
            f"{result.name}: peak memory of the command",
            result.peak_bytes.values,
            "bytes",
            Target("<=", PROVINCE_FILE_PEAK_BYTES),
            "the import, then the stored figures refreshed",
            result.error,
        ),
        Row(
            f"{result.name}: the whole command",
            result.command_seconds.values,
            "s",
            None,
            "import, stored figures of the 12 common periods, 督办 check",
            result.error,
        ),
    ]
    intro = (
        "A province's contact log as one CSV (columns 身份证号, 走访日期, 联系方式, 满意度; the demo's people), "
        "imported by `python -m pipeline import` (its main(), in a fresh child process) into a copy of a database "
        "holding the roster: the file is read in chunks of config.STREAM_CHUNK_ROWS rows, without the upload's caps. "
        "rows/s = data rows / seconds of the import_file call; peak memory: the child's whole run, polled from /proc."
    )
    return Table("One file of five million rows from the command line", rows, intro)


def refresh_import_table(results: list[imports.RefreshImport]) -> Table:
    targets = [UNCHANGED_IMPORT_SECONDS, NEW_CONTACTS_IMPORT_SECONDS]
    rows = []
    for result, target in zip(results, targets, strict=True):
        computed = sorted(set(result.computed))
        note = (
            f"{result.rows:,} rows: {result.inserted:,} inserted, {result.unchanged:,} unchanged; stored periods "
            f"computed: {'/'.join(str(n) for n in computed) or '—'} of {result.standard}"
        )
        rows.append(Row(result.name, result.process_seconds.values, "s", Target("<=", target), note, result.error))
    intro = (
        "`python -m pipeline import` of one 50,000-row contact log cut from the demo's own contacts, timed from "
        "starting the process to its exit (start-up, import, the refresh of the stored periods the batch can have "
        "changed, the 督办 check), each run into a fresh copy of the demo database, written to disk (sync) before "
        "the clock starts, so that the import does not wait on the copy's writes. The first file is what the "
        "database holds already; the second has the same people's contacts on the pinned day, so only the running "
        "month, quarter and year reach it (import_batch.touched_from)."
    )
    return Table("An import and its fresh stored figures", rows, intro)


def page_tables(result: pages.PagesResults) -> list[Table]:
    warm, cold = [], []
    for page in result.pages:
        name = Path(page.page).stem
        warm.append(Row(f"{name}: rerun, warm", page.warm.values, "s", Target("<=", PAGE_SECONDS), error=page.error))
        cold.append(Row(f"{name}: first run, cold", page.cold.values, "s", error=page.error))
    if result.error:
        warm.append(Row("AppTest process", [], "s", Target("<=", PAGE_SECONDS), error=result.error))
    intro = (
        "AppTest on `app.py`, signed in as the bench account (city role), switched to each page, with the "
        "quarter in the URL as the sidebar would put it. Cold: every cache emptied (`app_ui.data.clear_caches()`) "
        "and a new session; "
        "warm: the same session run again (what a click causes). One untimed run first pays the imports."
    )
    return [
        Table("Page reruns with warm caches (AppTest)", warm, intro),
        Table("Page runs with cold caches (AppTest)", cold, "The same runs as above, the first of each pair."),
    ]


def page_memory_table(found: list[pages.PageMemory]) -> Table:
    rows = []
    for item in found:
        name = Path(item.page).stem
        note = f"{item.seconds:.1f} s cold; {item.base_bytes / 2**20:,.0f} MiB before the run"
        rows.append(
            Row(
                f"{name}: peak memory",
                [item.peak_bytes] if item.peak_bytes else [],
                "bytes",
                note=note,
                error=item.error,
            )
        )
    intro = (
        "Each page run once with empty caches in a fresh AppTest process, to see which page needs the memory "
        "(the server's high-water mark is the largest of these plus what the caches keep)."
    )
    return Table("Peak memory of each page on its own (AppTest, cold)", rows, intro, single=True)


def browser_page_table(result: browser_pages.BrowserPages) -> Table:
    """One row per role and page, in the order they were opened: the median first open against
    BROWSER_PAGE_SECONDS, with the second open and the machine's load beside it; then the server's peak memory."""
    rows = []
    for opened in result.pages:
        notes = [f"second open {statistics.median(opened.warm):.2f} s" if opened.warm else "no second open"]
        if opened.after_login:
            notes.append("first open = the sign-in")
        if opened.load:
            notes.append(f"load {statistics.median(opened.load):.2f}")
        name = f"{opened.role} · {opened.name} ({opened.page})"
        target = Target("<=", BROWSER_PAGE_SECONDS)
        rows.append(Row(name, opened.cold, "s", target, "; ".join(notes), opened.error))
    if result.error:
        rows.append(Row("the run", [], "s", Target("<=", BROWSER_PAGE_SECONDS), error=result.error))
    if result.peak_bytes:
        note = "VmHWM of `streamlit run serve.py` through every role's pages, both opens"
        rows.append(Row("app server peak memory", result.peak_bytes, "bytes", Target("<=", PEAK_BYTES), note))
    loads = ", ".join(f"{_loads(start)} → {_loads(end)}" for start, end in result.loads) or "—"
    imported = ", ".join(f"{seconds:.1f}" for seconds in result.import_seconds) or "—"
    intro = (
        f"{result.runs} run(s), each: a copy of the demo, `python -m pipeline import` of "
        f"{imports.REFRESH_FILE_ROWS:,} contacts on the pinned day (the stored figures refreshed; the whole command "
        f"{imported} s), a new `streamlit run serve.py`, then per role (city, county, department, readonly, in "
        "that order, on the one server) a new Chromium context signed in through the login form with the role's "
        "demo account, every page of its sidebar opened by a click on its link in the sidebar's order (first open, "
        "cold), then all once more (second open, warm). Seconds from the click to the page drawn: script finished, "
        "no running-status widget, title shown, no skeleton, spinner or stale element in the main area, every "
        f"chart drawn (held for {browser_pages.STEADY_MS} ms). The page the login opens is timed from the click "
        "on 登录. A later role shares the caches the earlier ones filled in the server. Load average (1/5/15 min) "
        f"at the start and end of each run: {loads}; `load` is the 1-minute figure after the page's first open."
    )
    return Table("First open of every page in Chromium, per role, after an import", rows, intro)


def memory_table(
    app: app_memory.AppMemory | None, pages_result: pages.PagesResults | None, bench_peak: int
) -> tuple[Table, list[Table]]:
    rows, extra = [], []
    browser_ok = app is not None and not app.error
    if app is not None:
        rows.append(
            Row(
                "app server (streamlit run), Chromium through every page twice",
                [app.peak_bytes] if app.peak_bytes else [],
                "bytes",
                Target("<=", PEAK_BYTES) if browser_ok else None,
                f"VmHWM; {app.start_bytes / 2**20:,.0f} MiB after start-up; signed in through the login form: "
                f"{'yes' if app.logged_in else 'no (no login form shown)'}",
                app.error,
            )
        )
        if app.page_seconds:
            visits = []
            for page, (first, second) in app.page_seconds.items():
                visits.append(Row(f"{Path(page).stem}: first visit (empty caches)", [first], "s"))
                visits.append(Row(f"{Path(page).stem}: second visit (warm)", [second], "s"))
            intro = (
                "From the click on the sidebar link until the page's script has finished, as the browser sees it. "
                "The overview's first visit follows the login, which had already run it."
            )
            extra.append(Table("Page loads in Chromium (informational, one visit each)", visits, intro, single=True))
    if pages_result is not None and pages_result.peak_bytes:
        rows.append(
            Row(
                "AppTest process, every page cold and warm",
                [pages_result.peak_bytes],
                "bytes",
                None if browser_ok else Target("<=", PEAK_BYTES),
                "the app's code in one process" + ("" if browser_ok else "; stands in for the server (browser failed)"),
            )
        )
    rows.append(Row("bench process (holds the pandas peer's tables)", [bench_peak], "bytes", note="VmHWM"))
    intro = (
        "The app server is the process an office runs; its VmHWM is the kernel's own high-water mark, read just "
        "before the server is stopped."
    )
    return Table("Peak memory", rows, intro), extra


# ---------------------------------------------------------------- the run


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmark at province scale.")
    parser.add_argument("--scale", choices=["province", "city"], default="province")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (at least 5 for the record)")
    parser.add_argument("--out", default="docs/benchmarks.md")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", default="2026-11-28", help="the pinned day of the demo and of every figure")
    parser.add_argument("--skip", default="", help=f"comma-separated sections to leave out: {', '.join(SECTIONS)}")
    return parser.parse_args(argv)


def command_text(args: argparse.Namespace) -> str:
    typed = " ".join(["python -m bench", *sys.argv[1:]]).strip()
    full = (
        f".venv/bin/python -m bench --scale {args.scale} --runs {args.runs} --seed {args.seed} "
        f"--today {args.today} --out {args.out}" + (f" --skip {args.skip}" if args.skip else "")
    )
    via = "`make bench`" if os.environ.get("MAKELEVEL") else f"`{typed}`"
    return f"{via}, i.e. `{full}`"


# our packages and scripts, compiled to bytecode before anything is timed
SOURCES = ("app.py", "serve.py", "app_pages", "app_ui", "bench", "pipeline")


def compile_sources() -> None:
    """Write the bytecode of our own modules now, so that no timed process compiles them: an installed copy
    runs from its bytecode cache after its first start, but where PYTHONDONTWRITEBYTECODE is set (as on the
    machine these figures come from) Python never writes that cache and every child process would compile
    every module it imports (~0.08 s for an import command)."""
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            compileall.compile_dir(path, quiet=1)
        else:
            compileall.compile_file(path, quiet=1)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    compile_sources()
    from pipeline import arrow_memory

    arrow_memory.use_jemalloc()  # the queries timed in this process, on the Arrow pool of the app and the command line
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    if skip - set(SECTIONS):
        raise SystemExit(f"unknown section(s) to skip: {', '.join(sorted(skip - set(SECTIONS)))}")
    today = dt.date.fromisoformat(args.today)
    started, started_at = time.perf_counter(), dt.datetime.now().replace(microsecond=0)
    load_before = os.getloadavg()

    cache_started = time.perf_counter()
    db_path = demo_cache.ensure(args.scale, args.seed, today, log)
    cache_seconds = time.perf_counter() - cache_started
    info = demo_cache.build_info(db_path)

    log("queries")
    try:
        q = queries_bench.measure(db_path, today, args.runs, log)
    except queries_bench.FiguresDiffer as exc:
        log(f"ABORTED: {exc}")
        return 1
    tables = query_tables(q)
    notes = []

    if "commands" not in skip:
        log("commands")
        command_results = commands.measure(db_path, today, q.period.text, args.runs, log=log)
        peer = q.peer_compute.median if q.peer_compute.values else None
        tables.append(command_table(command_results, q.period.text, peer))

    import_results = None
    if "imports" not in skip:
        log("imports")
        import_results = imports.measure(args.scale, args.seed, today, args.runs, log)
        tables.append(import_table(import_results))
        if args.scale == "province":  # a minute a run: three runs are enough for its median
            province_file = imports.measure_province_file(args.seed, today, min(args.runs, 3), log)
            tables.append(province_file_table(province_file))
        tables.append(refresh_import_table(imports.measure_refresh_imports(db_path, today, args.runs, log)))

    pages_result, page_memory = None, None
    if "pages" not in skip:
        log("pages")
        pages_result = pages.measure(db_path, today, q.period.text, args.runs, log)
        tables += page_tables(pages_result)
        log("pages, each on its own")
        page_memory = page_memory_table(pages.measure_each(db_path, today, q.period.text, log))

    app = None
    if "app" not in skip:
        log("app server in Chromium")
        app = app_memory.measure(db_path, today, q.period.text, pages.app_pages(), log)
        if app.error:
            notes.append(f"The browser tour failed ({app.error}); the AppTest process stands in for the app's memory.")
    browser = None
    if "app" not in skip:
        runs = min(args.runs, 3)  # four and a half minutes a run at province scale: three give the median
        log(f"first open of every page per role in Chromium, after an import ({runs} run(s))")
        browser = browser_pages.measure(db_path, today, runs=runs, log=log)
        if browser.error:
            notes.append(f"The first-open run in Chromium failed ({browser.error}).")
    memory, extra = memory_table(app, pages_result, own_peak_bytes())
    tables += [memory, *([page_memory] if page_memory else []), *extra]
    if browser is not None:
        tables.append(browser_page_table(browser))

    elapsed = time.perf_counter() - started
    sizes = q.table_rows
    facts = [
        *machine_facts(),
        ("Load average (1/5/15 min) at start and end", f"{_loads(load_before)} → {_loads(os.getloadavg())}"),
        ("Command", command_text(args)),
        ("Bytecode", f"our modules ({', '.join(SOURCES)}) compiled before the runs, as an installed copy runs them"),
        (
            "Run",
            f"{started_at.isoformat(sep=' ')}, {elapsed / 60:.1f} min in all"
            + (f" (of which {cache_seconds / 60:.1f} min building the demo)" if cache_seconds > 30 else ""),
        ),
        (
            "Data",
            f"{args.scale} demo, seed {args.seed}, today pinned to {today}: "
            + ", ".join(f"{n:,} {t} rows" for t, n in sizes.items())
            + f"; database {db_path.stat().st_size / GIB:.2f} GiB"
            + (f", built in {info['build_seconds']:.0f} s" if "build_seconds" in info else ""),
        ),
        ("Runs", f"{args.runs} timed runs per measurement; medians, min and max"),
    ]
    if import_results:
        files = import_results[0].file.parent.parent
        facts.append(("Import files", f"cut from `pipeline.demo.build_frames`, kept in {files.relative_to(ROOT)}"))
    if skip:
        notes.append(f"Sections left out of this run: {', '.join(sorted(skip))}.")
    notes += [
        "The machine is shared with other work, so single runs are noisy; medians are what the targets judge.",
        "DuckDB runs with its defaults (threads = CPU count); every query reads the cached demo read-only.",
        "Where a target was missed: the profile, the design change and the numbers before and after are in "
        "docs/performance.md.",
    ]
    title = f"Benchmarks ({args.scale} scale) · 性能基准"
    doc = report.Report(title, facts, tables, q.pandas_over_ours, q.ours_over_scan, notes)
    out = report.write(doc, ROOT / args.out)
    log(f"wrote {out} in {elapsed / 60:.1f} min")
    for line in report.summary_lines(q.pandas_over_ours, q.ours_over_scan):
        log(line)
    return 0
