"""The real app in real Chromium: a `streamlit run serve.py` server on a free port and a Playwright browser."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline import labels
from tests.conftest import CITY_USER, EXAMPLE_TODAY, ROOT, TEST_PASSWORD, build_example_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def example_database(tmp_path_factory) -> Path:
    return build_example_database(tmp_path_factory.mktemp("browser") / "example.duckdb")


@contextlib.contextmanager
def serve_app(database: Path, log_name: str = "streamlit.log"):
    """Start the app as an office would (streamlit run serve.py, as `make run` does) on `database`, wait until it
    answers, stop it after."""
    port = _free_port()
    env = {**os.environ, "GUANAI_DB": str(database), "GUANAI_TODAY": EXAMPLE_TODAY.isoformat(), "GUANAI_WARM": "1"}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "serve.py",
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
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = (ARTIFACTS.parent / log_name).open("w")  # kept open for the server's lifetime
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.read().decode() == "ok":
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.close()
            pytest.fail(f"streamlit did not start; see test-artifacts/{log_name}")
        time.sleep(0.3)
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def app_url(example_database):
    """The app on the example database."""
    with serve_app(example_database) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make test` installs it with apt-get")
        pytest.skip("chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page) -> None:
    """Wait until the script has finished running (as Streamlit's own tests do)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=30_000)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_signed_in(page, link: str, user: str = CITY_USER, password: str = TEST_PASSWORD) -> None:
    """Open a link as an office user would: the login page first, then the page and view the link named.

    A browser still signed in (its session cookie) opens the page straight away: as this user it is used as
    it is, as another user it signs out first.
    """
    page.goto(link)
    login, logout = page.get_by_label(labels.LOGIN_PASSWORD), page.get_by_role("button", name=labels.LOGOUT)
    login.or_(logout).first.wait_for(timeout=60_000)
    wait_for_app(page)
    if logout.count():
        if user in page.locator("[data-testid='stSidebar']").inner_text():
            return
        logout.click()
        page.goto(link)
        login.wait_for(timeout=60_000)
        wait_for_app(page)
    page.get_by_label(labels.LOGIN_NAME).fill(user)
    page.get_by_label(labels.LOGIN_PASSWORD).fill(password)
    page.get_by_role("button", name=labels.LOGIN_SUBMIT).click()
    page.get_by_role("button", name=labels.LOGOUT).wait_for(timeout=30_000)  # signed in: the sidebar has it
    wait_for_app(page)
