"""The first open of every page, per role, in Chromium: what an office sees on the morning after an import.

One run goes as an office's day starts:
1. a copy of the database (the given file is never written), then `python -m pipeline import` of a contact log
   of new contacts on the pinned day (imports.write_refresh_files), so that the import refreshes the stored
   figures as it does for an office;
2. a new app server (`streamlit run serve.py`, as `make run` starts it) on the copy, with today pinned;
3. for each role, in the order city, county, department, readonly, a new browser context: the login form at the
   app's root, the role's demo account (pipeline.demo.add_demo_accounts) signed in through it, then every page
   the sidebar offers, in the sidebar's order, opened by a click on its link (cold), and then every page once
   more in the same order (warm).

A page is drawn when, after the click (or, for the page the login opens, after the click on 登录), the script
has run (the script state or the main area changed) and finished (`data-test-script-state` is notRunning), the
address is the link's, no running-status widget is shown (one fading out counts as gone), the main area holds a
visible title (h1), no skeleton, spinner or stale element of the page before, and every Plotly chart has drawn
its figure; and all of this still holds 300 ms later (a page that reruns itself is not drawn until its last run
ends). The seconds run from the click event to the first moment of that lasting state, both read from the
page's own clock.

The server's memory is polled while this happens and its VmHWM read before it stops. Caches live in the server
process: the first role's pages are the cold ones; a later role's pages are cold for its own scope but share
what the earlier roles left in the process (figures of the whole city, the period lists).

`python -m bench.browser_pages --db PATH --today 2026-11-28 [--roles city,county] [--runs 1]` runs it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.app_memory import CHROMIUM, LAUNCH_ARGS, TIMEOUT_MS, app_server
from bench.demo_cache import CACHE_DIR, ROOT
from bench.timing import TreeMemory, status_kib

ROLES = ("city", "county", "department", "readonly")
STEADY_MS = 300  # how long the drawn state must last to count
VIEWPORT = {"width": 1440, "height": 900}

# Installed before each timed click: the click event's time, whether the script state changed since, and a
# promise of the first moment of the drawn state that then lasted STEADY_MS (both on the page's clock).
WATCH = r"""([target, steady, timeout]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const watch = {clicked: null, ran: false};
  window.__benchWatch = watch;
  window.__benchObserver?.disconnect();
  // a run shows as a change of the script state or of the main area (a fast run can pass from running back to
  // notRunning within one render, leaving the attribute as it was)
  window.__benchObserver = new MutationObserver(() => { if (watch.clicked !== null) watch.ran = true; });
  window.__benchObserver.observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
  window.__benchObserver.observe(document.querySelector("[data-testid='stMain']"),
    {attributes: true, childList: true, subtree: true, characterData: true});
  document.addEventListener("click", () => { watch.clicked = performance.now(); }, {capture: true, once: true});
  const path = () => location.pathname.replace(/^\/+|\/+$/g, "");
  const drawn = () => {
    if (watch.clicked === null || !watch.ran || app.dataset.testScriptState !== "notRunning") return false;
    if (target !== null && path() !== target) return false;
    for (const widget of document.querySelectorAll("[data-testid='stStatusWidget']"))
      if (!widget.className.includes("StatusWidget-exit")) return false;
    const main = document.querySelector("[data-testid='stMain']");
    if (!main) return false;
    const busy = "[data-testid='stSkeleton'], [data-testid='stAppSkeleton'], [data-testid='stSpinner'], "
      + "[data-stale='true']";
    if (main.querySelector(busy)) return false;
    const title = main.querySelector("h1");
    if (!title || !title.checkVisibility() || !title.innerText.trim()) return false;
    return [...main.querySelectorAll("[data-testid='stPlotlyChart']")].every(chart => chart.querySelector(".main-svg"));
  };
  watch.done = new Promise((resolve, reject) => {
    let since = null;
    const started = performance.now();
    const tick = () => {
      const now = performance.now();
      if (drawn()) {
        if (since === null) since = now;
        if (now - since >= steady) return resolve(since - watch.clicked);
      } else since = null;
      if (now - started > timeout) return reject(new Error("not drawn within " + timeout + " ms"));
      setTimeout(tick, 10);
    };
    tick();
  });
}"""
WAIT = "() => window.__benchWatch.done"
# what the main area shows once drawn: its titles, and the text of an exception if one was raised
SHOWN = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  return {
    titles: [...main.querySelectorAll("h1")].map(h => h.innerText.trim()),
    exception: [...main.querySelectorAll("[data-testid='stException']")].map(e => e.innerText.slice(0, 300))
      .join(" / "),
  };
}"""
# the sidebar's pages: their addresses and their names (without the icons' ligatures)
NAV = """links => links.map(link => {
  const icon = link.querySelector("[data-testid='stIconMaterial']");
  return {href: link.href, name: link.textContent.replace(icon ? icon.textContent : "", "").trim()};
})"""


@dataclass
class PageOpen:
    """One page of one role: the seconds of its first and second opens in each run."""

    role: str
    page: str  # its address (file name under app_pages/)
    name: str  # its name in the sidebar
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average after the cold open
    after_login: bool = False  # its first open is the page the login opened
    error: str = ""


@dataclass
class BrowserPages:
    """Every role's pages, the server's memory and the runs' circumstances."""

    pages: list[PageOpen] = field(default_factory=list)
    peak_bytes: list[int] = field(default_factory=list)  # the server's VmHWM, per run
    import_seconds: list[float] = field(default_factory=list)  # the whole `python -m pipeline import`, per run
    loads: list[tuple[tuple[float, ...], tuple[float, ...]]] = field(default_factory=list)  # each run's start, end
    runs: int = 0
    error: str = ""

    def page(self, role: str, page: str, name: str) -> PageOpen:
        for found in self.pages:
            if (found.role, found.page) == (role, page):
                return found
        self.pages.append(PageOpen(role, page, name))
        return self.pages[-1]


def _path(url: str) -> str:
    """The address of a page without its slashes: "" for the default page, which lives at the root."""
    return urllib.parse.urlparse(url).path.strip("/")


def _page_named(name: str) -> str:
    """The page (its file under app_pages/) a sidebar name stands for: a county's or department's own 总览 is the
    overview (app_ui.page.nav_title)."""
    from pipeline import labels

    by_title = {title: page for page, title in labels.PAGE_TITLES.items()}
    if name in by_title:
        return by_title[name]
    before, _, after = labels.OWN_OVERVIEW_TITLE.partition("{unit}")
    return "overview" if name.startswith(before) and name.endswith(after) else name


def _timed(page, click, target: str | None = None) -> float:
    """Seconds from the click `click()` makes until the page is drawn (see WATCH), at the target's address."""
    page.evaluate(WATCH, [target, STEADY_MS, TIMEOUT_MS])
    click()
    return page.evaluate(WAIT) / 1000


def _problem(page, what: str, address: str) -> str:
    """Why a drawn page does not count: an exception shown, or the address of another page."""
    shown = page.evaluate(SHOWN)
    if shown["exception"]:
        return f"{what}: exception: {shown['exception']}"
    if _path(page.url) != address:
        return f"{what}: at /{_path(page.url)}, not /{address} (titles {shown['titles']})"
    return ""


def _role(browser, url: str, role: str, result: BrowserPages, log) -> None:
    """Sign in as the role's demo account and open each page it is offered, cold then warm."""
    from playwright.sync_api import Error as PlaywrightError

    from pipeline import demo, labels

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url + "/")
        page.get_by_label(labels.LOGIN_PASSWORD).wait_for()
        page.get_by_label(labels.LOGIN_NAME).fill(labels.DEMO_ACCOUNTS[role])
        page.get_by_label(labels.LOGIN_PASSWORD).fill(demo.DEMO_PASSWORD)
        submit = page.get_by_role("button", name=labels.LOGIN_SUBMIT)
        landing_seconds = _timed(page, submit.click)
        page.get_by_role("button", name=labels.LOGOUT).wait_for()  # signed in: the sidebar has it
        links = page.locator("[data-testid='stSidebarNav'] a")
        nav = [(_path(item["href"]), item["name"]) for item in links.evaluate_all(NAV)]
        landing = _path(page.url)
        for number, (kind, seconds_of) in enumerate((("cold", {landing: landing_seconds}), ("warm", {}))):
            for index, (address, title) in enumerate(nav):
                name = _page_named(title)
                opened = result.page(role, name, title)
                if address in seconds_of:  # the page the login opened: its first open was the login's
                    seconds, opened.after_login = seconds_of[address], True
                else:
                    try:
                        seconds = _timed(page, links.nth(index).click, address)
                    except PlaywrightError as exc:  # this page is reported; the others are still measured
                        opened.error = opened.error or f"{role} {name} ({kind}): {' '.join(str(exc).split())[:300]}"
                        log(f"  {opened.error}")
                        continue
                problem = _problem(page, f"{role} {name} ({kind})", address)
                opened.error = opened.error or problem
                getattr(opened, kind).append(seconds)
                if number == 0:
                    opened.load.append(os.getloadavg()[0])
                log(f"  {role} {name} {kind}: {seconds:.2f} s" + (f" — {problem}" if problem else ""))
    finally:
        context.close()


def _import(db_path: Path, today: dt.date, file: Path) -> float:
    """`python -m pipeline import` of the file into the database: the whole process's seconds."""
    command = [sys.executable, "-m", "pipeline", "import", "--db", str(db_path), "--today", today.isoformat()]
    started = time.perf_counter()
    done = subprocess.run([*command, str(file)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the import exited {done.returncode}: {(done.stderr or done.stdout).strip()[-1000:]}")
    return seconds


def _prepare(source: Path, today: dt.date, work: Path) -> tuple[Path, Path]:
    """A copy of the source database holding the demo accounts, and the contact log of new contacts to import
    (cut from the copy once, the first time)."""
    from bench import imports
    from pipeline import db, demo

    copy = work / "app.duckdb"
    for path in (copy, copy.with_name(copy.name + ".wal")):
        path.unlink(missing_ok=True)
    shutil.copyfile(source, copy)
    with db.session(copy) as con:
        demo.add_demo_accounts(con)  # present in a demo database; added to the copy when the source lacks them
    files = sorted((work / "files").glob("*本日.csv"))
    new = files[0] if files else imports.write_refresh_files(copy, today, work / "files")[1]
    return copy, new


def measure(
    db_path: Path, today: dt.date, roles: tuple[str, ...] = ROLES, runs: int = 1, work: Path | None = None, log=print
) -> BrowserPages:
    """`runs` times: a fresh copy, an import, a new server and every role's pages in Chromium."""
    result = BrowserPages(runs=runs)
    if not Path(CHROMIUM).exists():
        result.error = f"chromium not found at {CHROMIUM}"
        return result
    import streamlit  # noqa: F401  (Streamlit's loggers, set up before app_ui's cached functions are defined)
    from playwright.sync_api import sync_playwright

    work = work or CACHE_DIR / "browser-pages-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        for run in range(runs):
            load_before = os.getloadavg()
            copy, file = _prepare(db_path, today, work)
            seconds = _import(copy, today, file)
            result.import_seconds.append(seconds)
            log(f"browser pages, run {run + 1}/{runs}: imported {file.name} in {seconds:.1f} s; a new server")
            with (
                app_server(copy, today, "serve.py", work / "streamlit.log") as (url, server),
                TreeMemory(server.pid, interval=0.05) as memory,
                sync_playwright() as playwright,
            ):
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                try:
                    for role in roles:
                        _role(browser, url, role, result, log)
                finally:
                    browser.close()
                memory.sample()
                result.peak_bytes.append(max(status_kib(server.pid, "VmHWM") * 1024, memory.peak_sum_bytes))
            result.loads.append((load_before, os.getloadavg()))
    except Exception as exc:  # reported in the table; what was measured before it stays
        result.error = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
        log(f"  browser pages failed: {result.error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _loads(values: tuple[float, ...]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def text_table(result: BrowserPages) -> str:
    """The figures as plain text: role, page, cold s, warm s, load."""
    lines = [f"{'role':<11} {'page':<12} {'cold s':>7} {'warm s':>7} {'load':>5}  name / error"]
    for opened in result.pages:
        cold = f"{statistics.median(opened.cold):7.2f}" if opened.cold else "      —"
        warm = f"{statistics.median(opened.warm):7.2f}" if opened.warm else "      —"
        load = f"{statistics.median(opened.load):5.2f}" if opened.load else "    —"
        mark = " (sign-in)" if opened.after_login else ""
        lines.append(f"{opened.role:<11} {opened.page:<12} {cold} {warm} {load}  {opened.name}{mark} {opened.error}")
    for bytes_ in result.peak_bytes:
        lines.append(f"server VmHWM {bytes_ / 2**30:.2f} GiB")
    if result.error:
        lines.append(f"error: {result.error}")
    lines.append(f"load average now: {_loads(os.getloadavg())}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser_pages", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="the database to copy (never written)")
    parser.add_argument("--today", default="2026-11-28", help="the pinned day")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated, of " + ", ".join(ROLES))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="where the copy and the import file go")
    parser.add_argument("--json", type=Path, default=None, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    roles = tuple(role.strip() for role in args.roles.split(",") if role.strip())
    if set(roles) - set(ROLES) or not roles:
        parser.error(f"--roles: choose from {', '.join(ROLES)}")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = measure(args.db, dt.date.fromisoformat(args.today), roles, args.runs, args.work, log)
    if args.json:
        args.json.write_text(json.dumps(asdict(result), ensure_ascii=False, indent=1), encoding="utf-8")
    print(text_table(result))
    with contextlib.suppress(BrokenPipeError):
        sys.stdout.flush()
    return 1 if result.error or any(p.error for p in result.pages) else 0


if __name__ == "__main__":
    sys.exit(main())
