"""The report printed to A4 PDF by headless Chromium (Debian's, driven by playwright; nothing is downloaded)."""

from __future__ import annotations

import concurrent.futures
import os
import threading
from pathlib import Path

from pipeline import config, labels
from pipeline.report.assemble import CHROMIUM, CHROMIUM_ARGS, PDF_TIMEOUT_MS

# ---------------------------------------------------------------- PDF through headless Chromium


def chromium_candidate() -> Path:
    """Where the Chromium that renders PDFs is looked for: $GUANAI_CHROMIUM, else /usr/bin/chromium."""
    configured = os.environ.get("GUANAI_CHROMIUM")
    return Path(configured) if configured else CHROMIUM


def chromium_path() -> Path | None:
    """That Chromium when it is there and executable, else None."""
    candidate = chromium_candidate()
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


def pdf_available() -> bool:
    """True when a PDF can be rendered here (Chromium and the playwright package are both present)."""
    if chromium_path() is None:
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


_PDF_FOOTER = (
    '<div style="width:100%;text-align:center;font-size:8pt;color:#57606a;'
    'font-family:Noto Sans CJK SC,sans-serif;">{text}</div>'
)


def _render_pdf(html_text: str, executable: Path, landscape: bool = True) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(executable), args=browser_args())
        try:
            page = browser.new_page()
            page.set_content(html_text, wait_until="load", timeout=PDF_TIMEOUT_MS)
            page.evaluate("document.fonts.ready.then(() => true)")
            return page.pdf(
                format="A4",
                landscape=landscape,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=_PDF_FOOTER.format(
                    text=labels.REPORT_PDF_PAGE.format(
                        page='<span class="pageNumber"></span>', pages='<span class="totalPages"></span>'
                    )
                ),
                margin={"top": "12mm", "bottom": "14mm", "left": "10mm", "right": "10mm"},
            )
        finally:
            browser.close()


RENDERERS = threading.BoundedSemaphore(config.MAX_PDF_RENDERERS)  # PDF renderers running at once


def browser_args() -> list[str]:
    """Chromium's flags: its own sandbox where the OS allows it (not for root, which Chromium refuses)."""
    if os.geteuid() != 0:
        return [arg for arg in CHROMIUM_ARGS if arg != "--no-sandbox"]
    return list(CHROMIUM_ARGS)


def report_pdf(html_text: str, landscape: bool = True) -> bytes | None:
    """HTML printed to A4 PDF (landscape unless asked) by headless Chromium; None when Chromium is not here."""
    executable = chromium_path()
    if executable is None or not pdf_available():
        return None
    # Playwright's sync API refuses to run inside an asyncio loop (Streamlit's, for one): a thread has none.
    # One browser at a time: a second request waits for the first to finish.
    with RENDERERS, concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_render_pdf, html_text, executable, landscape).result()
