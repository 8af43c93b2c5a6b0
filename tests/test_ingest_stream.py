"""A CSV read in chunks (the command line's import of a file of any size, SPEC §4) gives exactly what the
same file gives imported whole: the same stored rows, the same counts, the same errors with the same
row numbers, the same refusals. The chunks here are small (CHUNK rows; the first chunk holds at least
the rows the header search looks at), so that every rule meets a chunk boundary.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import json
import sys

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest

from pipeline import config, labels
from pipeline.ingest import headers, load, stream
from pipeline.ingest.read import read_file
from pipeline.ingest.rows import ImportReport
from tests.ingest_helpers import (
    ISSUES_HEADER,
    ROSTER_HEADER,
    TODAY,
    csv_bytes,
    issue_row,
    mobile,
    open_db,
    pid,
    roster_row,
    snapshot,
    utf16_text_bytes,
    wrong_check,
)

CHUNK = 60
FIRST = headers.ROWS_LOOKED_AT  # rows of the first chunk at least
PEOPLE = [pid(k) for k in range(120)]  # in the roster the contact logs are imported against
VISITS = ["身份证号", "走访日期", "联系方式", "走访干部", "干部电话", "内容摘要", "满意度", "记录编号"]
METHODS = ["入户走访", "电话", "微信", "短信", "视频", "邀请到家", "其他"]


# ================================================================ the two imports, compared


def outcome(report: ImportReport) -> dict:
    """Everything a report says about a file."""
    return {
        "summary": report.summary(max_errors=10**9),
        "status": report.status,
        "message": report.message,
        "notes": report.notes,
        "sheets": report.sheets,
        "unknown": report.unknown_columns,
        "sha256": report.sha256,
        "errors": [(e.sheet, e.row, e.column, e.reason, e.raw, e.held_back) for e in report.errors],
    }


def stored(con) -> dict:
    """Every stored row, the import time of the batches left out (the two imports run apart)."""
    tables = snapshot(con)
    batch_columns = [d[0] for d in con.execute("select * from import_batch limit 0").description]
    at = batch_columns.index("imported_at")
    tables["import_batch"] = [row[:at] + row[at + 1 :] for row in tables["import_batch"]]
    return tables


def seeded(path, setup):
    con = open_db(path.parent, path.name)
    for data, name in setup:
        report = load.import_bytes(con, data, name, today=TODAY)
        assert report.status == "ok", report.message
    return con


def both(tmp_path, data: bytes, name: str, setup=(), chunk_rows: int = CHUNK, **kwargs):
    """The file imported whole (as an upload) and in chunks (as the command line), each into its own copy of
    the same database; asserts that the two agree in every report figure and every stored row."""
    whole_con = seeded(tmp_path / "whole.duckdb", setup)
    chunked_con = seeded(tmp_path / "chunked.duckdb", setup)
    try:
        whole = load.import_bytes(whole_con, data, name, today=TODAY, **kwargs)
        path = tmp_path / name
        path.write_bytes(data)
        chunked = load.import_file(chunked_con, path, today=TODAY, chunk_rows=chunk_rows, **kwargs)
        assert outcome(chunked) == outcome(whole)
        assert stored(chunked_con) == stored(whole_con)
    finally:
        whole_con.close()
        chunked_con.close()
    return whole


def chunks_of(data: bytes, chunk_rows: int = CHUNK) -> list[stream.Chunk]:
    reader = stream.CsvChunks(lambda: io.BytesIO(data), "t.csv", chunk_rows=chunk_rows, first_rows=FIRST)
    return list(reader.chunks())


# ================================================================ files


def roster_csv() -> bytes:
    return csv_bytes([ROSTER_HEADER, *(roster_row(p, phone_seq=k) for k, p in enumerate(PEOPLE))])


def visit(k: int, person: str | None = None, **cells) -> list[str]:
    """The k-th contact of a long log: a person, a day, a method, a cadre (most keys distinct)."""
    row = {
        "身份证号": person or PEOPLE[k % len(PEOPLE)],
        "走访日期": (TODAY - dt.timedelta(days=1 + k % 300)).isoformat(),
        "联系方式": METHODS[k % len(METHODS)],
        "走访干部": "黄静",
        "干部电话": mobile(k % len(PEOPLE)),
        "内容摘要": f"了解生活情况{k % 5}",
        "满意度": ("满意", "基本满意", "")[k % 3],
        "记录编号": f"ZF{k:05d}" if k % 4 == 0 else "",
    }
    row.update(cells)
    return [row[name] for name in VISITS]


def earlier_contacts() -> bytes:
    """Contacts stored before the long log: some it repeats as they are, some it changes."""
    rows = [visit(k) for k in range(0, 200, 3)]
    rows += [visit(k, 满意度="不满意") for k in range(1, 200, 3)]
    return csv_bytes([VISITS, *rows])


def long_contact_log() -> tuple[list[list[str]], dict[str, int]]:
    """A contact log of about 760 rows with every shape that meets a chunk boundary; the Excel row of some."""
    rows: list[list[str]] = [["临河区结对关爱走访记录（2026年）"], VISITS]
    rows += [visit(k) for k in range(740)]
    placed: dict[str, list[str]] = {}

    def put(at: int, row: list[str], name: str) -> None:
        rows.insert(at, row)
        placed[name] = row

    put(260, visit(3), "copy of an early row in a later chunk")  # an exact repetition: a duplicate
    put(300, visit(30, 满意度="不满意"), "key of row 32, changed, later")  # the last row of a key wins
    put(330, visit(44, 内容摘要="补充说明"), "key of row 46, changed")
    put(420, visit(44), "row 46 again, after its change")  # repeats row 46 exactly: the change still wins
    put(350, visit(7, 身份证号=wrong_check(PEOPLE[7])), "bad ID")
    put(610, visit(7, 身份证号=wrong_check(PEOPLE[7])), "bad ID again")  # the same rejected row: a duplicate
    put(450, visit(11, 走访日期="2026-12-05"), "after today")
    put(520, visit(12, 身份证号=pid(900)), "not in the roster")
    put(580, visit(13, 联系方式="登门拜访"), "method not allowed")
    put(640, [" " + visit(15)[0] + " ", *visit(15)[1:]], "row 17 with spaces")  # the same text once trimmed
    put(470, VISITS, "header again")
    put(480, ["合计", "760条"], "total")
    put(490, [], "blank")
    put(500, visit(500, 内容摘要='一行\n两行，"引号"'), "quoted line break")
    put(530, [*visit(501), "多出的一格"], "ragged")
    put(560, visit(560, 记录编号="ZF00004", 走访日期="2026-09-09"), "record number of row 6, another day")
    rows.append(["填表人：张三", "", "审核人：李四"])
    # Excel's row number of each row put in
    where = {name: next(n for n, row in enumerate(rows, 1) if row is placed[name]) for name in placed}
    return rows, where


@pytest.fixture(scope="module")
def contact_log() -> tuple[list[list[str]], dict[str, int]]:
    return long_contact_log()


# ================================================================ the reader


def test_chunks_hold_the_rows_read_py_reads(contact_log):
    rows, _ = contact_log
    data = csv_bytes(rows)
    whole = read_file(data, "t.csv")[0]
    chunks = chunks_of(data)
    assert len(chunks) > 5 and chunks[0].records >= FIRST and chunks[-1].last
    cells = []
    for chunk in chunks:
        cells += [chunk.sheet.row(i) for i in range(chunk.prefix, chunk.sheet.height)]
    expected = [whole.row(i) for i in range(whole.height)]
    assert [[c for c in row if c] for row in cells] == [[c for c in row if c] for row in expected]
    assert [len(row) for row in cells if any(row)] == [len(row) for row in expected if any(row)]


def test_the_digest_is_taken_as_the_bytes_pass(contact_log):
    data = csv_bytes(contact_log[0])
    reader = stream.CsvChunks(lambda: io.BytesIO(data), "t.csv", chunk_rows=CHUNK)
    list(reader.chunks())
    assert reader.sha256 == hashlib.sha256(data).hexdigest()


# ================================================================ a contact log


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_a_contact_log_in_chunks_is_the_whole_file(tmp_path, contact_log, encoding):
    rows, where = contact_log
    data = utf16_text_bytes(rows) if encoding == "utf-16" else csv_bytes(rows, encoding)
    assert len(chunks_of(data)) > 5
    setup = [(roster_csv(), "台账.csv"), (earlier_contacts(), "早先.csv")]
    report = both(tmp_path, data, "走访记录.csv", setup)
    assert report.status == "ok" and report.updated and report.unchanged and report.inserted
    rejected = {error.row for error in report.errors}
    for name in ("bad ID", "after today", "not in the roster", "method not allowed"):
        assert where[name] in rejected, name  # the row numbers of the file, whatever chunk a row is in
    assert where["bad ID again"] not in rejected  # a duplicate of a rejected row, not a second error
    assert report.duplicate >= 5
    assert report.read == report.inserted + report.updated + report.unchanged + report.duplicate + report.rejected


def test_the_last_row_of_a_key_wins_across_chunks_and_an_exact_repeat_does_not(tmp_path, contact_log):
    rows, _ = contact_log
    both(tmp_path, csv_bytes(rows), "走访记录.csv", [(roster_csv(), "台账.csv")])
    con = open_db(tmp_path, "chunked.duckdb")
    summary = con.execute("select summary from contact where contact_key = ?", [_key(visit(44))]).fetchall()
    assert summary == [("补充说明",)]  # row 46's change, although row 46 is repeated after it
    rating = con.execute("select satisfaction from contact where contact_key = ?", [_key(visit(30))]).fetchall()
    assert rating == [("不满意",)]
    con.close()


def _key(row: list[str]) -> str:
    cells = dict(zip(VISITS, row, strict=True))
    if cells["记录编号"]:
        return f"R|{cells['身份证号']}|{cells['记录编号']}"
    return f"K|{cells['身份证号']}|{cells['走访日期']}|{cells['联系方式']}|{cells['干部电话']}"


def test_all_or_nothing_in_chunks_lands_nothing(tmp_path, contact_log):
    rows, _ = contact_log
    report = both(tmp_path, csv_bytes(rows), "走访记录.csv", [(roster_csv(), "台账.csv")], all_or_nothing=True)
    assert report.status == "rolled_back" and report.rejected >= 4
    con = open_db(tmp_path, "chunked.duckdb")
    assert con.execute("select count(*) from contact").fetchall() == [(0,)]
    con.close()


def test_a_column_the_file_lacks_keeps_the_stored_values(tmp_path):
    # the contacts were stored with a summary and a cadre's name; the later log has neither column
    lean = [VISITS[:3] + VISITS[4:5] + VISITS[6:7]]
    lean += [[c for n, c in zip(VISITS, visit(k), strict=True) if n in lean[0]] for k in range(400)]
    lean[120][3] = mobile(77)  # a changed phone: a new key
    setup = [(roster_csv(), "台账.csv"), (csv_bytes([VISITS, *(visit(k) for k in range(0, 400, 2))]), "早先.csv")]
    report = both(tmp_path, csv_bytes(lean), "走访记录.csv", setup)
    assert report.unchanged and report.inserted


def test_rejected_rows_of_later_chunks_and_their_repeats(tmp_path):
    rows = [VISITS, *(visit(k) for k in range(300))]
    bad = visit(1, 身份证号=pid(901))
    rows[250:250] = [bad]
    rows += [bad, bad, visit(2, 走访日期="2026/13/40")]
    report = both(tmp_path, csv_bytes(rows), "走访记录.csv", [(roster_csv(), "台账.csv")])
    assert [e.row for e in report.errors] == [251, len(rows)]
    assert report.duplicate == 2


def test_a_first_chunk_without_data_rows_is_read_further(tmp_path):
    rows = [VISITS, *([[""] * len(VISITS)] * (FIRST + 2 * CHUNK)), *(visit(k) for k in range(150))]
    report = both(tmp_path, csv_bytes(rows), "走访记录.csv", [(roster_csv(), "台账.csv")])
    assert report.status == "ok" and report.inserted == 150


def test_a_file_refused_in_chunks_is_refused_alike(tmp_path):
    header_only = [VISITS, *([[""] * len(VISITS)] * (FIRST + 2 * CHUNK))]
    report = both(tmp_path, csv_bytes(header_only), "走访记录.csv", [(roster_csv(), "台账.csv")])
    assert report.status == "failed" and report.message == labels.MSG_HEADER_ONLY
    lacking = [VISITS[1:], *(visit(k)[1:] for k in range(400))]
    report = both(tmp_path, csv_bytes(lacking), "走访记录.csv")
    assert report.status == "failed" and "身份证号" in report.message


def test_a_file_that_is_not_utf8_past_its_head_is_read_again_as_gb18030(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "_HEAD_BYTES", 256)
    rows = [["Contact log 2026 " + "x" * 300], VISITS, *(visit(k) for k in range(400))]
    data = csv_bytes(rows, "gbk")
    assert data[:256].decode("utf-8")  # the head alone passes for UTF-8
    report = both(tmp_path, data, "走访记录.csv", [(roster_csv(), "台账.csv")])
    assert report.status == "ok" and report.inserted == 400


def test_too_many_rejected_rows_stop_a_contact_log_read_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "STREAM_MAX_REJECTED", 50)
    rows = [VISITS, *(visit(k, 身份证号=pid(k % 500 + 300)) for k in range(600))]
    path = tmp_path / "走访记录.csv"
    path.write_bytes(csv_bytes(rows))
    con = seeded(tmp_path / "t.duckdb", [(roster_csv(), "台账.csv")])
    before = snapshot(con)
    report = load.import_file(con, path, today=TODAY, chunk_rows=CHUNK)
    assert report.status == "failed" and "50" in report.message and "走访记录.csv" in report.message
    assert snapshot(con) == before
    con.close()


# ================================================================ a roster and an issue ledger


def long_roster() -> list[list[object]]:
    people = [pid(k, dt.date(1960, 1, 1)) for k in range(700)]
    rows: list[list[object]] = [ROSTER_HEADER]
    rows += [roster_row(p, phone_seq=k, unpaired=k % 5 == 0) for k, p in enumerate(people)]
    rows.insert(400, rows[30])  # an exact repetition in a later chunk
    rows.insert(450, roster_row(people[31], phone_seq=31, department="市教育局"))  # the same pairing, changed
    # a second open pairing of one person in a later chunk: refused (overlap)
    rows.insert(500, roster_row(people[32], phone_seq=900, paired_on="2026-03-01"))
    # re-pairing written as the new pairing first, the old one ended later in the file: both land
    rows.insert(100, roster_row(people[33], phone_seq=901, paired_on="2026-06-01"))
    rows.insert(600, roster_row(people[33], phone_seq=33, unpaired_on="2026-06-01"))
    rows.insert(550, roster_row(wrong_check(people[34]), phone_seq=34))
    rows.insert(560, roster_row(people[35], phone_seq=35, department=""))  # pairing only partly filled
    rows.insert(5, roster_row(people[35], phone_seq=35, department="", cadre=""))
    return rows


def test_a_roster_in_chunks_is_the_whole_file(tmp_path):
    report = both(tmp_path, csv_bytes(long_roster(), "gbk"), "结对台账.csv")
    assert report.status == "ok" and report.rejected >= 3 and report.duplicate >= 2
    assert any("重叠" in error.reason for error in report.errors)


def test_a_roster_in_chunks_over_a_stored_one(tmp_path):
    earlier = csv_bytes(long_roster()[:300])
    both(tmp_path, csv_bytes(long_roster()), "结对台账.csv", [(earlier, "早先台账.csv")])


def long_issues() -> list[list[object]]:
    rows: list[list[object]] = [ISSUES_HEADER]
    for k in range(600):
        number = f"WT{k:04d}" if k % 2 else ""
        rows.append(issue_row(PEOPLE[k % len(PEOPLE)], issue_no=number, description=f"反映困难{k}"))
    rows.insert(300, rows[20])  # an exact repetition
    closed = issue_row(
        PEOPLE[21 % len(PEOPLE)], issue_no="WT0021", description="反映困难21", status="已解决", closed_on="2026-10-01"
    )
    rows.insert(420, closed)  # the issue of row 22, solved later in the file
    rows.insert(500, issue_row(PEOPLE[3], status="已解决"))  # solved without a date: rejected
    rows.insert(510, issue_row(pid(950), issue_no="WT9999"))  # a person not in the roster
    return rows


def test_an_issue_ledger_in_chunks_is_the_whole_file(tmp_path):
    report = both(tmp_path, csv_bytes(long_issues()), "问题台账.csv", [(roster_csv(), "台账.csv")])
    assert report.status == "ok" and report.rejected == 2 and report.duplicate >= 2


def test_an_issue_ledger_in_chunks_over_stored_issues(tmp_path):
    setup = [(roster_csv(), "台账.csv"), (csv_bytes(long_issues()[:200]), "早先问题.csv")]
    both(tmp_path, csv_bytes(long_issues()), "问题台账.csv", setup)


# ================================================================ no caps on the command line


def test_the_upload_caps_do_not_apply_to_a_csv_from_disk(tmp_path, monkeypatch):
    connections = [seeded(tmp_path / f"{n}.duckdb", [(roster_csv(), "台账.csv")]) for n in range(3)]
    monkeypatch.setattr(config, "MAX_ROWS", 100)
    monkeypatch.setattr(config, "MAX_FILE_BYTES", 2000)
    data = csv_bytes([VISITS, *(visit(k) for k in range(400))])
    refused = load.import_bytes(connections[0], data, "走访记录.csv", today=TODAY)
    assert refused.status == "failed" and "超过上限" in refused.message
    path = tmp_path / "走访记录.csv"
    path.write_bytes(data)
    for con, chunk_rows in zip(connections[1:], (CHUNK, 10**6), strict=True):  # in chunks, or in one
        report = load.import_file(con, path, today=TODAY, chunk_rows=chunk_rows)
        assert report.status == "ok" and report.read == 400
    for con in connections:
        con.close()


def test_a_byte_order_mark_twice_is_kept_as_read_py_keeps_it(tmp_path):
    data = codecs.BOM_UTF8 + csv_bytes([VISITS, *(visit(k) for k in range(400))], "utf-8-sig")
    both(tmp_path, data, "走访记录.csv", [(roster_csv(), "台账.csv")])


# ================================================================ progress


def test_the_progress_callback_follows_the_reading_and_the_writing(tmp_path):
    con = seeded(tmp_path / "t.duckdb", [(roster_csv(), "台账.csv")])
    path = tmp_path / "走访记录.csv"
    path.write_bytes(csv_bytes([VISITS, *(visit(k) for k in range(600))]))
    events: list[stream.ImportProgress] = []
    report = load.import_file(con, path, today=TODAY, chunk_rows=CHUNK, progress=events.append)
    con.close()
    stages = [event.stage for event in events]
    assert stages[0] == "read" and stages[-2:] == ["write", "done"] and set(stages[:-2]) == {"read"}
    reading = [event for event in events if event.stage == "read"]
    assert len(reading) > 5
    assert [event.rows for event in reading] == sorted(event.rows for event in reading)
    assert all(0 <= event.fraction <= 1 for event in reading) and reading[-1].fraction == 1
    assert events[-1].rows == report.read == 600 and events[-1].file == "走访记录.csv"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run_cli(tmp_path, monkeypatch, stderr, *paths) -> int:
    from pipeline import cli

    database = tmp_path / "cli.duckdb"
    if not database.exists():
        seeded(database, [(roster_csv(), "台账.csv")]).close()
    monkeypatch.setattr(sys, "stderr", stderr)
    try:
        return cli.main(["import", "--db", str(database), "--today", TODAY.isoformat(), *map(str, paths)])
    finally:
        monkeypatch.undo()


def test_the_command_line_draws_a_progress_bar_on_a_terminal_only(tmp_path, monkeypatch, capsys):
    from pipeline.cli.data import ProgressBar

    path = tmp_path / "走访记录.csv"
    path.write_bytes(csv_bytes([VISITS, *(visit(k) for k in range(600))]))
    monkeypatch.setattr(config, "STREAM_CHUNK_ROWS", CHUNK)
    terminal = _Terminal()
    assert _run_cli(tmp_path, monkeypatch, terminal, path) == 0
    drawn = terminal.getvalue()
    assert "[" + "#" * ProgressBar.WIDTH + "]" in drawn and "（100%）" in drawn
    assert labels.PROGRESS_WRITING.format(file="走访记录.csv", rows=600) in drawn
    assert "“走访记录.csv”：600行，用时" in drawn
    (line,) = capsys.readouterr().out.splitlines()  # stdout: one JSON line per file, nothing else
    assert json.loads(line)["inserted"] == 600

    other = tmp_path / "走访记录2.csv"
    other.write_bytes(csv_bytes([VISITS, *(visit(k, 满意度="不满意") for k in range(600))]))
    monkeypatch.setattr(config, "STREAM_CHUNK_ROWS", CHUNK)
    piped = io.StringIO()  # not a terminal: no bar, only the messages there were before
    assert _run_cli(tmp_path, monkeypatch, piped, other) == 0
    assert "读取“" not in piped.getvalue() and "\r" not in piped.getvalue()
    assert json.loads(capsys.readouterr().out)["updated"] == 600


# ================================================================ a file over the upload's caps, from the command line


def _big_contact_log(path, people: list[str], rows: int) -> None:
    """`rows` contacts of `people`, one a day each going back from yesterday: written by Arrow, not row by row."""
    n = np.arange(rows)
    days = np.datetime64(TODAY - dt.timedelta(days=1)) - (n // len(people)).astype("timedelta64[D]")
    table = pa.table(
        {
            "身份证号": pa.array(people).take(pa.array(n % len(people))),
            "走访日期": pa.array(days.astype("datetime64[D]"), pa.date32()).cast(pa.string()),
            "联系方式": pa.array(METHODS).take(pa.array(n % len(METHODS))),
            "满意度": pa.array(["满意", ""]).take(pa.array(n % 2)),
        }
    )
    pa_csv.write_csv(table, path)


def test_a_contact_log_over_the_upload_caps_goes_in_from_the_command_line(tmp_path, monkeypatch, capsys):
    people = [pid(k) for k in range(1000)]
    rows = config.MAX_ROWS + 1000  # the upload allows a hundred rows more (titles, blank rows)
    path = tmp_path / "走访记录.csv"
    _big_contact_log(path, people, rows)
    roster = csv_bytes([ROSTER_HEADER, *(roster_row(p, phone_seq=k) for k, p in enumerate(people))])
    upload_con = seeded(tmp_path / "upload.duckdb", [(roster, "台账.csv")])
    refused = load.import_bytes(upload_con, path.read_bytes(), path.name, today=TODAY)
    upload_con.close()
    assert refused.status == "failed" and f"{config.MAX_ROWS}行的上限" in refused.message  # the upload's cap

    seeded(tmp_path / "cli.duckdb", [(roster, "台账.csv")]).close()
    monkeypatch.setattr(config, "MAX_FILE_BYTES", path.stat().st_size // 2)  # and over the byte cap too
    assert _run_cli(tmp_path, monkeypatch, io.StringIO(), path) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["read"], summary["inserted"], summary["rejected"]) == (rows, rows, 0)
    con = open_db(tmp_path, "cli.duckdb")
    assert con.execute("select count(*), count(distinct contact_key) from contact").fetchall() == [(rows, rows)]
    assert con.execute("select rows_read, inserted from import_batch order by batch_id desc limit 1").fetchall() == [
        (rows, rows)
    ]
    con.close()


# ================================================================ the malformed files, read from disk


@pytest.mark.slow
def test_the_malformed_text_files_get_the_same_report_from_disk(tmp_path):
    from tests.test_hardening_corpus import CASES

    first = csv_bytes([ROSTER_HEADER, roster_row(pid(1)), roster_row(pid(2), phone_seq=2)])
    for key, case in CASES.items():
        data = case.build()
        if data.startswith((b"PK", bytes.fromhex("d0cf11e0a1b11ae1"))):  # workbooks: read whole either way
            continue
        folder = tmp_path / key
        folder.mkdir()
        both(folder, data, case.name, [(first, "a.csv")], chunk_rows=1, all_or_nothing=case.all_or_nothing)
