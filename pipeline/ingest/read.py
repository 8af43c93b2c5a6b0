"""Bytes of an uploaded file -> sheets of raw cells, refusing what could eat the machine first.

A sheet comes back as a list of rows, row 0 being Excel row 1, with the cell values calamine
gives (str, float, int, bool, date, datetime, time) or "" for an empty cell. Merged ranges are
filled with their top-left value, so a county name merged down fifty rows belongs to all of them.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import pickle
import re
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine

from pipeline import config, labels


class ReadError(Exception):
    """The file cannot be read; the message is the Chinese text shown to the office."""


@dataclass
class RawSheet:
    """One sheet (or a whole CSV) as rows of raw cells."""

    name: str
    rows: list[list[object]]
    notes: list[str] = field(default_factory=list)


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_DANGEROUS_XML = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def read_file(data: bytes, file_name: str) -> list[RawSheet]:
    """All sheets of an .xlsx/.xlsm/.xls/.csv file given as bytes (the type is sniffed from the bytes)."""
    if not data:
        raise ReadError(labels.MSG_FILE_EMPTY.format(file=file_name))
    if len(data) > config.MAX_FILE_BYTES:
        raise ReadError(
            labels.MSG_FILE_TOO_BIG.format(
                file=file_name, size_mb=len(data) / 2**20, cap_mb=config.MAX_FILE_BYTES // 2**20
            )
        )
    if data.startswith(ZIP_MAGIC):
        _check_zip(data, file_name)
        return _read_workbook(data, file_name)
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise ReadError(labels.MSG_FILE_ENCRYPTED.format(file=file_name))
        return _read_workbook(data, file_name)
    if data[:2] == b"PK":
        raise ReadError(labels.MSG_FILE_CORRUPT.format(file=file_name))
    return [_read_csv(data, file_name)]


# ---------------------------------------------------------------- workbooks


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def _check_zip(data: bytes, file_name: str) -> None:
    """Refuse archive bombs, XML entity tricks and absurd sheet dimensions before parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError) as exc:
        raise ReadError(labels.MSG_FILE_CORRUPT.format(file=file_name)) from exc
    if any(info.flag_bits & 0x1 for info in infos):  # a part locked by the zip tool's own password
        raise ReadError(labels.MSG_FILE_ENCRYPTED.format(file=file_name))
    if len(infos) > config.MAX_ZIP_ENTRIES:
        raise ReadError(labels.MSG_ZIP_BOMB.format(file=file_name, detail=f"内含{len(infos)}个部件"))
    total = sum(info.file_size for info in infos)
    if total > config.MAX_UNZIPPED_BYTES:
        raise ReadError(labels.MSG_ZIP_BOMB.format(file=file_name, detail=f"解压后约{total / 2**30:.1f}GB"))
    for info in infos:
        if info.file_size > 2**20 and info.file_size > config.MAX_ZIP_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise ReadError(labels.MSG_ZIP_BOMB.format(file=file_name, detail=f"压缩比约{ratio:.0f}倍"))
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "EncryptionInfo" in names:
            raise ReadError(labels.MSG_FILE_ENCRYPTED.format(file=file_name))
        raise ReadError(labels.MSG_FILE_CORRUPT.format(file=file_name))
    for info in infos:
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(info) as part:
                head = _xml_prolog(part)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            NotImplementedError,
            RuntimeError,
            EOFError,
            ValueError,
        ) as exc:
            raise ReadError(labels.MSG_FILE_CORRUPT.format(file=file_name)) from exc
        if head is None or any(mark in head for mark in _DANGEROUS_XML):
            raise ReadError(labels.MSG_XML_ENTITY.format(file=file_name))
        if info.filename.startswith("xl/worksheets/"):
            match = _DIMENSION.search(head)
            if match and match.group(3):
                rows = int(match.group(4))
                cols = _column_number(match.group(3).decode())
                if rows > config.MAX_ROWS + 100 or rows * cols > config.MAX_SHEET_CELLS:
                    sheet = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
                    raise ReadError(
                        labels.MSG_SHEET_TOO_BIG.format(sheet=sheet, rows=rows, cols=cols, cap_rows=config.MAX_ROWS)
                    )


_PROLOG_CAP = 16 * 2**20
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _xml_prolog(part) -> bytes | None:
    """The bytes of an XML part up to its first element (where a DOCTYPE would have to be), plus a little.

    Comments and processing instructions before the root may be long, so read until the root
    element starts; None when no root element appears within 16 MB (refused as suspicious).
    """
    buffer = b""
    while len(buffer) < _PROLOG_CAP:
        chunk = part.read(65536)
        buffer += chunk
        if buffer.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = buffer.decode("utf-16", errors="ignore").encode("utf-8")
        else:
            text = buffer
        stripped = re.sub(rb"<!--.*?-->|<\?.*?\?>", b"", text, flags=re.S)
        open_comment = stripped.find(b"<!--")  # a comment still running on into the next chunk
        root = _ROOT_START.search(stripped if open_comment < 0 else stripped[:open_comment])
        if root or not chunk:
            return stripped[: root.end() + 4096] if root else stripped
    return None


def _read_workbook(data: bytes, file_name: str) -> list[RawSheet]:
    outcome = _parse_isolated(data, file_name)
    if outcome[0] == "too_big":
        _, name, height, width = outcome
        raise ReadError(labels.MSG_SHEET_TOO_BIG.format(sheet=name, rows=height, cols=width, cap_rows=config.MAX_ROWS))
    if outcome[0] == "too_many_rows":
        raise ReadError(labels.MSG_TOO_MANY_ROWS.format(file=file_name, cap_rows=config.MAX_ROWS))
    if outcome[0] == "limit":
        raise ReadError(labels.MSG_FILE_PARSE_LIMIT.format(file=file_name))
    if outcome[0] != "ok":
        raise ReadError(labels.MSG_FILE_CORRUPT.format(file=file_name))
    sheets: list[RawSheet] = []
    for name, rows, merged in outcome[1]:
        rows = [list(row) for row in rows]
        _fill_merged(rows, merged)
        sheets.append(RawSheet(name, rows))
    return sheets


# The workbook parser is native code: on some malformed files it aborts the whole process (an
# allocation of terabytes for a cell placed at XFD1048576 or a forged .xls record) or panics. So it
# runs in a child process with a memory and a time limit, and only plain cell values come back.
_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from pipeline.ingest.read import child_main; child_main()"
_CELL_TYPES = {"date": dt.date, "datetime": dt.datetime, "time": dt.time, "timedelta": dt.timedelta}


class _CellUnpickler(pickle.Unpickler):
    """Reads the child's answer: lists of str, numbers, bools and datetime values, nothing that runs code."""

    def find_class(self, module: str, name: str):
        if module == "datetime" and name in _CELL_TYPES:
            return _CELL_TYPES[name]
        raise pickle.UnpicklingError(f"{module}.{name}")


def _parse_isolated(data: bytes, file_name: str) -> tuple:
    """parse_workbook run in a child process; ("limit",) when the child ran out of memory or time."""
    command = [sys.executable, "-c", _CHILD, str(config.ROOT), str(config.MAX_PARSE_MEMORY)]
    command += [str(config.MAX_ROWS), str(config.MAX_SHEET_CELLS)]
    try:
        child = subprocess.run(command, input=data, capture_output=True, timeout=config.MAX_PARSE_SECONDS)
    except subprocess.TimeoutExpired:
        return ("limit",)
    if child.returncode < 0:  # killed by a signal: the parser aborted on a failed allocation
        return ("limit",)
    try:
        return _CellUnpickler(io.BytesIO(child.stdout)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return ("corrupt",)


def parse_workbook(data: bytes, max_rows: int, max_cells: int) -> tuple:
    """Parse with calamine: ("ok", [(sheet, rows, merged ranges)]) or why the file is refused."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets, total_rows = [], 0
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            height, width = sheet.total_height, sheet.total_width
            if height > max_rows + 100 or height * width > max_cells:
                return ("too_big", name, height, width)
            rows = sheet.to_python(skip_empty_area=False)
            total_rows += len(rows)
            if total_rows > max_rows + 100:
                return ("too_many_rows",)
            sheets.append((name, rows, list(sheet.merged_cell_ranges or [])))
    except MemoryError:
        return ("limit",)
    except BaseException:  # calamine's own errors, and its panics on damaged files (a BaseException)
        return ("corrupt",)
    return ("ok", sheets)


def child_main() -> None:
    """Entry of the parsing child: workbook bytes on stdin, the pickled outcome of parse_workbook on stdout."""
    memory, max_rows, max_cells = (int(value) for value in sys.argv[2:5])
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    outcome = parse_workbook(sys.stdin.buffer.read(), max_rows, max_cells)
    pickle.dump(outcome, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


def _fill_merged(rows: list[list[object]], merged: list) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    width = max((len(row) for row in rows), default=0)
    for (top, left), (bottom, right) in merged:
        right = min(right, width - 1)  # past the last used column a merge adds only empty cells, 16,384 a row
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if r != top or c != left:
                    row[c] = value


# ---------------------------------------------------------------- CSV


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 with BOM, UTF-8 (with or without BOM), then GB18030 (a superset of GBK)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "\t"
        except UnicodeDecodeError as exc:
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=file_name)) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _mostly_control(text):
            break
        return text, ""
    raise ReadError(labels.MSG_CSV_ENCODING.format(file=file_name))


def _mostly_control(text: str) -> bool:
    sample = text[:4096]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return bad > max(8, len(sample) // 100)


def _sniff_delimiter(text: str) -> str:
    head = text[:20000].splitlines()[:15]
    best, best_score = ",", -1
    for delimiter in (",", "\t", ";", "|"):
        score = max((line.count(delimiter) for line in head), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes, file_name: str) -> RawSheet:
    text, delimiter = decode_text(data, file_name)
    delimiter = delimiter or _sniff_delimiter(text)
    rows: list[list[object]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(row) > config.MAX_COLUMNS:  # wider than Excel allows: not a ledger, and slow to match
                raise ReadError(
                    labels.MSG_TOO_MANY_COLUMNS.format(file=file_name, cols=len(row), cap=config.MAX_COLUMNS)
                )
            rows.append(row)
            if len(rows) > config.MAX_ROWS + 100:
                raise ReadError(labels.MSG_TOO_MANY_ROWS.format(file=file_name, cap_rows=config.MAX_ROWS))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # a cell of megabytes, or a quote never closed
            raise ReadError(labels.MSG_CELL_TOO_LONG.format(file=file_name, cap=csv.field_size_limit())) from exc
        raise ReadError(labels.MSG_CSV_ENCODING.format(file=file_name)) from exc
    name = file_name.rsplit("/", 1)[-1]
    return RawSheet(name.rsplit(".", 1)[0] if "." in name else name, rows)
