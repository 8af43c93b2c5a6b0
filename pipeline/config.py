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
# At most this many workbook parsers and PDF renderers run at once in one process; more wait their turn
# (a queue, not a crash): each may take gigabytes (the parser) or a browser (the renderer).
MAX_PARSE_CHILDREN = 2
MAX_PDF_RENDERERS = 1
HEADER_SCAN_ROWS = 15
HEADER_MIN_MATCHES = 3
ERRORS_IN_SUMMARY = 1000  # errors printed per file by the CLI; all are kept in the database
# The command line reads a CSV from disk in chunks of this many rows, without the two caps above (see
# pipeline/ingest/stream.py); a file of one chunk or less is imported as an upload is.
STREAM_CHUNK_ROWS = 500_000
# A contact log read in chunks keeps only its rejected rows in memory: past this many the import stops
# (nothing lands), since so many rejected rows mean a systematic fault, such as a roster not imported yet.
STREAM_MAX_REJECTED = 200_000
# DuckDB's memory while such a file is imported (it spills the staged rows to disk beyond it), so that the
# command line stays within about 2 GB for a province's contact log of five million rows.
STREAM_DATABASE_MEMORY = 1024 * 2**20


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


def session_idle_minutes() -> float:
    """Minutes without any action after which a signed-in session ends ($GUANAI_SESSION_IDLE_MINUTES, default 30)."""
    try:
        minutes = float(os.environ.get("GUANAI_SESSION_IDLE_MINUTES", "30"))
    except ValueError:
        return 30.0
    return minutes if minutes > 0 else 30.0


def session_max_hours() -> float:
    """Hours after its login beyond which a browser session cannot go on, however busy
    ($GUANAI_SESSION_MAX_HOURS, default 12: a working day)."""
    try:
        hours = float(os.environ.get("GUANAI_SESSION_MAX_HOURS", "12"))
    except ValueError:
        return 12.0
    return hours if hours > 0 else 12.0


def client_address_header() -> str | None:
    """The request header a trusted reverse proxy puts the client's address in ($GUANAI_CLIENT_IP_HEADER, e.g.
    X-Real-IP); unset when the app is reached directly, whose own view of the address is used then."""
    return os.environ.get("GUANAI_CLIENT_IP_HEADER") or None
