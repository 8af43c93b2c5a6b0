"""The command line as a person or a scheduled job meets it: `python -m pipeline --help` and `… metrics`.

Each run is a fresh `python -m pipeline` process, timed from its start to its exit (the interpreter, the
imports and the work), after one untimed run that warms the file cache. `metrics` asks for the stored quarter
of the bench database, as the morning job would, and writes its audit record there like any export.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.timing import Samples, repeat

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 300


@dataclass
class CommandResults:
    """Seconds per process of `--help` and of `metrics` (one grouping of one period), and what failed."""

    grouping: str
    help: Samples = field(default_factory=Samples)
    metrics: Samples = field(default_factory=Samples)
    metrics_rows: int = 0
    help_error: str = ""
    metrics_error: str = ""


def _run(arguments: list[str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    if result.returncode != 0:
        raise RuntimeError(f"python -m pipeline {arguments[0]} exited {result.returncode}: {result.stderr[-500:]}")
    return result


def metrics_arguments(db_path: Path, today: dt.date, period: str, grouping: str) -> list[str]:
    return ["metrics", "--db", str(db_path), "--today", today.isoformat(), "--period", period, "--by", grouping]


def measure(
    db_path: Path, today: dt.date, period: str, runs: int, grouping: str = "county", log=print
) -> CommandResults:
    """Time `python -m pipeline --help` and `python -m pipeline metrics` of `period`, `runs` processes each."""
    result = CommandResults(grouping)
    log(f"commands: python -m pipeline --help x {runs}")
    try:
        result.help, _ = repeat(lambda: _run(["--help"]), runs)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:  # one failed command must not hide the other
        result.help_error = str(exc)
        log(f"  failed: {exc}")
    log(f"commands: python -m pipeline metrics --period {period} --by {grouping} x {runs}")
    arguments = metrics_arguments(db_path, today, period, grouping)
    try:
        result.metrics, done = repeat(lambda: _run(arguments), runs)
        result.metrics_rows = max(len(done.stdout.splitlines()) - 1, 0)  # the CSV's lines but its header
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        result.metrics_error = str(exc)
        log(f"  failed: {exc}")
    return result
