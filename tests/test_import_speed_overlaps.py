"""The overlap rule of pairings (SPEC §2.1) walks only the people whose periods meet.

checks._people_with_overlaps picks, column-wise, the people with two periods (stored or in the file)
that could overlap; the row-by-row rule then runs for them alone. Here the import with that choice
is checked against the import that walks every person, on random rosters imported one after another.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pyarrow as pa
import pytest

from pipeline.ingest import checks
from pipeline.ingest.rows import EPOCH
from tests.ingest_helpers import ROSTER_HEADER, csv_bytes, mobile, open_db, pid, roster_row, run_import, snapshot

DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=30 * n) for n in range(12)]


def _random_roster(rng: random.Random, people: int) -> list[list[object]]:
    rows = [ROSTER_HEADER]
    for _ in range(people * 2):
        person = rng.randrange(people)
        start = rng.randrange(len(DAYS) - 1)
        end = rng.choice(["", "", DAYS[start], DAYS[rng.randrange(start, len(DAYS))]])
        phone = mobile(person * 10 + rng.randrange(4))
        rows.append(roster_row(pid(person), cadre_phone=phone, paired_on=DAYS[start].isoformat(), unpaired_on=str(end)))
    rows += [roster_row(pid(people + n), unpaired=True) for n in range(3)]
    return rows


def _walk_everyone(file_ids, file_starts, file_ends, stored):
    return np.ones(len(file_ids), bool), np.ones(stored.num_rows, bool)


def _imports(tmp_path, name: str, files: list[bytes]) -> tuple[list, dict]:
    con = open_db(tmp_path, name)
    reports = []
    for n, data in enumerate(files):
        report = run_import(con, data, f"台账{n}.csv")
        reports.append((report.summary(10**6), [e.raw for e in report.errors]))
    tables = snapshot(con)
    tables["import_batch"] = [row[:1] + row[2:] for row in tables["import_batch"]]  # not the time
    con.close()
    return reports, tables


@pytest.mark.parametrize("seed", range(6))
def test_walking_only_people_whose_periods_meet_gives_the_same_import(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    files = [csv_bytes(_random_roster(rng, 25)) for _ in range(3)]
    chosen = _imports(tmp_path, "chosen.duckdb", files)
    monkeypatch.setattr(checks, "_people_with_overlaps", _walk_everyone)
    everyone = _imports(tmp_path, "everyone.duckdb", files)
    assert chosen == everyone
    reasons = [e["reason"] for summary, _ in chosen[0] for e in summary["errors"]]
    assert any("时间重叠" in reason for reason in reasons)


def _meet(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@pytest.mark.parametrize("seed", range(20))
def test_people_with_overlaps_includes_everyone_with_two_periods_that_meet(seed):
    rng = random.Random(seed)
    far = (checks._FAR_FUTURE - EPOCH).days
    periods = []
    for _ in range(rng.randrange(1, 60)):
        start = rng.randrange(-30, 30)
        end = rng.choice([far, start, start + rng.randrange(0, 20)])
        periods.append((f"p{rng.randrange(12)}", start, end))
    cut = rng.randrange(len(periods) + 1)
    in_file, in_stored = periods[:cut], periods[cut:]
    day = EPOCH
    stored = pa.table(
        {
            "id_number": pa.array([p[0] for p in in_stored], pa.string()),
            "cadre_phone": pa.array(["x"] * len(in_stored), pa.string()),
            "paired_on": pa.array([day + dt.timedelta(days=p[1]) for p in in_stored], pa.date32()),
            "unpaired_on": pa.array(
                [None if p[2] == far else day + dt.timedelta(days=p[2]) for p in in_stored], pa.date32()
            ),
        }
    )
    file_mask, stored_mask = checks._people_with_overlaps(
        pa.array([p[0] for p in in_file], pa.string()),
        np.array([p[1] for p in in_file], np.int64),
        np.array([p[2] for p in in_file], np.int64),
        stored,
    )
    chosen = {p[0] for p, keep in zip(periods, [*file_mask, *stored_mask], strict=True) if keep}
    for n, a in enumerate(periods):
        for b in periods[n + 1 :]:
            if a[0] == b[0] and _meet(a[1:], b[1:]):
                assert a[0] in chosen
    # a person is chosen for all of their rows or none
    for person in {p[0] for p in periods}:
        marks = {keep for p, keep in zip(periods, [*file_mask, *stored_mask], strict=True) if p[0] == person}
        assert len(marks) == 1
