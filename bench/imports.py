"""Import throughput: CSV and .xlsx ledgers through the real import, one child process per run.

The files are cut from the demo's own frames (`pipeline.demo.build_frames`, `write_xlsx`) and kept
under bench/cache/. Every run imports one file with `pipeline.ingest.load.import_file` (what the CLI
and the upload page call) into a fresh database: an empty one for the roster, a copy of a database
that already holds the roster for the contact log (a contact must name a known beneficiary).

rows/s = data rows read / seconds of the import_file call (reading the file, parsing, cleaning,
loading, commit and checkpoint; not the interpreter's start-up). The peak memory is polled from /proc
over the child and its own children (the .xlsx parser runs in a grandchild), see timing.TreeMemory.

measure_province_file imports a province's contact log as one CSV of five million rows (about 213 MB,
the shape of the file in the issue that asked for it) the way an office's administrator does: the command
line `python -m pipeline import` (its main(), in a fresh child process, the file read in chunks). Its
peak memory is the whole command's (the import, then the stored figures refreshed); rows/s is the import's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.demo_cache import CACHE_DIR, ROOT
from bench.timing import Samples, TreeMemory, own_peak_bytes

# The demo drawn for the import files (beneficiaries), and how many contact rows each format gets.
SIZES = {
    "province": {"beneficiaries": 100_000, "csv_visits": 300_000, "xlsx_visits": 200_000},
    "city": {"beneficiaries": None, "csv_visits": 100_000, "xlsx_visits": 50_000},
}


@dataclass
class ImportFiles:
    """The files one benchmark imports, and their data rows."""

    roster_csv: Path
    visits_csv: Path
    roster_xlsx: Path
    visits_xlsx: Path
    rows: dict[str, int]


@dataclass
class ImportResult:
    """Repeated runs of one file's import."""

    name: str
    file: Path
    rows: int
    rows_per_second: Samples = field(default_factory=Samples)
    seconds: Samples = field(default_factory=Samples)
    peak_bytes: Samples = field(default_factory=Samples)
    command_seconds: Samples = field(default_factory=Samples)  # the whole command (measure_province_file)
    rejected: int = 0
    error: str = ""


def prepare_files(scale: str, seed: int, today: dt.date, log=print) -> ImportFiles:
    """Write (once) the roster and contact-log files as CSV (UTF-8 with BOM) and .xlsx."""
    from pipeline import demo, labels

    sizes = SIZES[scale]
    folder = CACHE_DIR / f"imports-{scale}-seed{seed}-{today.isoformat()}-{sizes['beneficiaries']}"
    names = {kind: labels.KIND_LABELS[kind] for kind in ("roster", "visits")}
    files = ImportFiles(
        roster_csv=folder / "csv" / f"{names['roster']}.csv",
        visits_csv=folder / "csv" / f"{names['visits']}.csv",
        roster_xlsx=folder / "xlsx" / f"{names['roster']}.xlsx",
        visits_xlsx=folder / "xlsx" / f"{names['visits']}.xlsx",
        rows={},
    )
    done = folder / "rows.json"
    if done.exists():
        files.rows = json.loads(done.read_text())
        return files
    log(f"writing the import files into {folder} ...")
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "csv").mkdir(parents=True)
    frames = demo.build_frames(scale, seed, today, sizes["beneficiaries"])
    roster = frames["roster"]
    csv_visits = frames["visits"].iloc[: sizes["csv_visits"]]
    xlsx_visits = frames["visits"].iloc[: sizes["xlsx_visits"]]
    roster.to_csv(files.roster_csv, index=False, encoding="utf-8-sig")
    csv_visits.to_csv(files.visits_csv, index=False, encoding="utf-8-sig")
    # write_xlsx writes one workbook per kind; the issue ledger is left empty (it is not measured)
    demo.write_xlsx({"roster": roster, "visits": xlsx_visits, "issues": frames["issues"].iloc[:0]}, folder / "xlsx")
    rows = {"roster": len(roster), "csv_visits": len(csv_visits), "xlsx_visits": len(xlsx_visits)}
    done.write_text(json.dumps(rows))
    files.rows = rows
    return files


def _run_child(db_path: Path, file: Path, today: dt.date, mode: str = "child") -> tuple[dict, int]:
    """Import one file in a child process; its JSON answer and the peak memory of its process tree."""
    command = [sys.executable, "-m", "bench.imports", mode, str(db_path), str(file), today.isoformat()]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(child.pid) as memory:
        out, err = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"import child failed ({child.returncode}): {err.strip()[-2000:]}")
    answer = json.loads(out.strip().splitlines()[-1])
    return answer, max(memory.peak_bytes, answer["own_peak_bytes"])


def _fresh(work: Path, base: Path | None) -> Path:
    """An empty database path, or a copy of base."""
    target = work / "import.duckdb"
    for path in (target, target.with_name(target.name + ".wal")):
        path.unlink(missing_ok=True)
    if base is not None:
        shutil.copyfile(base, target)
        # the copy's pages reach the disk now, not while the import timed next is writing its own
        os.sync()
    return target


def measure(scale: str, seed: int, today: dt.date, runs: int, log=print) -> list[ImportResult]:
    """rows/s and peak memory of importing each file `runs` times."""
    files = prepare_files(scale, seed, today, log)
    work = CACHE_DIR / "import-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # a database that already holds the roster, for the contact-log imports
    base = work / "roster-base.duckdb"
    answer, _ = _run_child(base, files.roster_csv, today)
    if answer["status"] != "ok":
        raise RuntimeError(f"the roster did not import: {answer['message']}")

    plan = [
        ("CSV roster (结对台账)", files.roster_csv, None, files.rows["roster"]),
        ("CSV contact log (走访记录)", files.visits_csv, base, files.rows["csv_visits"]),
        (".xlsx roster (结对台账)", files.roster_xlsx, None, files.rows["roster"]),
        (".xlsx contact log (走访记录)", files.visits_xlsx, base, files.rows["xlsx_visits"]),
    ]
    results = []
    for name, file, base_db, rows in plan:
        result = ImportResult(name, file, rows)
        log(f"import: {name}, {rows:,} rows x {runs}")
        try:
            for _ in range(runs):
                answer, peak = _run_child(_fresh(work, base_db), file, today)
                if answer["status"] != "ok" or answer["read"] != rows:
                    raise RuntimeError(f"status {answer['status']}, read {answer['read']}: {answer['message']}")
                result.rejected = answer["rejected"]
                result.seconds.add(answer["seconds"])
                result.rows_per_second.add(answer["read"] / answer["seconds"])
                result.peak_bytes.add(peak)
        except Exception as exc:  # one broken import must not hide the other measurements
            result.error = str(exc)
            log(f"  failed: {exc}")
        results.append(result)
    shutil.rmtree(work, ignore_errors=True)
    return results


# ---------------------------------------------------------------- one file of five million rows

PROVINCE_FILE_ROWS = 5_000_000
PROVINCE_FILE_BENEFICIARIES = 270_000  # the demo's people whose contacts fill the file (about 5.3 million)
PROVINCE_FILE_FIELDS = ("id_number", "contact_date", "method", "satisfaction")  # about 43 bytes a row


@dataclass
class ProvinceFile:
    """The roster and the one-file contact log of the province measurement."""

    roster: Path
    visits: Path
    rows: int


def prepare_province_file(seed: int, today: dt.date, log=print) -> ProvinceFile:
    """Write (once, in a child process: the frames take gigabytes) the roster and the contact log."""
    folder = CACHE_DIR / f"province-file-seed{seed}-{today.isoformat()}-{PROVINCE_FILE_ROWS}"
    files = ProvinceFile(folder / "结对台账.csv", folder / "走访记录.csv", PROVINCE_FILE_ROWS)
    if not (folder / "done").exists():
        log(f"writing the {PROVINCE_FILE_ROWS:,}-row contact log into {folder} ...")
        command = [sys.executable, "-m", "bench.imports", "province-file", str(folder), str(seed), today.isoformat()]
        subprocess.run(command, cwd=ROOT, check=True)
    return files


def write_province_file(folder: str, seed: str, today: str) -> None:
    """Entry of the child that writes the files of prepare_province_file."""
    from pipeline import demo, labels

    target = Path(folder)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    frames = demo.build_frames("province", int(seed), dt.date.fromisoformat(today), PROVINCE_FILE_BENEFICIARIES)
    visits = frames["visits"]
    if len(visits) < PROVINCE_FILE_ROWS:
        raise RuntimeError(f"the demo gave {len(visits):,} contacts, fewer than {PROVINCE_FILE_ROWS:,}")
    frames["roster"].to_csv(target / "结对台账.csv", index=False, encoding="utf-8-sig")
    columns = [labels.column_label("visits", name) for name in PROVINCE_FILE_FIELDS]
    # quoted only where a cell needs it, as Excel and WPS write a CSV
    visits[columns].iloc[:PROVINCE_FILE_ROWS].to_csv(target / "走访记录.csv", index=False, encoding="utf-8")
    (target / "done").write_text("")


def measure_province_file(seed: int, today: dt.date, runs: int, log=print) -> ImportResult:
    """rows/s and the peak memory of `python -m pipeline import` on the five-million-row contact log."""
    files = prepare_province_file(seed, today, log)
    result = ImportResult("CSV contact log (走访记录), one file", files.visits, files.rows)
    work = CACHE_DIR / "province-file-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        base = work / "roster-base.duckdb"
        answer, _ = _run_child(base, files.roster, today)
        if answer["status"] != "ok":
            raise RuntimeError(f"the roster did not import: {answer['message']}")
        log(f"import: {result.name}, {files.rows:,} rows x {runs} (python -m pipeline import)")
        for _ in range(runs):
            answer, peak = _run_child(_fresh(work, base), files.visits, today, mode="cli")
            if answer["status"] != "ok" or answer["read"] != files.rows:
                raise RuntimeError(f"status {answer['status']}, read {answer['read']}: {answer['message']}")
            result.rejected = answer["rejected"]
            result.seconds.add(answer["seconds"])
            result.rows_per_second.add(answer["read"] / answer["seconds"])
            result.peak_bytes.add(peak)
            result.command_seconds.add(answer["command_seconds"])
    except Exception as exc:  # one broken import must not hide the other measurements
        result.error = str(exc)
        log(f"  failed: {exc}")
    shutil.rmtree(work, ignore_errors=True)
    return result


# ---------------------------------------------------------------- an import and its fresh stored figures

REFRESH_FILE_ROWS = 50_000


@dataclass
class RefreshImport:
    """Repeated whole-process runs of `python -m pipeline import` of one file into a copy of the demo."""

    name: str
    file: Path
    rows: int
    process_seconds: Samples = field(default_factory=Samples)  # from starting the process to its exit
    computed: list[int] = field(default_factory=list)  # stored periods the refresh computed, per run
    standard: int = 0  # the standard periods a refresh keeps stored (materialized.standard_periods)
    inserted: int = 0
    unchanged: int = 0
    error: str = ""


def write_refresh_files(db_path: Path, today: dt.date, folder: Path) -> tuple[Path, Path]:
    """Two contact logs of REFRESH_FILE_ROWS rows cut from the demo's own contacts: one exactly as stored (an
    office sending again what it sent before), one of the same people's contacts on the pinned day (new rows,
    which can change only the periods that reach that day)."""
    import duckdb

    from pipeline import labels
    from pipeline.ingest.rows import CONTACT_VALUES as fields  # every stored column: nothing differs but the day

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        frame = con.execute(
            f"select {', '.join(fields)} from contact where contact_date <= ? order by contact_date desc, contact_key "
            "limit ?",
            [today, REFRESH_FILE_ROWS],
        ).df()
    finally:
        con.close()
    frame["contact_date"] = [day.isoformat() for day in frame["contact_date"].dt.date]
    headers = {name: labels.column_label("visits", name) for name in fields}
    folder.mkdir(parents=True, exist_ok=True)
    unchanged, new = folder / "走访记录-重报.csv", folder / "走访记录-本日.csv"
    frame.rename(columns=headers).to_csv(unchanged, index=False, encoding="utf-8-sig")
    fresh = frame.assign(record_no=None, contact_date=today.isoformat())
    fresh.rename(columns=headers).to_csv(new, index=False, encoding="utf-8-sig")
    return unchanged, new


def measure_refresh_imports(db_path: Path, today: dt.date, runs: int, log=print) -> list[RefreshImport]:
    """Seconds of the whole `python -m pipeline import` process (start-up, import, the refresh of the stored
    figures it can have changed, the 督办 check) for a file that changes nothing and for a file of new contacts."""
    work = CACHE_DIR / "refresh-work"
    shutil.rmtree(work, ignore_errors=True)
    # the copies start from stored figures that hold (new SQL or settings would make every run compute them all)
    refresh = [sys.executable, "-m", "pipeline", "refresh", "--db", str(db_path), "--today", today.isoformat()]
    subprocess.run(refresh, cwd=ROOT, check=True, capture_output=True)
    unchanged, new = write_refresh_files(db_path, today, work / "files")
    results = [
        RefreshImport("a contact log sent again (nothing changes)", unchanged, REFRESH_FILE_ROWS),
        RefreshImport("a contact log of new contacts on the day", new, REFRESH_FILE_ROWS),
    ]
    from pipeline import materialized

    for result in results:
        result.standard = len(materialized.standard_periods(today))
        log(f"import with refresh: {result.name}, {result.rows:,} rows x {runs}")
        try:
            for _ in range(runs):
                target = _fresh(work, db_path)
                started = time.perf_counter()
                answer, _ = _run_child(target, result.file, today, mode="cli")
                result.process_seconds.add(time.perf_counter() - started)
                if answer["status"] != "ok" or answer["read"] != result.rows:
                    raise RuntimeError(f"status {answer['status']}, read {answer['read']}: {answer['message']}")
                result.computed.append(answer["computed"])
                result.inserted, result.unchanged = answer["inserted"], answer["unchanged"]
        except Exception as exc:  # one broken run must not hide the other measurements
            result.error = str(exc)
            log(f"  failed: {exc}")
    shutil.rmtree(work, ignore_errors=True)
    return results


def cli_child(db_path: str, file: str, today: str) -> None:
    """Entry of one command-line run: `python -m pipeline import` (its main()), the import_file call timed."""
    import contextlib
    import io

    from pipeline import cli
    from pipeline.ingest import load

    timed: list[tuple[float, object]] = []
    import_file = load.import_file

    def timed_import(*args, **kwargs):
        started = time.perf_counter()
        report = import_file(*args, **kwargs)
        timed.append((time.perf_counter() - started, report))
        return report

    load.import_file = timed_import  # run_import looks it up when it runs
    started = time.perf_counter()
    said = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(said):
        # its JSON line: the report is read from the call itself; stderr says what the refresh computed
        code = cli.main(["import", "--db", db_path, "--today", today, file])
    command_seconds = time.perf_counter() - started
    computed = re.search(r"本次计算(\d+)个", said.getvalue())
    seconds, report = timed[0]
    answer = {
        "exit": code,
        "seconds": seconds,
        "command_seconds": command_seconds,
        "status": report.status,
        "message": report.message,
        "read": report.read,
        "inserted": report.inserted,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "computed": int(computed.group(1)) if computed else 0,
        "own_peak_bytes": own_peak_bytes(),
    }
    print(json.dumps(answer, ensure_ascii=False))


def child(db_path: str, file: str, today: str) -> None:
    """Entry of one import run: import the file, print the outcome as one JSON line."""
    from pipeline import arrow_memory, db
    from pipeline.ingest.load import import_file

    arrow_memory.use_jemalloc()  # as the command line's main() does

    con = db.connect(db_path)
    try:
        started = time.perf_counter()
        report = import_file(con, file, today=dt.date.fromisoformat(today))
        seconds = time.perf_counter() - started
    finally:
        con.close()
    answer = {
        "seconds": seconds,
        "status": report.status,
        "message": report.message,
        "read": report.read,
        "inserted": report.inserted,
        "rejected": report.rejected,
        "own_peak_bytes": own_peak_bytes(),
    }
    print(json.dumps(answer, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description="One import run of the benchmark (used by bench.imports).")
    parser.add_argument("mode", choices=["child", "cli", "province-file"])
    parser.add_argument("db", help="the database (province-file: the folder to write)")
    parser.add_argument("file", help="the file to import (province-file: the seed)")
    parser.add_argument("today")
    args = parser.parse_args()
    {"child": child, "cli": cli_child, "province-file": write_province_file}[args.mode](args.db, args.file, args.today)


if __name__ == "__main__":
    main()
