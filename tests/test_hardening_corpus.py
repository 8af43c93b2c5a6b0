"""A corpus of malformed uploads, built here in memory: every file gets a report (never an exception),
the process survives within a time and memory budget, a refused file gets a Chinese message and
leaves every table exactly as it was, and a file that can be read reports its faults in Chinese.

Each case names what the file is; `outcome` is what the import must say: "failed" (refused whole),
"rolled_back" (read, but all-or-nothing with errors) or "ok" (read; its faults, if any, are row errors).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import random
import re
import resource
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from PIL import Image

from pipeline import config, db, export
from pipeline.ingest import read
from pipeline.ingest.rows import ImportReport
from tests.conftest import ROOT
from tests.ingest_helpers import (
    ISSUES_HEADER,
    ROSTER_HEADER,
    VISITS_HEADER,
    csv_bytes,
    open_db,
    pid,
    rewrite_zip,
    roster_row,
    rows_of,
    run_import,
    set_dimension,
    snapshot,
    utf16_text_bytes,
    xlsx_bytes,
)
from tests.test_ingest_guards import OLE_MAGIC, _ole, _zeros_zip

CASE_SECONDS = 10  # one file, read or refused; the whole corpus runs in well under a minute
CASE_MEMORY_MB = 400  # growth of this process's peak memory allowed for one file
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TRACEBACK_WORDS = ("Traceback", 'File "', "Error:", "Exception", "panicked", "pyo3", "duckdb", "0x")


# ================================================================ builders


def good_rows() -> list[list[object]]:
    """A roster of two people not yet in the database the cases run against."""
    return [ROSTER_HEADER, roster_row(pid(3), phone_seq=3), roster_row(pid(4), phone_seq=4)]


@functools.cache
def good_xlsx() -> bytes:
    return xlsx_bytes({"台账": good_rows()})


@functools.cache
def good_csv() -> bytes:
    return csv_bytes(good_rows())


def in_part(part: str, edit: Callable[[bytes], bytes], data: bytes | None = None) -> bytes:
    """A copy of the good workbook (or `data`) with one part passed through `edit`."""
    data = data or good_xlsx()
    assert part in zipfile.ZipFile(io.BytesIO(data)).namelist(), part
    return rewrite_zip(data, lambda name, content: edit(content) if name == part else content)


def _declared(content: bytes, doctype: bytes) -> bytes:
    """The part with an XML declaration, then the DOCTYPE, then its root element."""
    body = content[content.index(b"?>") + 2 :] if content.startswith(b"<?xml") else content
    return b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + body


def with_doctype(part: str, doctype: bytes, replace: tuple[bytes, bytes] | None = None) -> bytes:
    """A DOCTYPE put before the root element of one part (and, with `replace`, a cell made to use it)."""

    def edit(content: bytes) -> bytes:
        content = _declared(content, doctype)
        if replace:
            assert replace[0] in content
            content = content.replace(*replace, 1)
        return content

    return in_part(part, edit)


def with_shared_strings(doctype: bytes) -> bytes:
    """A shared-strings part (wired into the workbook) whose one string is an entity, used by cell B2."""
    sst = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    relation = (
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
        b' Target="sharedStrings.xml" Id="rId9" /></Relationships>'
    )
    override = (
        b'<Override PartName="/xl/sharedStrings.xml"'
        b' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'
    )

    def rewrite(name: str, content: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return content.replace(b"</Relationships>", relation)
        if name == "[Content_Types].xml":
            return content.replace(b"</Types>", override)
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<c r="B2" t="inlineStr">.*?</c>', b'<c r="B2" t="s"><v>0</v></c>', content)
        return content

    buffer = io.BytesIO(rewrite_zip(good_xlsx(), rewrite))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", _declared(sst, doctype))
    return buffer.getvalue()


_LAUGHS = b"".join(
    b'<!ENTITY lol%d "%s">' % (k, b"".join(b"&lol%d;" % (k - 1) for _ in range(10)) if k else b"lol") for k in range(10)
)


def billion_laughs(root: str) -> bytes:
    return b"<!DOCTYPE " + root.encode() + b" [" + _LAUGHS + b"]>"


def truncated(data: bytes, at: int) -> bytes:
    return data[:at]


def zip_of(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def many_entries() -> bytes:
    """The good workbook plus tiny parts, over the cap on the number of parts."""
    buffer = io.BytesIO(good_xlsx())
    with zipfile.ZipFile(buffer, "a") as archive:
        for k in range(config.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"xl/media/image{k}.png", b"")
    return buffer.getvalue()


@functools.cache
def inner_bomb() -> bytes:
    return _zeros_zip({"zeros.bin": 64 * 2**20})


def nested_bomb_in_workbook() -> bytes:
    """A real workbook carrying a zip bomb as an embedded object (stored: the outer ratio looks harmless)."""
    buffer = io.BytesIO(good_xlsx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/embeddings/oleObject1.bin", inner_bomb())
    return buffer.getvalue()


def nested_bomb_alone() -> bytes:
    """42.zip in spirit: a zip of zip bombs, named like a workbook."""
    return zip_of({f"part{k}.zip": inner_bomb() for k in range(8)}, zipfile.ZIP_STORED)


def lying_sizes() -> bytes:
    """The sheet part's headers declare 1 kB while its deflate stream unpacks to 256 MB."""
    parts = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = b"\0" * 2**20
    stream = b"".join(compressor.compress(zeros) for _ in range(256)) + compressor.flush()
    out, central = io.BytesIO(), []

    def add(name: str, packed: bytes, size: int, crc: int) -> None:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0))
        out.write(encoded + packed)
        fields = (0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0, 0, 0, 0, 0, offset)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", *fields) + encoded)

    for info in parts.infolist():
        if info.filename == "xl/worksheets/sheet1.xml":
            add(info.filename, stream, 1024, zlib.crc32(b"\0" * 1024))
            continue
        content = parts.read(info.filename)
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        add(info.filename, packer.compress(content) + packer.flush(), len(content), zlib.crc32(content))
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0))
    return out.getvalue()


def encrypted_zip_entry() -> bytes:
    """The good workbook with the 'encrypted' flag set on the sheet part (as a zip tool's password does)."""
    data = bytearray(good_xlsx())
    name = b"xl/worksheets/sheet1.xml"
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + flag_at] |= 1
            at += 4
    return bytes(data)


def protected_workbook() -> bytes:
    """Sheet and workbook protection (a password against editing, not encryption): still readable."""
    workbook = openpyxl.load_workbook(io.BytesIO(good_xlsx()))
    workbook.security = openpyxl.workbook.protection.WorkbookProtection(workbookPassword="123", lockStructure=True)
    workbook.active.protection.sheet = True
    workbook.active.protection.password = "123"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_part_renamed(suffix: str, doctype: bytes = b"") -> bytes:
    """The sheet part stored under another extension (the relationships follow), optionally with a DOCTYPE."""

    def rewrite(name: str, content: bytes) -> bytes | None:
        if name == "xl/_rels/workbook.xml.rels" or name == "[Content_Types].xml":
            return content.replace(b"worksheets/sheet1.xml", b"worksheets/sheet1" + suffix.encode())
        if name == "xl/worksheets/sheet1.xml":
            return None
        return content

    sheet = zipfile.ZipFile(io.BytesIO(good_xlsx())).read("xl/worksheets/sheet1.xml")
    if doctype:
        sheet = _declared(sheet, doctype).replace(b"<t>", b"<t>&lol9;", 1)
    buffer = io.BytesIO(rewrite_zip(good_xlsx(), rewrite))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1" + suffix, sheet)
    return buffer.getvalue()


def far_cell(ref: str, row: int) -> bytes:
    """A real cell at `ref` (no dimension element): the sheet's range spans from A1 to it."""

    def edit(content: bytes) -> bytes:
        content = re.sub(rb"<dimension[^>]*/>", b"", content)
        cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        return content.replace(b"</sheetData>", cell + b"</sheetData>")

    return in_part("xl/worksheets/sheet1.xml", edit)


def utf16_sheet_with_doctype() -> bytes:
    def edit(content: bytes) -> bytes:
        doctype = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        text = _declared(content, doctype).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")

    return in_part("xl/worksheets/sheet1.xml", edit)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def junk(size: int, seed: int) -> bytes:
    data = random.Random(seed).randbytes(size)
    return b"\x01" + data[1:]  # never a magic number by chance


# ---------------------------------------------------------------- compound files (.xls, encrypted workbooks)

_SECTOR = 512
_END, _FREE, _FAT_SECTOR, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: list[tuple[str, bytes]]) -> bytes:
    """A compound file (CFB v3, the container of .xls and of password-encrypted .xlsx) holding the streams.

    Streams are padded to 4 kB so that all live in regular sectors (no mini stream to build).
    """
    streams = [(name, data.ljust(4096, b"\0")) for name, data in streams]
    fat, body, starts = [_FAT_SECTOR, _END], b"", []
    for _, data in streams:
        count = -(-len(data) // _SECTOR)
        first = len(fat)
        starts.append(first)
        fat += [*range(first + 1, first + count), _END]
        body += data.ljust(count * _SECTOR, b"\0")
    assert len(fat) <= 128 and len(streams) <= 3

    def entry(name: str, kind: int, start: int, size: int, child: int = _NONE, right: int = _NONE) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        fields = struct.pack("<HBB3I", len(encoded), kind, 1, _NONE, right, child)
        return encoded.ljust(64, b"\0") + fields + b"\0" * 36 + struct.pack("<IQ", start, size)

    entries = [entry("Root Entry", 5, _END, 0, child=1)]
    for k, ((name, data), start) in enumerate(zip(streams, starts, strict=True)):
        entries.append(entry(name, 2, start, len(data), right=k + 2 if k + 1 < len(streams) else _NONE))
    header = (
        OLE_MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *[_FREE] * 108)
    )
    fat_sector = struct.pack("<128I", *fat, *[_FREE] * (128 - len(fat)))
    return header + fat_sector + b"".join(entries).ljust(_SECTOR, b"\0") + body


def _record(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def biff_stream(
    rows: list[list[object]], extra: bytes = b"", dimensions: tuple[int, int] | None = None, shared: bytes = b""
) -> bytes:
    """A minimal BIFF8 Workbook stream: one sheet 台账 of text cells (LABEL records), then `extra` records.

    `shared` goes into the workbook globals (where a shared-strings table lives).
    """
    name = "台账".encode("utf-16-le")

    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def workbook_globals(sheet_at: int) -> bytes:
        sheet = _record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, len(name) // 2, 1) + name)
        return bof(0x0005) + _record(0x0042, struct.pack("<H", 1200)) + sheet + shared + _record(0x000A)

    height, width = dimensions or (len(rows), max(len(row) for row in rows))
    sheet = bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, height, 0, width, 0))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value not in (None, ""):
                text = str(value)
                sheet += _record(0x0204, struct.pack("<HHHHB", r, c, 0, len(text), 1) + text.encode("utf-16-le"))
    return workbook_globals(len(workbook_globals(0))) + sheet + extra + _record(0x000A)


def xls_bytes(**kwargs) -> bytes:
    return compound_file([("Workbook", biff_stream(good_rows(), **kwargs))])


def encrypted_xlsx() -> bytes:
    """What Excel writes for a workbook with an opening password: a compound file, not a zip."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<?xml version='1.0'?><encryption/>"
    return compound_file([("EncryptionInfo", info), ("EncryptedPackage", junk(6000, 11))])


# ---------------------------------------------------------------- text files

MIXED_HEADER = "身份证号,姓名,对象类别,县区,乡镇\r\n"


def csv_in(encoding: str, rows: list[list[object]] | None = None) -> bytes:
    text = csv_bytes(rows or good_rows()).decode("utf-8")
    return text.encode(encoding, errors="replace")


def ragged(extra: int) -> bytes:
    """Every data row `extra` cells longer (or shorter, when negative) than the header."""
    rows = good_rows()
    body = [row + ["多余"] * extra if extra > 0 else row[:extra] for row in rows[1:]]
    return csv_bytes([rows[0], *body])


def formula_rows() -> list[list[object]]:
    rows = good_rows()
    rows[1][1], rows[1][5], rows[1][8] = "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1:A2)"
    rows[2][1], rows[2][5], rows[2][8] = "-2+3", '=HYPERLINK("http://example.invalid","点我")', "=市民政局"
    return rows


def wide_header(columns: int, cell: str = "列") -> bytes:
    header = ROSTER_HEADER + [f"{cell}{k}" for k in range(columns - len(ROSTER_HEADER))]
    return csv_bytes([header, *good_rows()[1:]])


# ================================================================ the corpus


@dataclass(frozen=True)
class Case:
    """One malformed file and what its import must report."""

    name: str
    build: Callable[[], bytes]
    outcome: str = "failed"
    words: tuple[str, ...] = ()  # Chinese words the message (or a row's reason) must contain
    inserted: int = 0
    rejected: int = 0
    all_or_nothing: bool = False


CORRUPT, BOMB, ENTITY, ENCODING, NO_HEADER = "已损坏", "解压后体积异常", "不安全的XML实体声明", "编码无法识别", "表头"
TOO_BIG, PASSWORD, EMPTY, LIMIT, NO_ROWS = "超过上限", "密码", "是空的", "内存或时间上限", "文件只有表头，没有数据行"

CASES: dict[str, Case] = {
    # truncated and renamed archives
    "xlsx-cut-at-4-bytes": Case("台账.xlsx", lambda: truncated(good_xlsx(), 4), words=(CORRUPT,)),
    "xlsx-cut-at-100-bytes": Case("台账.xlsx", lambda: truncated(good_xlsx(), 100), words=(CORRUPT,)),
    "xlsx-cut-at-a-third": Case("台账.xlsx", lambda: truncated(good_xlsx(), len(good_xlsx()) // 3), words=(CORRUPT,)),
    "xlsx-cut-before-central-directory": Case(
        "台账.xlsx", lambda: truncated(good_xlsx(), good_xlsx().rindex(b"PK\x01\x02") - 10), words=(CORRUPT,)
    ),
    "xlsx-cut-inside-end-record": Case("台账.xlsx", lambda: truncated(good_xlsx(), len(good_xlsx()) - 5)),
    "csv-renamed-xlsx": Case("台账.xlsx", good_csv, "ok", inserted=2),
    "xlsx-renamed-csv": Case("台账.csv", good_xlsx, "ok", inserted=2),
    "xlsx-renamed-xls": Case("台账.xls", good_xlsx, "ok", inserted=2),
    # zip bombs
    "zip-bomb-deflate-ratio": Case(
        "台账.xlsx",
        lambda: _zeros_zip({"xl/worksheets/sheet1.xml": 64 * 2**20}, extra={"xl/workbook.xml": b"<workbook/>"}),
        words=(BOMB, "压缩比"),
    ),
    "zip-bomb-many-entries": Case("台账.xlsx", many_entries, words=(BOMB, "个部件")),
    "zip-bomb-nested-zips-without-workbook": Case("台账.xlsx", nested_bomb_alone, words=(CORRUPT,)),
    "zip-bomb-nested-inside-real-workbook": Case("台账.xlsx", nested_bomb_in_workbook, "ok", inserted=2),
    "zip-declared-sizes-lie": Case("台账.xlsx", lying_sizes, words=(CORRUPT,)),
    # XML entity bombs and external entities
    "billion-laughs-in-sheet": Case(
        "台账.xlsx", lambda: with_doctype("xl/worksheets/sheet1.xml", billion_laughs("worksheet")), words=(ENTITY,)
    ),
    "billion-laughs-in-shared-strings": Case(
        "台账.xlsx",
        lambda: with_shared_strings(billion_laughs("sst")),
        words=(ENTITY,),
    ),
    "undefined-entity-in-shared-strings": Case("台账.xlsx", lambda: with_shared_strings(b""), words=(CORRUPT,)),
    "billion-laughs-in-workbook-xml": Case(
        "台账.xlsx", lambda: with_doctype("xl/workbook.xml", billion_laughs("workbook")), words=(ENTITY,)
    ),
    "external-entity-etc-passwd-in-sheet": Case(
        "台账.xlsx",
        lambda: with_doctype(
            "xl/worksheets/sheet1.xml",
            b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            (b"<t>", b"<t>&xxe;"),
        ),
        words=(ENTITY,),
    ),
    "external-entity-in-content-types": Case(
        "台账.xlsx",
        lambda: with_doctype("[Content_Types].xml", b'<!DOCTYPE Types SYSTEM "file:///etc/passwd">'),
        words=(ENTITY,),
    ),
    "external-entity-in-relationships": Case(
        "台账.xlsx",
        lambda: with_doctype("_rels/.rels", b'<!DOCTYPE Relationships [<!ENTITY % p SYSTEM "file:///etc/passwd">%p;]>'),
        words=(ENTITY,),
    ),
    "external-entity-in-utf16-sheet": Case("台账.xlsx", utf16_sheet_with_doctype, words=(ENTITY,)),
    "billion-laughs-in-sheet-part-not-named-xml": Case(
        "台账.xlsx", lambda: sheet_part_renamed(".bin", billion_laughs("worksheet")), words=(CORRUPT,)
    ),
    "sheet-part-not-named-xml": Case("台账.xlsx", lambda: sheet_part_renamed(".dat"), "ok", inserted=2),
    # encryption and protection
    "encrypted-xlsx-compound-file": Case("台账.xlsx", encrypted_xlsx, words=(PASSWORD,)),
    "encrypted-xlsx-named-csv": Case("台账.csv", encrypted_xlsx, words=(PASSWORD,)),
    "encryption-info-inside-a-zip": Case(
        "台账.xlsx",
        lambda: zip_of({"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": junk(512, 3)}),
        words=(PASSWORD,),
    ),
    "zip-entry-with-password-flag": Case("台账.xlsx", encrypted_zip_entry, words=(PASSWORD,)),
    "sheet-and-workbook-protection": Case("台账.xlsx", protected_workbook, "ok", inserted=2),
    # empty and header-only
    "empty-file": Case("台账.csv", lambda: b"", words=(EMPTY,)),
    "only-utf8-bom": Case("台账.csv", lambda: codecs.BOM_UTF8, words=(NO_HEADER,)),
    "only-utf16-le-bom": Case("台账.csv", lambda: codecs.BOM_UTF16_LE, words=(NO_HEADER,)),
    "only-utf16-be-bom": Case("台账.csv", lambda: codecs.BOM_UTF16_BE, words=(NO_HEADER,)),
    "bom-and-blank-lines": Case("台账.csv", lambda: codecs.BOM_UTF8 + b"\r\n,,,\r\n\r\n", words=(NO_HEADER,)),
    # a header and no data rows (a blank template sent back): refused, nothing recorded (SPEC §4)
    "header-only-roster-csv": Case("台账.csv", lambda: csv_bytes([ROSTER_HEADER]), words=(NO_ROWS,)),
    "header-only-visits-csv": Case("走访.csv", lambda: csv_bytes([VISITS_HEADER]), words=(NO_ROWS,)),
    "header-only-issues-csv": Case("问题.csv", lambda: csv_bytes([ISSUES_HEADER]), words=(NO_ROWS,)),
    "header-only-roster-xlsx": Case("台账.xlsx", lambda: xlsx_bytes([ROSTER_HEADER]), words=(NO_ROWS,)),
    "header-only-visits-xlsx": Case("走访.xlsx", lambda: xlsx_bytes([VISITS_HEADER]), words=(NO_ROWS,)),
    "header-only-issues-xlsx": Case("问题.xlsx", lambda: xlsx_bytes([ISSUES_HEADER]), words=(NO_ROWS,)),
    "header-and-a-total-row-only": Case(
        "台账.csv", lambda: csv_bytes([ROSTER_HEADER, ["合计", "2人"]]), words=(NO_ROWS,)
    ),
    # ragged rows
    "ragged-rows-longer-than-header": Case("台账.csv", lambda: ragged(3), "ok", inserted=2),
    "ragged-rows-shorter-than-header": Case("台账.csv", lambda: ragged(-8), "ok", words=("不能为空",), rejected=2),
    "ragged-rows-shorter-all-or-nothing": Case(
        "台账.csv", lambda: ragged(-8), "rolled_back", words=("整体不导入",), rejected=2, all_or_nothing=True
    ),
    # wrong encodings
    "shift-jis-csv": Case("台账.csv", lambda: csv_in("shift_jis"), words=(NO_HEADER,)),
    "big5-csv": Case("台账.csv", lambda: csv_in("big5"), words=(NO_HEADER,)),
    "latin1-csv": Case(
        "台账.csv",
        lambda: csv_bytes([["ID", "Name", "Ville"], ["1", "Müller", "Zürich"]], "latin-1"),
        words=(NO_HEADER,),
    ),
    "utf8-read-as-latin1-and-saved-again": Case(
        "台账.csv", lambda: good_csv().decode("utf-8").encode("utf-8").decode("latin-1").encode("utf-8")
    ),
    "utf16-le-without-bom": Case("台账.csv", lambda: csv_in("utf-16-le"), words=(ENCODING,)),
    "utf16-be-without-bom": Case("台账.csv", lambda: csv_in("utf-16-be"), words=(ENCODING,)),
    "utf16-tab-text-cut-mid-character": Case("台账.txt", lambda: utf16_text_bytes(good_rows())[:-1], words=(ENCODING,)),
    "ebcdic-csv": Case("台账.csv", lambda: csv_in("cp500"), words=(NO_HEADER,)),
    "mixed-utf8-header-gbk-rows": Case(
        "台账.csv", lambda: MIXED_HEADER.encode() + "\r\n".join(",".join(r[:5]) for r in good_rows()[1:]).encode("gbk")
    ),
    "mixed-gbk-header-utf8-rows": Case(
        "台账.csv",
        lambda: MIXED_HEADER.encode("gbk") + "\r\n".join(",".join(r[:5]) for r in good_rows()[1:]).encode(),
        words=(ENCODING,),
    ),
    # huge dimensions
    "declared-dimension-a-million-rows": Case(
        "台账.xlsx", lambda: set_dimension(good_xlsx(), "A1:XFD1048576"), words=(TOO_BIG,)
    ),
    "declared-16384-columns": Case("台账.xlsx", lambda: set_dimension(good_xlsx(), "A1:XFD3"), "ok", inserted=2),
    "real-cell-at-the-last-row-and-column": Case("台账.xlsx", lambda: far_cell("XFD1048576", 1048576), words=(LIMIT,)),
    "real-cell-at-column-xfd-row-60000": Case("台账.xlsx", lambda: far_cell("XFD60000", 60000), words=(LIMIT,)),
    "real-cell-at-the-last-row": Case("台账.xlsx", lambda: far_cell("A1048576", 1048576), words=(TOO_BIG,)),
    "real-header-16384-columns-wide": Case("台账.csv", lambda: wide_header(16_384), "ok", inserted=2),
    "header-row-of-2-mb-in-many-columns": Case(
        "台账.csv", lambda: wide_header(180_000, "第二个表头列"), words=(TOO_BIG,)
    ),
    "header-row-of-2-mb-in-one-cell": Case(
        "台账.csv", lambda: csv_bytes([[*ROSTER_HEADER, "备注" * 2**20], *good_rows()[1:]]), words=("字符",)
    ),
    # junk with a spreadsheet's name
    "random-bytes-named-csv": Case("台账.csv", lambda: junk(64 * 1024, 1), words=(ENCODING,)),
    "random-bytes-named-xlsx": Case("台账.xlsx", lambda: junk(64 * 1024, 2)),
    "random-bytes-named-xls": Case("台账.xls", lambda: junk(64 * 1024, 3)),
    "png-named-xlsx": Case("台账.xlsx", png_bytes, words=(ENCODING,)),
    "zip-magic-then-junk": Case("台账.xlsx", lambda: b"PK\x03\x04" + junk(4096, 4), words=(CORRUPT,)),
    "compound-file-magic-then-junk": Case("台账.xls", lambda: _ole(junk(4096, 5)), words=(CORRUPT,)),
    # legacy .xls (BIFF8 in a compound file)
    "xls-good": Case("台账.xls", xls_bytes, "ok", inserted=2),
    "xls-file-cut-in-half": Case("台账.xls", lambda: truncated(xls_bytes(), len(xls_bytes()) // 2), words=(CORRUPT,)),
    "xls-stream-cut-inside-a-record": Case(
        "台账.xls", lambda: compound_file([("Workbook", biff_stream(good_rows())[:151])])
    ),
    "xls-dimensions-claiming-2-billion-rows": Case(
        "台账.xls", lambda: xls_bytes(dimensions=(2**31, 256)), words=(LIMIT,)
    ),
    "xls-cell-at-row-65535-column-65535": Case(
        "台账.xls",
        lambda: xls_bytes(extra=_record(0x0204, struct.pack("<HHHHB", 65535, 65535, 0, 1, 0) + b"x")),
        words=(LIMIT,),
    ),
    "xls-shared-strings-claiming-2-billion": Case(
        "台账.xls",
        lambda: xls_bytes(shared=_record(0x00FC, struct.pack("<ii", 2**31 - 1, 2**31 - 1))),
        "ok",
        inserted=2,
    ),
    # text that is nearly a table
    "nul-bytes-in-a-csv": Case(
        "台账.csv", lambda: good_csv().replace("刘斌".encode(), "刘\0斌".encode()), words=(ENCODING,)
    ),
    "one-cell-of-1-mb-in-csv": Case(
        "台账.csv", lambda: csv_bytes([ROSTER_HEADER, roster_row(pid(3), name="长" * 2**20)]), words=("字符",)
    ),
    "one-cell-of-1-mb-in-xlsx": Case(
        "台账.xlsx", lambda: xlsx_bytes([ROSTER_HEADER, roster_row(pid(3), village="长" * 2**20)]), "ok", inserted=1
    ),
    "unterminated-quote": Case("台账.csv", lambda: good_csv() + b'"' + "未完".encode() * 70_000, words=("字符",)),
    "formula-injection-csv": Case("台账.csv", lambda: csv_bytes(formula_rows()), "ok", inserted=2),
    "control-and-rtl-marks-in-ids": Case(
        "台账.csv",
        lambda: csv_bytes(
            [
                ROSTER_HEADER,
                roster_row("\u202e" + pid(3), phone_seq=3),
                roster_row(pid(4) + "\u200f", phone_seq=4),
                roster_row(pid(5)[:6] + "\u0007" + pid(5)[6:], phone_seq=5),
            ]
        ),
        "ok",
        words=("身份证号",),
        rejected=3,
    ),
}


# ================================================================ checks


@pytest.fixture
def con(tmp_path):
    """A database holding one import already, so that 'unchanged' is a real comparison."""
    connection = open_db(tmp_path)
    report = run_import(
        connection, csv_bytes([ROSTER_HEADER, roster_row(pid(1)), roster_row(pid(2), phone_seq=2)]), "a.csv"
    )
    assert report.status == "ok" and report.inserted == 2
    yield connection
    connection.close()


class _TooSlow(Exception):
    pass


@pytest.fixture
def time_limit():
    """Fail (rather than hang) a case that takes longer than CASE_SECONDS."""

    def expire(signum, frame):
        raise _TooSlow(f"more than {CASE_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(CASE_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_text(report: ImportReport) -> str:
    return "\n".join([report.message, *report.notes, *(e.reason for e in report.errors)])


@pytest.mark.parametrize("case", [pytest.param(case, id=key) for key, case in CASES.items()])
def test_malformed_file(con, time_limit, case: Case):
    data = case.build()
    before = snapshot(con)
    memory_before = peak_memory_mb()
    started = time.monotonic()
    report = run_import(con, data, case.name, all_or_nothing=case.all_or_nothing)
    elapsed = time.monotonic() - started
    assert isinstance(report, ImportReport)
    assert peak_memory_mb() - memory_before < CASE_MEMORY_MB
    assert elapsed < CASE_SECONDS
    text = report_text(report)
    assert not any(word in text for word in _TRACEBACK_WORDS), text[:500]
    assert report.status == case.outcome, (report.status, report.message)
    for word in case.words:
        assert word in text, (word, text[:500])
    if case.outcome == "ok":
        assert (report.inserted, report.rejected) == (case.inserted, case.rejected), report_text(report)[:500]
        assert report.batch_id is not None
        after = snapshot(con)
        assert len(after["import_batch"]) == len(before["import_batch"]) + 1
        if not case.inserted and not case.rejected:  # no row landed: only the batch is new
            assert {t: rows for t, rows in after.items() if t != "import_batch"} == {
                t: rows for t, rows in before.items() if t != "import_batch"
            }
        return
    assert _CJK.search(report.message), report.message
    # says where (the file's own name, a sheet); a header without rows is the whole file, and the report names it
    says_where = case.name in report.message or "工作表" in report.message or case.outcome == "rolled_back"
    assert says_where or (report.message == NO_ROWS and report.file == case.name), report.message
    assert report.batch_id is None
    assert report.summary()["message"] == report.message
    assert snapshot(con) == before
    assert run_import(con, good_csv(), "再导入.csv").inserted == 2  # the connection still works


def damaged_copies(seed: int, count: int) -> list[tuple[str, bytes]]:
    """Good .xls and .xlsx files cut short or with a few bytes overwritten (the shapes that made the parser panic)."""
    rng = random.Random(seed)
    stream, files = biff_stream(good_rows()), []
    for k in range(count):
        flipped = bytearray(good_xlsx() if k % 2 else xls_bytes())
        for _ in range(rng.randint(1, 8)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        files.append(("台账.xlsx" if k % 2 else "台账.xls", bytes(flipped)))
        files.append(("台账.xls", compound_file([("Workbook", stream[: rng.randrange(20, len(stream))])])))
        files.append(("台账.xls", truncated(xls_bytes(), rng.randrange(600, len(xls_bytes())))))
    return files


def test_damaged_copies_of_good_files_never_raise(con, time_limit):
    before = snapshot(con)
    statuses = set()
    for name, data in damaged_copies(seed=2026, count=12):
        report = run_import(con, data, name)
        statuses.add(report.status)
        if report.status != "ok":
            assert _CJK.search(report.message) and not any(w in report.message for w in _TRACEBACK_WORDS)
    assert "failed" in statuses
    if statuses == {"failed"}:
        assert snapshot(con) == before


def test_the_corpus_is_large_and_varied():
    assert len(CASES) >= 40
    outcomes = {case.outcome for case in CASES.values()}
    assert outcomes == {"failed", "ok", "rolled_back"}


# ================================================================ what the corpus cannot show on its own


def test_formulas_are_stored_as_text_and_neutralised_on_export(con):
    report = run_import(con, csv_bytes(formula_rows()), "公式.csv")
    assert report.status == "ok" and report.inserted == 2
    stored = dict(rows_of(con, "select name, village from beneficiary where id_number in (?, ?)", [pid(3), pid(4)]))
    assert stored == {"=1+1": "+cmd|' /C calc'!A0", "-2+3": '=HYPERLINK("http://example.invalid","点我")'}
    departments = {r[0] for r in rows_of(con, "select department from pairing")}
    assert {"@SUM(A1:A2)", "=市民政局"} <= departments

    # a rejected row keeps its cells as written; the download quotes them so Excel shows text
    bad = formula_rows()
    bad[1][0] = "=620102" + pid(3)[6:]
    rejected = run_import(con, csv_bytes(bad[:2]), "公式2.csv")
    assert rejected.rejected == 1
    sheet = openpyxl.load_workbook(io.BytesIO(export.rejected_workbook(rejected.errors))).active
    texts = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)]
    assert "'=1+1" in texts and "'+cmd|' /C calc'!A0" in texts and "'@SUM(A1:A2)" in texts
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert not any(text.startswith(("=", "+", "-", "@")) for text in texts)


def test_an_xlsx_formula_is_read_as_its_saved_value_never_evaluated(con):
    rows = good_rows()
    data = xlsx_bytes(rows)

    def edit(content: bytes) -> bytes:
        # the village of the first person becomes a formula whose saved value is plain text
        cell = '<c r="F2" t="str"><f>HYPERLINK("x","y")</f><v>1村</v></c>'.encode()
        return re.sub(rb'<c r="F2"[^>]*>.*?</c>', cell, content)

    report = run_import(con, in_part("xl/worksheets/sheet1.xml", edit, data), "公式.xlsx")
    assert report.status == "ok" and report.inserted == 2
    assert rows_of(con, "select village from beneficiary where id_number = ?", [pid(3)]) == [("1村",)]


def test_a_merged_range_cannot_widen_every_row(con):
    """A merge from A2 to column XFD over many rows would give each row 16,384 cells."""
    height = 3000
    rows = [ROSTER_HEADER] + [
        roster_row(pid(k % 1000, area=f"{620100 + k // 1000:06d}"), phone_seq=k) for k in range(height)
    ]
    merges = f'<mergeCells count="2"><mergeCell ref="L2:XFD{height + 1}"/><mergeCell ref="K2:XFD{height + 1}"/>'
    merged = in_part(
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b"</sheetData>", b"</sheetData>" + merges.encode() + b"</mergeCells>"),
        xlsx_bytes(rows),
    )
    sheets = read.read_file(merged, "合并.xlsx")
    assert max(len(row) for row in sheets[0].rows) == len(ROSTER_HEADER)


def test_a_crashing_parser_is_contained(monkeypatch):
    """Whatever the parser does to its process (abort, endless loop), the import only sees a refusal."""
    monkeypatch.setattr(config, "MAX_PARSE_SECONDS", 0.000_1)
    with pytest.raises(read.ReadError) as refused:
        read.read_file(good_xlsx(), "慢.xlsx")
    assert "上限" in str(refused.value) and "慢.xlsx" in str(refused.value)


def test_formulas_are_neutralised_in_the_command_line_csv(tmp_path):
    path = tmp_path / "公式.duckdb"
    with db.session(path) as connection:
        assert run_import(connection, csv_bytes(formula_rows()), "公式.csv").inserted == 2
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "metrics",
            "--db",
            str(path),
            "--period",
            "2026",
            "--by",
            "department",
            "--today",
            "2026-11-28",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8-sig"))))
    departments = {row[0] for row in rows[1:]}
    assert {"'@SUM(A1:A2)", "'=市民政局"} <= departments
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
