"""Page reruns: every page of the app through Streamlit's AppTest, with cold and with warm caches.

All timed runs happen in one child process (`python -m bench.pages child`), pointed at the demo database
by $GUANAI_DB with today pinned by $GUANAI_TODAY, as the tests do; the parent polls that process's memory.
The session is signed in as the bench account: `st.session_state["auth_user"]` holds its name, which the
app's login gate reads back from the database.

One untimed run of the first page comes first, so that importing Streamlit, plotly and the page
modules is not charged to any page. Then, for each page and each run:
- cold: every cache emptied (`app_ui.data.clear_caches()`), a new AppTest session on the page, `at.run()` timed;
- warm: `at.run()` again on the same session (the rerun a click causes), timed.
A page that raises or does not show its own title is marked ERROR in the report.

`measure_each` then runs every page once, cold, in a process of its own (`python -m bench.pages one`),
so that the memory a page needs is not hidden behind another page's high-water mark.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.demo_cache import BENCH_USER, ROOT
from bench.timing import Samples, TreeMemory, own_peak_bytes


def app_pages() -> list[str]:
    """The page scripts app.py's navigation names, in the order it names them; a login page is not a main page.

    app.py is being changed while this is written (a login gate, pages offered by role), so the pages are
    found by their file names in its text rather than by parsing one particular way of listing them.
    """
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    found = []
    for path in sorted((ROOT / "app_pages").glob("*.py")):
        at = min((i for i in (text.find(f'"{path.stem}"'), text.find(f"app_pages/{path.name}")) if i >= 0), default=-1)
        if at >= 0 and "login" not in path.stem:
            found.append((at, f"app_pages/{path.name}"))
    return [page for _, page in sorted(found)]


@dataclass
class PageResult:
    """Cold and warm run times of one page."""

    page: str
    cold: Samples = field(default_factory=Samples)
    warm: Samples = field(default_factory=Samples)
    error: str = ""


@dataclass
class PagesResults:
    pages: list[PageResult]
    peak_bytes: int  # the AppTest child process (its tree)
    error: str = ""


def _launch(arguments: list[str], db_path: Path, today: dt.date, log) -> tuple[dict | None, int, str]:
    """Run `python -m bench.pages ARGUMENTS` on the database: its JSON answer, peak memory and any error."""
    # no warming (app_ui/warm.py): a thread computing views beside the timed runs would take their CPU and fill
    # the caches a cold run has just cleared, and the process exits while it is still in DuckDB
    env = {**os.environ, "GUANAI_DB": str(db_path), "GUANAI_TODAY": today.isoformat(), "GUANAI_WARM": "0"}
    command = [sys.executable, "-m", "bench.pages", *arguments]
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # the child reports each page on stderr as it finishes: pass that on, keep the tail for an error
    tail: collections.deque[str] = collections.deque(maxlen=40)

    def relay() -> None:
        for line in child.stderr:
            if "No runtime found" in line or "missing ScriptRunContext" in line:  # Streamlit's bare-mode notices
                continue
            tail.append(line.rstrip())
            if line.startswith("page "):
                log("  " + line.rstrip())

    reader = threading.Thread(target=relay, daemon=True)
    reader.start()
    with TreeMemory(child.pid) as memory:
        out = child.stdout.read()
        child.wait()
    reader.join()
    if child.returncode != 0:
        return None, memory.peak_bytes, f"AppTest child failed ({child.returncode}): {' / '.join(tail)[-2000:]}"
    answer = json.loads(out.strip().splitlines()[-1])
    return answer, max(memory.peak_bytes, answer["own_peak_bytes"]), ""


def measure(db_path: Path, today: dt.date, period: str, runs: int, log=print) -> PagesResults:
    """Every page cold and warm `runs` times in one AppTest process; its timings and peak memory."""
    pages = app_pages()
    log(f"pages: {len(pages)} pages x {runs} cold + {runs} warm runs through AppTest")
    answer, peak, error = _launch(["child", period, str(runs), *pages], db_path, today, log)
    if answer is None:
        return PagesResults([], peak, error)
    results = []
    for page in pages:
        got = answer["pages"][page]
        results.append(PageResult(page, Samples(got["cold"]), Samples(got["warm"]), got["error"]))
    return PagesResults(results, peak)


@dataclass
class PageMemory:
    """One cold run of one page in a fresh process: what it costs on its own."""

    page: str
    seconds: float = 0.0
    peak_bytes: int = 0
    base_bytes: int = 0  # the process before the run (Python, Streamlit and the app's modules)
    error: str = ""


def measure_each(db_path: Path, today: dt.date, period: str, log=print) -> list[PageMemory]:
    """Each page once, cold, in a process of its own: which page needs how much memory and time."""
    found = []
    for page in app_pages():
        answer, peak, error = _launch(["one", period, "1", page], db_path, today, log)
        if answer is None:
            found.append(PageMemory(page, error=error))
            continue
        found.append(PageMemory(page, answer["seconds"], peak, answer["base_bytes"], answer["error"]))
        log(f"  page {page} alone: {answer['seconds']:.1f} s, peak {peak / 2**30:.2f} GiB")
    return found


def _problem(at, page: str) -> str:
    """Why a finished run does not count: an exception, or the page's own title missing."""
    from pipeline import labels

    if at.exception:
        return "exception: " + "; ".join(str(e.value)[:300] for e in at.exception)
    wanted = labels.PAGE_TITLES.get(Path(page).stem)
    shown = [t.value for t in at.title]
    if wanted and wanted not in shown:
        return f"the page did not render (titles shown: {shown})"
    return ""


def _session(page: str, period: str):
    """An AppTest session on one page, signed in as the bench account, on the period's view."""
    from streamlit.testing.v1 import AppTest

    from app_ui import filters

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for name, value in filters.url_params(period).items():
        at.query_params[name] = value
    at.session_state["auth_user"] = BENCH_USER
    at.switch_page(page)
    return at


def child(period: str, runs: int, pages: list[str]) -> None:
    """Entry of the AppTest process: time every page, print one JSON line."""
    from app_ui import data

    _session(pages[0], period).run()  # imports and first-call costs, charged to no page
    out: dict[str, dict] = {}
    for page in pages:
        cold, warm, error = [], [], ""
        for _ in range(runs):
            data.clear_caches()  # both kinds of Streamlit cache, and the counts of the checks found with them
            at = _session(page, period)
            started = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - started)
            error = error or _problem(at, page)
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
            error = error or _problem(at, page)
        out[page] = {"cold": cold, "warm": warm, "error": error}
        spread = f"cold {min(cold):.2f}-{max(cold):.2f} s, warm {min(warm):.2f}-{max(warm):.2f} s"
        print(f"page {page}: {spread}", file=sys.stderr, flush=True)
    print(json.dumps({"pages": out, "own_peak_bytes": own_peak_bytes()}, ensure_ascii=False))


def child_one(period: str, page: str) -> None:
    """Entry of a one-page process: one cold run, its seconds and the process's memory before and after."""
    at = _session(page, period)
    base = own_peak_bytes()
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    answer = {"seconds": seconds, "base_bytes": base, "own_peak_bytes": own_peak_bytes(), "error": _problem(at, page)}
    print(json.dumps(answer, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description="The AppTest process of the benchmark (used by bench.pages).")
    parser.add_argument("mode", choices=["child", "one"])
    parser.add_argument("period")
    parser.add_argument("runs", type=int)
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    if args.mode == "one":
        child_one(args.period, args.pages[0])
    else:
        child(args.period, args.runs, args.pages)


if __name__ == "__main__":
    main()
