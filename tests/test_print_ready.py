"""Print-ready out of the box: what `make run` installs is enough for the PDF report, from the command line and
from the 季度调度 page (Debian's chromium with the CJK fonts, driven by the playwright package of requirements.txt).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from app_ui import filters
from pipeline import access, db, labels, report
from tests.conftest import CITY_USER, EXAMPLE_TODAY, ROOT, app_test

PAGE = ROOT / "app_pages" / "report.py"
PDF_PAGE = re.compile(rb"/Type\s*/Page[^s]")


def require_chromium() -> None:
    """Skip where no Chromium is installed, except on CI, which must print (make test installs it)."""
    if report.pdf_available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must render the PDF, but Chromium is missing at {report.chromium_candidate()}")
    pytest.skip(f"no Chromium at {report.chromium_candidate()}")


def requirement_lines(name: str) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def test_the_pdf_renderer_is_a_pinned_runtime_requirement():
    runtime = requirement_lines("requirements.txt")
    pinned = [line for line in runtime if line.lower().startswith("playwright")]
    assert pinned == [f"playwright=={importlib.metadata.version('playwright')}"]  # the version checked here
    dev = requirement_lines("requirements-dev.txt")
    assert "-r requirements.txt" in dev and not any(line.lower().startswith("playwright") for line in dev)


def make_dry_run(target: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_chromium_and_the_cjk_fonts_before_starting():
    commands = make_dry_run("run")
    install = commands.find("apt-get install -y -qq chromium fonts-noto-cjk")
    start = commands.find("streamlit run serve.py")
    assert 0 <= install < start, commands  # system-deps, then the app
    assert "pip install" not in commands or "-r requirements.txt" in commands
    assert "playwright install" not in commands  # never a browser download
    recipes = [line for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines() if "#" not in line]
    assert not any("playwright install" in line for line in recipes)
    assert "apt-get install -y -qq chromium fonts-noto-cjk" in make_dry_run("test")  # the same step


def test_the_readme_says_what_make_run_installs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "chromium" in readme and "fonts-noto-cjk" in readme and "playwright" in readme


def test_the_command_line_writes_the_pdf_in_a_process_of_its_own(example_db, tmp_path):
    require_chromium()
    out, pdf = tmp_path / "三季度调度.xlsx", tmp_path / "三季度调度.pdf"
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "report",
        "--db",
        str(example_db),
        "--period",
        "2026Q3",
        "--today",
        EXAMPLE_TODAY.isoformat(),
        "--out",
        str(out),
        "--pdf",
        str(pdf),
    ]
    env = {key: value for key, value in os.environ.items() if key != "GUANAI_CHROMIUM"}  # the default place
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert labels.MSG_REPORT_WRITTEN.format(what=labels.REPORT_WHAT["pdf"], path=pdf) in result.stderr
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF") and len(PDF_PAGE.findall(content)) >= 3
    assert b"NotoSansCJK" in content or b"NotoSerifCJK" in content  # Chinese set in the CJK fonts, not boxes
    assert load_workbook(out).sheetnames[0] == "总体情况"


def test_the_report_page_hands_over_the_pdf(example_db, downloads):
    require_chromium()
    at = app_test(PAGE)
    for name, value in filters.url_params("2026Q3").items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    shown = [button.label for button in at.get("download_button")]
    assert labels.REPORT_PAGE_DOWNLOAD_PDF in shown
    assert labels.REPORT_PAGE_NO_PDF not in [caption.value for caption in at.caption]
    [name] = [name for name in downloads if name and name.endswith(".pdf")]
    assert name == "全市_2026年第三季度_季度调度.pdf"
    content = downloads[name]()
    assert content.startswith(b"%PDF") and len(PDF_PAGE.findall(content)) >= 3
    with db.session(example_db) as con:
        audited = access.read_audit(con, action="export")
    assert audited["user_name"].tolist() == [CITY_USER]
    assert name in audited["detail"].iloc[0]
