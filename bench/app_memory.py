"""Peak memory of the real app: `streamlit run app.py` driven through every page by Chromium.

The server is started as the browser tests start it (tests/browser/conftest.py), on the demo database
with today pinned. Playwright drives Debian's chromium: it opens the overview, signs in as the bench
account when a login form is shown, then clicks through every page of the sidebar twice (first with
empty caches, then warm). The server's memory is polled from /proc while this happens, and its VmHWM
(the kernel's own high-water mark, which no polling interval can miss) is read before it is stopped.
The browser is a separate process tree and is not counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench.demo_cache import BENCH_PASSWORD, BENCH_USER, CACHE_DIR, ROOT
from bench.timing import TreeMemory, status_kib

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 300_000  # a cold province page may take a while on a busy machine
_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


@dataclass
class AppMemory:
    """What the browser tour measured."""

    peak_bytes: int = 0  # VmHWM of the server process
    polled_peak_bytes: int = 0  # the largest polled sum over the server's process tree
    start_bytes: int = 0  # resident memory once the server answered its health check
    logged_in: bool = False
    page_seconds: dict[str, tuple[float, float]] = field(default_factory=dict)  # page → (cold, warm)
    error: str = ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.read().decode() == "ok":
                    return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("streamlit did not start; see bench/cache/streamlit.log")
        time.sleep(0.3)


def _wait_idle(page) -> None:
    page.wait_for_selector(_IDLE, timeout=TIMEOUT_MS)


def _sign_in_if_asked(page) -> bool:
    """Fill the login form when the app shows one; whether it did."""
    password = page.locator("input[type='password']")
    if password.count() == 0:
        return False
    # a link to a page opens the login first, with a "page not found" notice over it (the page exists
    # only once signed in; the app opens it after the login)
    if page.get_by_role("dialog").count():
        page.keyboard.press("Escape")
        page.get_by_role("dialog").first.wait_for(state="detached", timeout=TIMEOUT_MS)
    page.locator("[data-testid='stForm'] input:not([type='password'])").first.fill(BENCH_USER)
    password.first.fill(BENCH_PASSWORD)
    password.first.press("Enter")
    password.first.wait_for(state="detached", timeout=TIMEOUT_MS)
    return True


def _open(page, title: str) -> float:
    """Click the page's link in the sidebar; seconds until its script has finished."""
    started = time.perf_counter()
    page.locator("[data-testid='stSidebarNav'] a", has_text=title).first.click()
    page.locator("h1", has_text=title).first.wait_for(timeout=TIMEOUT_MS)
    _wait_idle(page)
    return time.perf_counter() - started


def _tour(url: str, pages: list[str], period: str, result: AppMemory, log) -> None:
    import streamlit  # noqa: F401  (sets up Streamlit's loggers, quietened below)
    from playwright.sync_api import sync_playwright

    # app_ui defines cached functions: outside a server Streamlit says so once per function
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    from app_ui import filters
    from pipeline import labels

    titles = [labels.PAGE_TITLES.get(Path(p).stem, Path(p).stem) for p in pages]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = None
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{url}/overview?" + urllib.parse.urlencode(filters.url_params(period), doseq=True))
            # the login form or, with no login, the app's own navigation; "script not running" alone
            # also holds for a moment before the first run has started
            page.locator("input[type='password'], [data-testid='stSidebarNav']").first.wait_for(timeout=TIMEOUT_MS)
            _wait_idle(page)
            result.logged_in = _sign_in_if_asked(page)
            page.locator("[data-testid='stSidebarNav']").first.wait_for(timeout=TIMEOUT_MS)
            _wait_idle(page)
            cold = {}
            for title in titles:
                cold[title] = _open(page, title)
                log(f"  browser: {title} {cold[title]:.1f} s (cold)")
            for page_path, title in zip(pages, titles, strict=True):
                result.page_seconds[page_path] = (cold[title], _open(page, title))
        except Exception:
            with contextlib.suppress(Exception):  # what the browser saw, for whoever reads the error
                page.screenshot(path=str(CACHE_DIR / "app-tour-failure.png"), full_page=True)
            raise
        finally:
            browser.close()


@contextlib.contextmanager
def app_server(db_path: Path, today: dt.date, script: str = "app.py", log_path: Path | None = None):
    """`streamlit run SCRIPT` on a free port, on the database with today pinned; yields (url, process) once it
    answers its health check, and stops it after."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GUANAI_DB": str(db_path), "GUANAI_TODAY": today.isoformat()}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log_path = log_path or CACHE_DIR / "streamlit.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as server_log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url, server)
            yield url, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def measure(db_path: Path, today: dt.date, period: str, pages: list[str], log=print) -> AppMemory:
    """Start the server, tour every page in Chromium, and read the server's peak memory."""
    result = AppMemory()
    if not Path(CHROMIUM).exists():
        result.error = f"chromium not found at {CHROMIUM}"
        return result
    log(f"app: streamlit run app.py, Chromium through {len(pages)} pages twice")
    with app_server(db_path, today) as (url, server), TreeMemory(server.pid, interval=0.05) as memory:
        result.start_bytes = status_kib(server.pid, "VmRSS") * 1024
        try:
            _tour(url, pages, period, result, log)
        except Exception as exc:  # reported; the caller falls back to the AppTest process
            result.error = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
            log(f"  browser tour failed: {result.error}")
        memory.sample()
        result.peak_bytes = status_kib(server.pid, "VmHWM") * 1024
    result.polled_peak_bytes = memory.peak_sum_bytes
    return result
