"""Files that must be refused whole, before they can eat the machine: each fails with a Chinese message
and leaves the database exactly as it was."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from pipeline import config
from pipeline.ingest import load, read
from pipeline.ingest.rows import ImportReport
from tests.ingest_helpers import (
    ROSTER_HEADER,
    VISITS_HEADER,
    csv_bytes,
    figures,
    open_db,
    pid,
    rewrite_zip,
    roster_row,
    run_import,
    set_dimension,
    snapshot,
    visit_row,
    xlsx_bytes,
)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture
def con(tmp_path):
    """A database that already holds one import, so that 'unchanged' means something."""
    connection = open_db(tmp_path)
    rows = [ROSTER_HEADER, roster_row(pid(1), phone_seq=1), roster_row(pid(2), phone_seq=2)]
    report = run_import(connection, csv_bytes(rows), "已导入台账.csv")
    assert report.status == "ok" and report.inserted == 2
    yield connection
    connection.close()


def valid_xlsx() -> bytes:
    return xlsx_bytes({"台账": [ROSTER_HEADER, roster_row(pid(3), phone_seq=3), roster_row(pid(4), phone_seq=4)]})


def assert_refused(con, report: ImportReport, before: dict, *words: str) -> None:
    """Status failed, nothing counted, the Chinese key words in the message, the database untouched."""
    assert report.status == "failed"
    assert report.batch_id is None
    assert figures(report)["inserted"] == 0 and report.updated == 0 and report.unchanged == 0
    for word in words:
        assert word in report.message, (word, report.message)
    summary = report.summary()
    assert summary["status"] == "failed" and summary["message"] == report.message
    assert snapshot(con) == before


def import_path(con, tmp_path, name: str, data: bytes) -> ImportReport:
    path = tmp_path / name
    path.write_bytes(data)
    return load.import_file(con, path, today="2026-11-28")


# ================================================================ archives


def _zeros_zip(entries: dict[str, int], extra: dict[str, bytes] | None = None) -> bytes:
    """A zip whose entries are runs of zeros of the given sizes (deflate packs them ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
        for name, size in entries.items():
            with archive.open(name, "w", force_zip64=True) as part:
                chunk = b"\0" * 2**20
                for _ in range(size // 2**20):
                    part.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_with_one_entry_of_zeros(con, tmp_path):
    data = _zeros_zip({"xl/worksheets/sheet1.xml": 50 * 2**20})
    assert len(data) < 200_000  # small on disk
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert info.file_size / info.compress_size > 200
    before = snapshot(con)
    report = import_path(con, tmp_path, "炸弹.xlsx", data)
    assert_refused(con, report, before, "炸弹.xlsx")
    assert "解压后体积异常" in report.message or "不是有效的Excel文件" in report.message


def test_zip_bomb_inside_a_real_workbook_is_refused_by_ratio(con, tmp_path):
    parts = dict(
        (name, content)
        for name, content in (
            (i.filename, zipfile.ZipFile(io.BytesIO(valid_xlsx())).read(i.filename))
            for i in zipfile.ZipFile(io.BytesIO(valid_xlsx())).infolist()
        )
        if name != "xl/worksheets/sheet1.xml"
    )
    data = _zeros_zip({"xl/worksheets/sheet1.xml": 50 * 2**20}, extra=parts)
    assert len(data) < 200_000
    before = snapshot(con)
    report = import_path(con, tmp_path, "台账.xlsx", data)
    assert_refused(con, report, before, "台账.xlsx", "解压后体积异常", "压缩比")


def test_zip_with_too_many_entries(con, monkeypatch):
    monkeypatch.setattr(config, "MAX_ZIP_ENTRIES", 50)
    data = rewrite_zip(valid_xlsx(), lambda name, content: content)
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        for k in range(60):
            archive.writestr(f"xl/media/image{k}.bin", b"x")
    before = snapshot(con)
    report = run_import(con, buffer.getvalue(), "台账.xlsx")
    assert_refused(con, report, before, "解压后体积异常", "个部件")


def test_unzipped_size_cap(con, monkeypatch):
    monkeypatch.setattr(config, "MAX_UNZIPPED_BYTES", 1000)
    before = snapshot(con)
    report = run_import(con, valid_xlsx(), "台账.xlsx")
    assert_refused(con, report, before, "解压后体积异常", "解压后约")


def test_sheet_dimension_claiming_a_million_rows(con):
    data = set_dimension(valid_xlsx(), "A1:P1048576")
    before = snapshot(con)
    report = run_import(con, data, "空行很多.xlsx")
    assert_refused(con, report, before, "1048576行", "16列", "超过上限", "空行")


def test_sheet_dimension_claiming_too_many_cells(con):
    data = set_dimension(valid_xlsx(), "A1:XFD4000")  # 4,000 rows x 16,384 columns
    before = snapshot(con)
    report = run_import(con, data, "宽表.xlsx")
    assert_refused(con, report, before, "4000行", "16384列", "超过上限")


def test_sheet_dimension_under_the_cap_is_read(con):
    data = set_dimension(valid_xlsx(), "A1:K3")
    report = run_import(con, data, "台账.xlsx")
    assert report.status == "ok" and report.inserted == 2


@pytest.mark.parametrize(
    ("part", "declaration"),
    [
        ("xl/worksheets/sheet1.xml", b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'),
        ("xl/worksheets/sheet1.xml", b'<!DOCTYPE worksheet SYSTEM "http://example.invalid/x.dtd">'),
        ("xl/worksheets/sheet1.xml", b'<!ENTITY xxe SYSTEM "file:///etc/passwd">'),
        ("xl/workbook.xml", b'<!DOCTYPE workbook [<!ENTITY a "a">]>'),
    ],
)
def test_doctype_or_entity_in_workbook_xml(con, part, declaration):
    def rewrite(name: str, content: bytes) -> bytes:
        if name == part:
            root = content.index(b"<", content.index(b"?>") + 2 if b"?>" in content else 0)
            content = b'<?xml version="1.0" encoding="UTF-8"?>' + declaration + content[root:]
        return content

    data = rewrite_zip(valid_xlsx(), rewrite)
    before = snapshot(con)
    report = run_import(con, data, "实体.xlsx")
    assert_refused(con, report, before, "实体.xlsx", "不安全的XML实体声明")


def test_doctype_after_a_long_comment(con):
    def rewrite(name: str, content: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            prolog = b'<?xml version="1.0" encoding="UTF-8"?><!--' + b" " * 70_000 + b"-->"
            content = prolog + b'<!DOCTYPE worksheet [<!ENTITY lol "lol">]>' + content
        return content

    data = rewrite_zip(valid_xlsx(), rewrite)
    before = snapshot(con)
    report = run_import(con, data, "实体.xlsx")
    assert_refused(con, report, before, "不安全的XML实体声明")


def test_truncated_xlsx(con, tmp_path):
    data = valid_xlsx()
    before = snapshot(con)
    report = import_path(con, tmp_path, "半截.xlsx", data[: len(data) // 2])
    assert_refused(con, report, before, "半截.xlsx", "已损坏", "另存为")


def test_xlsx_with_a_broken_sheet_part(con):
    data = rewrite_zip(
        valid_xlsx(), lambda name, content: content[:200] if name == "xl/worksheets/sheet1.xml" else content
    )
    before = snapshot(con)
    report = run_import(con, data, "坏表.xlsx")
    assert_refused(con, report, before, "已损坏")


def test_zip_that_is_not_a_workbook(con):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("照片/1.jpg", b"\xff\xd8\xff" + b"\0" * 100)
    before = snapshot(con)
    report = run_import(con, buffer.getvalue(), "台账.xlsx")
    assert_refused(con, report, before, "不是有效的Excel文件")


# ================================================================ OLE files (.xls and encrypted workbooks)


def _ole(payload: bytes) -> bytes:
    return OLE_MAGIC + b"\0" * 504 + payload + b"\0" * 1024


def test_encrypted_workbook(con, tmp_path):
    data = _ole("EncryptionInfo".encode("utf-16-le") + b"\0" * 64 + "EncryptedPackage".encode("utf-16-le"))
    before = snapshot(con)
    report = import_path(con, tmp_path, "加密台账.xlsx", data)
    assert_refused(con, report, before, "加密台账.xlsx", "密码")


def test_ole_file_that_is_not_a_readable_xls(con):
    before = snapshot(con)
    report = run_import(con, _ole(random.Random(7).randbytes(2048)), "旧台账.xls")
    assert_refused(con, report, before, "旧台账.xls", "已损坏")


# ================================================================ text that is not a table


def test_renamed_text_file(con, tmp_path):
    notes = "关于开展结对关爱行动的通知\n各县区：\n请于本月底前报送结对台账。\n".encode()
    before = snapshot(con)
    for name in ("台账.xlsx", "台账.csv"):
        report = import_path(con, tmp_path, name, notes)
        assert_refused(con, report, before, name, "没有找到可识别的表头")


def test_random_bytes_named_csv(con, tmp_path):
    junk = random.Random(2026).randbytes(64 * 1024)
    assert not junk.startswith((b"PK", OLE_MAGIC, b"\xff\xfe", b"\xfe\xff"))
    before = snapshot(con)
    report = import_path(con, tmp_path, "台账.csv", junk)
    assert_refused(con, report, before, "台账.csv", "编码无法识别")


def test_binary_with_nul_bytes_named_csv(con):
    data = "身份证号,姓名\n".encode() + b"\0\x01\x02" * 300
    before = snapshot(con)
    report = run_import(con, data, "台账.csv")
    assert_refused(con, report, before, "编码无法识别")


def test_empty_file(con, tmp_path):
    before = snapshot(con)
    report = import_path(con, tmp_path, "空.csv", b"")
    assert_refused(con, report, before, "空.csv", "是空的")


def test_file_with_only_blank_lines(con):
    before = snapshot(con)
    report = run_import(con, b"\r\n\r\n,,,\r\n", "空白.csv")
    assert_refused(con, report, before, "没有找到可识别的表头")


def test_file_type_comes_from_the_bytes_not_the_name(con):
    workbook = valid_xlsx()
    report = run_import(con, workbook, "台账.csv")
    assert report.status == "ok" and report.inserted == 2
    text = csv_bytes([ROSTER_HEADER, roster_row(pid(5), phone_seq=5)])
    report = run_import(con, text, "台账.xlsx")
    assert report.status == "ok" and report.inserted == 1


# ================================================================ size and row caps


def test_file_size_cap(con, monkeypatch):
    monkeypatch.setattr(config, "MAX_FILE_BYTES", 1024)
    data = csv_bytes([ROSTER_HEADER] + [roster_row(pid(k), phone_seq=k) for k in range(10, 40)])
    assert len(data) > 1024
    before = snapshot(con)
    report = run_import(con, data, "大文件.csv")
    assert_refused(con, report, before, "大文件.csv", "超过上限", "拆分")


def test_row_cap_of_a_csv(con, monkeypatch):
    monkeypatch.setattr(config, "MAX_ROWS", 20)
    data = csv_bytes([ROSTER_HEADER] + [roster_row(pid(k), phone_seq=k) for k in range(10, 200)])
    before = snapshot(con)
    report = run_import(con, data, "多行.csv")
    assert_refused(con, report, before, "多行.csv", "20行", "拆分")


def test_row_cap_of_a_workbook_is_checked_before_parsing(con, monkeypatch):
    monkeypatch.setattr(config, "MAX_ROWS", 20)
    data = xlsx_bytes([ROSTER_HEADER] + [roster_row(pid(k), phone_seq=k) for k in range(10, 200)])

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed although its dimension is over the cap")

    monkeypatch.setattr(read, "_parse_isolated", must_not_parse)
    before = snapshot(con)
    report = run_import(con, data, "多行.xlsx")
    assert_refused(con, report, before, "超过上限")


def test_row_cap_over_several_sheets(con, monkeypatch):
    monkeypatch.setattr(config, "MAX_ROWS", 20)
    rows = [ROSTER_HEADER] + [roster_row(pid(k), phone_seq=k) for k in range(10, 80)]
    data = xlsx_bytes({"一": rows, "二": rows})
    before = snapshot(con)
    report = run_import(con, data, "两表.xlsx")
    assert_refused(con, report, before, "两表.xlsx", "20行的上限", "拆分")


# ================================================================ a failure leaves earlier imports alone


def test_failed_file_between_good_files(con):
    good = csv_bytes([VISITS_HEADER, visit_row(pid(1))])
    first = run_import(con, good, "走访.csv")
    assert first.status == "ok" and first.inserted == 1
    before = snapshot(con)
    bad = run_import(con, valid_xlsx()[:300], "坏.xlsx")
    assert_refused(con, bad, before, "已损坏")
    again = run_import(con, good, "走访.csv")  # the same bytes: recognised as imported before (SPEC §4)
    assert again.status == "already_imported" and again.unchanged == 1 and again.earlier_batch == first.batch_id
    assert snapshot(con) == before
