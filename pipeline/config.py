"""Where the database lives, what "today" is, and the limits that protect the machine."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "guanai.duckdb"

# Guards applied before any parsing (SPEC §4, issue "foundation").
MAX_FILE_BYTES = 200 * 1024 * 1024  # an upload larger than this is refused
MAX_ROWS = 1_000_000  # data rows per file (all sheets together)
MAX_SHEET_CELLS = 60_000_000  # declared sheet dimension, rows x columns
MAX_ZIP_ENTRIES = 2_000
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per entry larger than 1 MB
MAX_COLUMNS = 16_384  # columns of a CSV row: Excel's own limit
MAX_PARSE_MEMORY = 4 * 1024 * 1024 * 1024  # address space of the child process that parses a workbook
MAX_PARSE_SECONDS = 300  # time the workbook parser may take before it is stopped
HEADER_SCAN_ROWS = 15
HEADER_MIN_MATCHES = 3
ERRORS_IN_SUMMARY = 1000  # errors printed per file by the CLI; all are kept in the database


def db_lock_wait_seconds() -> float:
    """How long to wait for another process to release the database ($GUANAI_DB_WAIT, default 30 s)."""
    return float(os.environ.get("GUANAI_DB_WAIT", "30"))


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: an explicit path, else $GUANAI_DB, else data/guanai.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("GUANAI_DB")
    return Path(env) if env else DEFAULT_DB


def today(explicit: str | dt.date | None = None) -> dt.date:
    """The pinned date (argument, then $GUANAI_TODAY), else the real date."""
    if isinstance(explicit, dt.date):
        return explicit
    value = explicit or os.environ.get("GUANAI_TODAY")
    if value:
        return dt.date.fromisoformat(value)
    return dt.date.today()
