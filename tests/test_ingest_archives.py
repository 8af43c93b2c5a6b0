"""A .zip or .gz holding one sheet file (SPEC §4): the upload takes it under its cap and the command line
streams it; the report names "archive › file"; an archive holding anything else is refused, naming it."""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile

import pytest

from pipeline import config, labels
from pipeline.ingest import archive, load, preview
from tests.ingest_helpers import (
    ROSTER_HEADER,
    TODAY,
    csv_bytes,
    open_db,
    pid,
    roster_row,
    snapshot,
    xlsx_bytes,
)
from tests.test_app_upload import counts_of, database, open_upload_page, rendered_text, report_counts  # noqa: F401
from tests.test_ingest_stream import CHUNK, VISITS, outcome, roster_csv, seeded, stored, visit


def zipped(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as out:
        for name, content in entries.items():
            out.writestr(name, content)
    return buffer.getvalue()


def contact_log() -> bytes:
    return csv_bytes([VISITS, *(visit(k) for k in range(500))], "gbk")


def import_both_ways(tmp_path, data: bytes, name: str, setup=()):
    """(the upload's report, the command line's report), each into its own copy of the database."""
    upload_con = seeded(tmp_path / "upload.duckdb", setup)
    cli_con = seeded(tmp_path / "cli.duckdb", setup)
    try:
        uploaded = load.import_bytes(upload_con, data, name, today=TODAY)
        path = tmp_path / name
        path.write_bytes(data)
        streamed = load.import_file(cli_con, path, today=TODAY, chunk_rows=CHUNK)
        return uploaded, streamed, stored(upload_con), stored(cli_con)
    finally:
        upload_con.close()
        cli_con.close()


@pytest.mark.parametrize(
    ("name", "pack"),
    [
        ("走访记录.zip", lambda data: zipped({"走访记录.csv": data})),
        (
            "走访记录.zip",
            lambda data: zipped({"导出/走访记录.csv": data, "__MACOSX/导出/._走访记录.csv": b"\0", "导出/": b""}),
        ),
        ("走访记录.csv.gz", gzip.compress),
    ],
)
def test_an_archive_imports_as_the_sheet_file_inside_it(tmp_path, name, pack):
    data = contact_log()
    packed = pack(data)
    setup = [(roster_csv(), "台账.csv")]
    uploaded, streamed, upload_rows, cli_rows = import_both_ways(tmp_path, packed, name, setup)
    plain_con = seeded(tmp_path / "plain.duckdb", setup)
    plain = load.import_bytes(plain_con, data, "走访记录.csv", today=TODAY)
    plain_rows = stored(plain_con)
    plain_con.close()
    assert uploaded.file == streamed.file == f"{name}{archive.SEPARATOR}走访记录.csv"
    assert uploaded.status == "ok" and uploaded.inserted == 500
    # the same rows, counts and errors as the sheet file itself; the batch records the archive
    for report in (uploaded, streamed):
        assert outcome(report)["summary"] | {"file": ""} == outcome(plain)["summary"] | {"file": ""}
        assert report.sha256 == hashlib.sha256(packed).hexdigest()
    for rows in (upload_rows, cli_rows):
        assert {t: r for t, r in rows.items() if t != "import_batch"} == {
            t: r for t, r in plain_rows.items() if t != "import_batch"
        }
    assert [row[2:4] for row in upload_rows["import_batch"]] == [row[2:4] for row in cli_rows["import_batch"]]


def test_an_archive_holding_a_workbook(tmp_path):
    workbook = xlsx_bytes([ROSTER_HEADER, *(roster_row(pid(k), phone_seq=k) for k in range(5))])
    uploaded, streamed, *_ = import_both_ways(tmp_path, zipped({"结对台账.xlsx": workbook}), "台账.zip")
    for report in (uploaded, streamed):
        assert report.status == "ok" and report.inserted == 5
        assert report.file == f"台账.zip{archive.SEPARATOR}结对台账.xlsx"


def test_the_preview_looks_inside_an_archive():
    found = preview.preview_bytes(zipped({"走访记录.csv": contact_log()}), "走访记录.zip", today=TODAY)
    assert not found.error and found.kinds == ["visits"] and found.data_rows == 500
    assert archive.display_name(zipped({"走访记录.csv": b"x"}), "走访记录.zip") == "走访记录.zip › 走访记录.csv"


def _lines(count: int) -> bytes:
    """A contact log of one row repeated: it packs to almost nothing."""
    return csv_bytes([VISITS]) + csv_bytes([visit(1)]) * count


REFUSED = {
    "several files": ("两个.zip", lambda: zipped({"a.csv": b"1", "b.csv": b"2"}), ("两个.zip", "2个文件", "a.csv")),
    "nothing inside": ("空.zip", lambda: zipped({"目录/": b""}), ("空.zip", "没有文件")),
    "an empty zip": ("空.zip", lambda: zipped({}), ("空.zip", "没有文件")),
    "a zip in the zip": (
        "套.zip",
        lambda: zipped({"内.zip": zipped({"a.csv": b"1"})}),
        ("套.zip", "内.zip", "又是一个压缩包"),
    ),
    "a gz in the gz": ("套.csv.gz", lambda: gzip.compress(gzip.compress(b"1")), ("套.csv.gz", "又是一个压缩包")),
    "a zip in the gz": ("套.gz", lambda: gzip.compress(zipped({"a.csv": b"1"})), ("套.gz", "又是一个压缩包")),
    "not a sheet file": (
        "文档.zip",
        lambda: zipped({"说明.pdf": b"%PDF-1.4"}),
        ("文档.zip", "说明.pdf", "不是表格文件"),
    ),
    "a zip bomb": ("炸弹.zip", lambda: zipped({"a.csv": _lines(2**20)}), ("炸弹.zip", "压缩比")),
    "a gz bomb": ("炸弹.csv.gz", lambda: gzip.compress(_lines(2**20)), ("炸弹.csv.gz", "压缩比")),
    "damaged": ("坏.zip", lambda: b"PK\x03\x04" + b"\x01" * 200, ("坏.zip", "已损坏")),
    "damaged gz": ("坏.csv.gz", lambda: gzip.compress(contact_log())[:300], ("坏.csv.gz", "已损坏")),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_an_archive_that_cannot_be_imported_is_refused_naming_it(tmp_path, case):
    name, build, words = REFUSED[case]
    data = build()
    con = seeded(tmp_path / "t.duckdb", [(roster_csv(), "台账.csv")])
    before = snapshot(con)
    path = tmp_path / name
    path.write_bytes(data)
    for report in (load.import_bytes(con, data, name, today=TODAY), load.import_file(con, path, today=TODAY)):
        assert report.status == "failed", (report.status, report.message)
        for word in words:
            assert word in report.message, (word, report.message)
        assert snapshot(con) == before
    con.close()


def test_a_password_on_the_archive_is_refused(tmp_path):
    data = bytearray(zipped({"a.csv": contact_log()}))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the flag a zip tool's password sets
        at = data.find(signature)
        data[at + flag_at] |= 1
    con = open_db(tmp_path)
    report = load.import_bytes(con, bytes(data), "密.zip", today=TODAY)
    assert report.status == "failed" and "密.zip" in report.message and "密码" in report.message
    con.close()


def test_the_upload_caps_the_archive_and_the_rows_of_its_sheet_the_command_line_neither(tmp_path, monkeypatch):
    data = zipped({"走访记录.csv": contact_log()})
    connections = [seeded(tmp_path / f"{n}.duckdb", [(roster_csv(), "台账.csv")]) for n in range(2)]
    monkeypatch.setattr(config, "MAX_ROWS", 100)
    uploaded = load.import_bytes(connections[0], data, "走访记录.zip", today=TODAY)
    assert uploaded.status == "failed"
    assert labels.MSG_TOO_MANY_ROWS.format(file="走访记录.zip › 走访记录.csv", cap_rows=100) == uploaded.message
    monkeypatch.setattr(config, "MAX_FILE_BYTES", len(data) - 1)
    too_big = load.import_bytes(connections[0], data, "走访记录.zip", today=TODAY)
    assert too_big.status == "failed" and "走访记录.zip" in too_big.message and "超过上限" in too_big.message
    path = tmp_path / "走访记录.zip"
    path.write_bytes(data)
    streamed = load.import_file(connections[1], path, today=TODAY, chunk_rows=CHUNK)
    assert streamed.status == "ok" and streamed.inserted == 500
    for con in connections:
        con.close()


def test_a_zip_named_like_a_workbook_is_still_read_as_one():
    # the type comes from the bytes: a zip named .xlsx that is not a workbook stays a damaged workbook
    assert archive.open_archive(zipped({"a.csv": b"1"}), "台账.xlsx") is None
    assert archive.open_archive(xlsx_bytes([ROSTER_HEADER]), "台账.zip") is None


# ================================================================ the upload page


@pytest.mark.usefixtures("database")
def test_the_upload_page_takes_a_zip_and_follows_the_import(monkeypatch):
    at = open_upload_page()
    assert {"zip", "gz"} <= {kind.lstrip(".") for kind in at.file_uploader[0].allowed_type}
    steps = []
    real = load.import_bytes

    def watched(*args, progress=None, **kwargs):
        def both(step):
            steps.append(step)
            progress(step)

        return real(*args, progress=both, **kwargs)

    monkeypatch.setattr(load, "import_bytes", watched)
    packed = zipped({"结对台账.csv": roster_csv()})
    at.file_uploader[0].set_value([("结对台账.zip", packed, "application/zip")]).run()
    assert not at.exception, at.exception
    previews = [e.label for e in at.expander if "识别为" in e.label]
    assert previews[0].startswith("结对台账.zip") and "识别为：结对台账" in previews[0]
    at.button(key="upload_start").click().run()
    assert not at.exception, at.exception
    assert report_counts(at) == [counts_of(read=120, inserted=120)]
    assert f"结对台账.zip{archive.SEPARATOR}结对台账.csv" in rendered_text(at)
    assert [step.stage for step in steps] == ["read", "write", "done"]
