"""The demo database the benchmark reads, built once and kept under bench/cache/.

A database is keyed by scale, seed and the pinned day, so a changed key builds a new one and an
unchanged key never rebuilds. The build runs in a child process (`python -m bench.demo_cache`): the
province build holds several gigabytes of frames, which would otherwise stay in the bench process and
spoil its memory readings. The file is written under a temporary name and renamed when complete, so
an interrupted build leaves no half-built cache behind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(__file__).resolve().parent / "cache"

# The city account the page benchmarks sign in as (see pages.py).
BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password-2026"


def cache_path(scale: str, seed: int, today: dt.date) -> Path:
    """Where the demo database of this scale, seed and day lives."""
    return CACHE_DIR / f"demo-{scale}-seed{seed}-{today.isoformat()}.duckdb"


def ensure_bench_user(db_path: Path) -> None:
    """Add the city account the page benchmarks sign in as, unless it exists already."""
    from pipeline import access, db

    with db.session(db_path) as con:
        if access.load_user(con, BENCH_USER) is None:
            access.add_user(con, BENCH_USER, "city", BENCH_PASSWORD, actor=BENCH_USER)


def build(scale: str, seed: int, today: dt.date, target: Path) -> dict:
    """Build the demo into target (via a temporary file), add the bench account; returns the build summary."""
    from pipeline import demo

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    summary = demo.build(partial, scale=scale, seed=seed, today=today)
    summary.pop("errors", None)
    ensure_bench_user(partial)
    summary["build_seconds"] = round(time.perf_counter() - started, 1)
    os.replace(partial, target)
    summary["db"] = str(target)
    target.with_name(target.name + ".json").write_text(json.dumps(summary, default=str, indent=1))
    return summary


def ensure(scale: str, seed: int, today: dt.date, log=print) -> Path:
    """The cached demo database, built in a child process first when it is missing."""
    target = cache_path(scale, seed, today)
    if not target.exists():
        log(f"building the {scale} demo (seed {seed}, today {today}) into {target} ...")
        started = time.perf_counter()
        command = [sys.executable, "-m", "bench.demo_cache", "--scale", scale, "--seed", str(seed)]
        command += ["--today", today.isoformat()]
        subprocess.run(command, cwd=ROOT, check=True)
        log(f"built in {time.perf_counter() - started:.0f} s")
    else:
        ensure_bench_user(target)  # a cache from before the account existed
        refreshed = refresh_stored(target, today)
        if refreshed:
            log(f"stored figures of {len(refreshed)} period(s) computed again for the current code")
    return target


def refresh_stored(db_path: Path, today: dt.date) -> list[str]:
    """Store again the figures of the periods whose stored rows no longer hold (the SQL or the settings computing
    them changed since the cache was built), as the import of an office's next file would; the periods computed.
    The bench then reads the stored quarter as an office's database holds it."""
    from pipeline import db, materialized

    with db.session(db_path) as con:
        return list(materialized.refresh(con, today).computed)


def build_info(db_path: Path) -> dict:
    """The summary written beside the cached database (row counts, build time), if any."""
    info = db_path.with_name(db_path.name + ".json")
    return json.loads(info.read_text()) if info.exists() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the benchmark's demo database (bench/cache/).")
    parser.add_argument("--scale", default="province")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", default="2026-11-28")
    args = parser.parse_args()
    today = dt.date.fromisoformat(args.today)
    summary = build(args.scale, args.seed, today, cache_path(args.scale, args.seed, today))
    print(json.dumps(summary, default=str))


if __name__ == "__main__":
    main()
