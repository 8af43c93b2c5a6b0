"""How far one machine goes: build a province of N beneficiaries, time the queries on it, export it to Parquet.

Every measurement runs in a child process of its own, so that each peak RSS (ru_maxrss from wait4) belongs
to one build, one query or one export and nothing else. Commands (see docs/scaling.md for the results):

    .venv/bin/python -m bench.scaling build --size 1080000 --db /tmp/scale2x.duckdb
    .venv/bin/python -m bench.scaling measure --db /tmp/scale2x.duckdb
    .venv/bin/python -m bench.scaling parquet --db /tmp/scale1x.duckdb --out /tmp/parquet

`build` stops the builder when it passes --timeout seconds or when the machine's MemAvailable falls below
--min-available-gib (the machine is shared and has no swap: we stop before the kernel's OOM killer picks a
victim), and reports the step it was in. Queries use read-only connections; each is run once untimed, then
--runs times, and the median is reported. Results are printed as JSON lines and appended to --log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 28)
SEED = 2026
PERIOD = "2026Q3"
QUARTER = ("2026-07-01", "2026-09-30")
SCAN_SQL = "select count(*), count(distinct id_number) from contact where contact_date between ? and ?"
QUERIES = ("metrics_many", "metrics_computed", "trend", "overdue", "scan")
TABLES = ("beneficiary", "pairing", "contact", "issue")


# ---------------------------------------------------------------- process instruments


def _proc_kib(pid: int | str, field: str) -> int:
    """A field of /proc/<pid>/status in KiB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _mem_available_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_child(args: list[str], timeout: float | None = None, min_available_gib: float = 0.0) -> dict:
    """Run `python -m bench.scaling <args>` niced; its JSON result plus seconds, peak RSS and how it ended."""
    command = ["nice", "-n", "19", sys.executable, "-m", "bench.scaling", *args]
    started = time.perf_counter()
    load_before = _load()
    errors = tempfile.TemporaryFile("w+")  # noqa: SIM115 - a file, not a pipe: a chatty child cannot block on it
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    stopped, hwm, low = None, 0, float("inf")
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        hwm = max(hwm, _proc_kib(child.pid, "VmHWM"))  # the niced python, via nice's exec
        available = _mem_available_gib()
        low = min(low, available)
        elapsed = time.perf_counter() - started
        if stopped is None and timeout and elapsed > timeout:
            stopped = f"timeout after {elapsed:.0f} s"
        if stopped is None and available < min_available_gib:
            stopped = f"MemAvailable {available:.2f} GiB < {min_available_gib} GiB"
        if stopped:
            child.kill()
        time.sleep(0.2)
    out = child.stdout.read()
    errors.seek(0)
    error = [line for line in errors.read().splitlines() if line.strip()][-1:]
    errors.close()
    result = json.loads(out.strip().splitlines()[-1]) if out.strip() and not stopped else {}
    result.update(
        seconds=round(time.perf_counter() - started, 1),
        peak_rss_gib=round(max(usage.ru_maxrss, hwm) / 2**20, 2),
        exit_status=status,
        stopped=stopped,
        error=error[0] if status and error else None,
        min_mem_available_gib=round(low, 2),
        load_before=load_before,
        load_after=_load(),
    )
    return result


def _emit(record: dict, log: str | None) -> None:
    line = json.dumps(record, ensure_ascii=False, default=str)
    print(line, flush=True)
    if log:
        with open(log, "a") as handle:
            handle.write(line + "\n")


# ---------------------------------------------------------------- the children


def _child_build(size: int, db_path: str, progress: str) -> dict:
    """Build the demo through the real import, writing a progress line (step, seconds, RSS) per step."""
    from pipeline import demo
    from pipeline.ingest import load

    started = time.perf_counter()

    def note(step: str) -> None:
        record = {"t": round(time.perf_counter() - started, 1), "step": step}
        record.update(rss_gib=round(_proc_kib("self", "VmRSS") / 2**20, 2))
        record.update(hwm_gib=round(_proc_kib("self", "VmHWM") / 2**20, 2))
        with open(progress, "a") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def wrap(function, label):
        def wrapped(*args, **kwargs):
            name = label(*args, **kwargs)
            note(f"start {name}")
            result = function(*args, **kwargs)
            note(f"end {name}")
            return result

        return wrapped

    demo.build_frames = wrap(demo.build_frames, lambda *a, **k: "generate frames")
    load.import_table = wrap(load.import_table, lambda con, kind, frame, **k: f"import {k['file_name']} {len(frame)}")
    summary = demo.build(db_path, scale="province", seed=SEED, today=TODAY, size=size)
    note("done")
    summary.pop("errors", None)
    summary.pop("accounts", None)
    return summary


def _child_query(name: str, db_path: str, runs: int, parquet_dir: str | None) -> dict:
    """Time one query: one untimed run, then `runs` timed ones (on the DuckDB file or on Parquet views)."""
    from pipeline import db, queries, settings

    con = db.connect(db_path, read_only=True)
    config = settings.read_settings(con)
    if parquet_dir:  # the same SQL models over Parquet: views named like the tables the models read
        con.close()
        con = _parquet_connection(parquet_dir)
    work = {
        # the quarter as the app asks for it: read from the stored metrics when the database has them
        "metrics_many": lambda: queries.metrics_many(con, PERIOD, queries.GROUPINGS, queries.ALL, TODAY, config),
        "metrics_computed": lambda: queries.metrics_many(
            con, PERIOD, queries.GROUPINGS, queries.ALL, TODAY, config, stored=False
        ),
        "trend": lambda: queries.trend(con, "2025-12", "2026-11", "overall", queries.ALL, TODAY, config),
        "overdue": lambda: queries.overdue(con, PERIOD, "contacts", queries.ALL, TODAY, config=config),
        "scan": lambda: con.execute(SCAN_SQL, list(QUARTER)).fetchall(),
    }[name]
    first = time.perf_counter()
    result = work()
    seconds = [time.perf_counter() - first]
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    frames = list(result.values()) if isinstance(result, dict) else [result]
    rows = sum(len(f) for f in frames)
    # the same figures on the DuckDB file and on Parquet give the same digest (rows in the models' order)
    digest = hashlib.sha256(b"".join(f.to_csv(index=False).encode() for f in frames if hasattr(f, "to_csv")))
    return {
        "first_s": round(seconds[0], 3),
        "median_s": round(statistics.median(seconds[1:]), 3),
        "runs_s": [round(s, 3) for s in seconds[1:]],
        "rows": rows,
        "digest": digest.hexdigest()[:12] if name != "scan" else None,
        "scan_result": result if name == "scan" else None,
    }


def _parquet_connection(parquet_dir: str):
    import duckdb

    con = duckdb.connect()
    for table in TABLES:
        source = f"read_parquet('{parquet_dir}/{table}/**/*.parquet', hive_partitioning = true)"
        hidden = "county, year, month" if table in ("contact", "issue") else "county"
        keep = "" if table == "beneficiary" else f" exclude ({hidden})"  # beneficiary keeps its own county
        con.execute(f"create view {table} as select *{keep} from {source}")
    return con


def _child_parquet(db_path: str, out: str) -> dict:
    """Export the four tables as hive-partitioned Parquet (events by county, year, month; rosters by county)."""
    import duckdb

    shutil.rmtree(out, ignore_errors=True)
    Path(out).mkdir(parents=True)
    con = duckdb.connect(db_path, read_only=True)
    exports = {
        "beneficiary": "select * from beneficiary",
        "pairing": "select p.*, b.county from pairing p join beneficiary b using (id_number)",
        "contact": "select c.*, b.county, year(c.contact_date) as year, month(c.contact_date) as month"
        " from contact c join beneficiary b using (id_number)",
        "issue": "select i.*, b.county, year(i.raised_on) as year, month(i.raised_on) as month"
        " from issue i join beneficiary b using (id_number)",
    }
    result = {}
    for table, select in exports.items():
        parts = "county, year, month" if table in ("contact", "issue") else "county"
        start = time.perf_counter()
        con.execute(f"copy ({select}) to '{out}/{table}' (format parquet, partition_by ({parts}))")
        files = list(Path(out, table).rglob("*.parquet"))
        result[table] = {
            "export_s": round(time.perf_counter() - start, 1),
            "files": len(files),
            "mib": round(sum(f.stat().st_size for f in files) / 2**20, 1),
        }
    return result


def _child_readback(db_path: str, out: str, runs: int) -> dict:
    """Time the bare scan and one quarter's contacts by county, on Parquet (pruned by partition) and on the file."""
    import duckdb

    source = f"read_parquet('{out}/contact/**/*.parquet', hive_partitioning = true)"
    months = "year = 2026 and month between 7 and 9"
    county = duckdb.connect(db_path, read_only=True).execute("select min(county) from beneficiary").fetchone()[0]
    cases = {
        "parquet_scan_pruned": f"select count(*), count(distinct id_number) from {source} where {months}",
        "parquet_scan_by_date": f"select count(*), count(distinct id_number) from {source}"
        f" where contact_date between '{QUARTER[0]}' and '{QUARTER[1]}'",
        "parquet_county_counts": f"select county, count(*), count(distinct id_number) from {source}"
        f" where {months} group by county order by county",
        "parquet_one_county": f"select count(*), count(distinct id_number) from {source}"
        f" where county = '{county}' and {months}",
        "duckdb_county_counts": "select b.county, count(*), count(distinct c.id_number) from contact c"
        f" join beneficiary b using (id_number) where c.contact_date between '{QUARTER[0]}' and '{QUARTER[1]}'"
        " group by b.county order by b.county",
    }
    result = {}
    for name, sql in cases.items():
        con = duckdb.connect(db_path, read_only=True) if name.startswith("duckdb") else duckdb.connect()
        con.execute(sql).fetchall()
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            rows = con.execute(sql).fetchall()
            seconds.append(time.perf_counter() - start)
        result[name] = {"median_s": round(statistics.median(seconds), 3), "rows": len(rows), "first_row": rows[0]}
        con.close()
    return result


# ---------------------------------------------------------------- commands


def measure(db_path: str, runs: int, log: str | None, parquet_dir: str | None = None, timeout: float = 900) -> None:
    """Each query in a fresh child (stopped like a build: timeout, MemAvailable); then size and row counts."""
    import duckdb

    for name in QUERIES:
        args = ["_query", name, db_path, str(runs)] + (["--parquet", parquet_dir] if parquet_dir else [])
        _emit({"db": db_path, "query": name, "parquet": parquet_dir, **run_child(args, timeout, 1.0)}, log)
    con = duckdb.connect(db_path, read_only=True)
    counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}
    con.close()
    _emit({"db": db_path, "db_gib": round(os.path.getsize(db_path) / 2**30, 2), "rows": counts}, log)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build a province of --size beneficiaries into --db")
    build.add_argument("--size", type=int, required=True)
    build.add_argument("--db", required=True)
    build.add_argument("--timeout", type=float, default=35 * 60)
    build.add_argument("--min-available-gib", type=float, default=1.0)
    for name in ("measure", "parquet"):
        command = commands.add_parser(name, help=f"{name} on a built --db")
        command.add_argument("--db", required=True)
        command.add_argument("--runs", type=int, default=3)
    commands.choices["measure"].add_argument("--parquet", help="run the models over this Parquet export instead")
    commands.choices["parquet"].add_argument("--out", default="/tmp/parquet")
    for command in commands.choices.values():
        command.add_argument("--log", default="/tmp/scaling-results.jsonl")
    child_build = commands.add_parser("_build")
    child_build.add_argument("size", type=int)
    child_build.add_argument("db")
    child_build.add_argument("progress")
    child_query = commands.add_parser("_query")
    child_query.add_argument("name", choices=QUERIES)
    child_query.add_argument("db")
    child_query.add_argument("runs", type=int)
    child_query.add_argument("--parquet")
    for name in ("_parquet", "_readback"):
        child = commands.add_parser(name)
        child.add_argument("db")
        child.add_argument("out")
        child.add_argument("runs", type=int, nargs="?", default=3)
    args = parser.parse_args(argv)
    from pipeline import arrow_memory

    arrow_memory.use_jemalloc()  # the children's queries run on the Arrow pool of the app and the command line

    if args.command == "build":
        progress = args.db + ".progress.jsonl"
        for leftover in (args.db, args.db + ".wal", progress):
            Path(leftover).unlink(missing_ok=True)
        result = run_child(["_build", str(args.size), args.db, progress], args.timeout, args.min_available_gib)
        lines = Path(progress).read_text().splitlines() if Path(progress).exists() else []
        steps = [json.loads(line) for line in lines]
        if Path(args.db).exists():
            result["db_gib"] = round(os.path.getsize(args.db) / 2**30, 2)
        _emit({"build_size": args.size, **result, "last_step": steps[-1] if steps else None, "steps": steps}, args.log)
    elif args.command == "measure":
        measure(args.db, args.runs, args.log, args.parquet)
    elif args.command == "parquet":
        _emit({"parquet_export": args.db, **run_child(["_parquet", args.db, args.out])}, args.log)
        _emit({"parquet_readback": args.out, **run_child(["_readback", args.db, args.out, str(args.runs)])}, args.log)
    elif args.command == "_build":
        print(json.dumps(_child_build(args.size, args.db, args.progress), default=str))
    elif args.command == "_query":
        print(json.dumps(_child_query(args.name, args.db, args.runs, args.parquet), default=str))
    elif args.command == "_parquet":
        print(json.dumps(_child_parquet(args.db, args.out), default=str))
    elif args.command == "_readback":
        print(json.dumps(_child_readback(args.db, args.out, args.runs), default=str))


if __name__ == "__main__":
    main()
