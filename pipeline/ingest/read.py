"""Bytes of an uploaded file -> sheets of raw cells, refusing what could eat the machine first.

A sheet holds its rows by column (see RawSheet): row 0 is Excel row 1, and a cell is the value
calamine gives (str, float, int, bool, date, datetime, time) or "" for an empty cell. Merged ranges
are filled with their top-left value, so a county name merged down fifty rows belongs to all of them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import pickle
import re
import subprocess
import sys
import threading
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pipeline import config, labels
from pipeline.ingest import archive, clean
from pipeline.ingest.parse_child import CODE_TYPE, TEXT_END, encode_column


class ReadError(Exception):
    """The file cannot be read; the message is the Chinese text shown to the office."""


class RawColumn:
    """One column of a sheet: a code per row into the column's distinct cells.

    Ledger columns repeat a few values (methods, dates, one ID per person), so each distinct cell
    is looked at once (its text, its cleaning) and the rows follow by numpy indexing. When every
    distinct cell is a str (every CSV, most workbook columns) they are also kept as an Arrow array,
    so that trimming, comparing and much of the cleaning run in Arrow's C++ instead of a Python loop.
    """

    __slots__ = ("_list", "_strings", "_text_array", "_texts", "codes")

    def __init__(self, codes: np.ndarray, values: list[object] | pa.Array) -> None:
        self.codes = codes  # int32, one per row of the sheet
        # the distinct cells, told apart by type and value: a list, or an Arrow string array
        self._list: list[object] | None = None if isinstance(values, pa.Array) else values
        self._strings: pa.Array | bool | None = values if isinstance(values, pa.Array) else False  # False: unknown
        self._text_array: pa.Array | None = None
        self._texts: list[str] | None = None

    @classmethod
    def encode(cls, cells: Sequence[object]) -> RawColumn:
        """A column from its cells, one per row."""
        codes, values = encode_column(cells)
        return cls(np.frombuffer(codes, dtype=np.intc).astype(np.int32, copy=False), values)

    @property
    def values(self) -> list[object]:
        """The distinct cells as Python values."""
        if self._list is None:
            self._list = self._strings.to_pylist()
        return self._list

    def value(self, code: int) -> object:
        """One distinct cell as a Python value (without turning every distinct cell into one)."""
        if self._list is not None:
            return self._list[code]
        return self._strings[int(code)].as_py()

    def some_values(self, codes: list[int]) -> list[object]:
        """Some distinct cells as Python values."""
        if self._list is not None:
            return [self._list[code] for code in codes]
        return self._strings.take(pa.array(codes, pa.int64())).to_pylist()

    @property
    def strings(self) -> pa.Array | None:
        """The distinct cells as an Arrow string array when they are all str, else None."""
        if self._strings is False:
            values = self._list
            self._strings = pa.array(values, pa.string()) if all(type(v) is str for v in values) else None
        return self._strings

    def __len__(self) -> int:
        return len(self._list) if self._list is not None else len(self._strings)

    def text_array(self) -> pa.Array:
        """clean.cell_text of each distinct cell, as an Arrow string array."""
        if self._text_array is None:
            strings = self.strings
            if strings is not None:  # cell_text of a str is the str trimmed
                self._text_array = pc.utf8_trim(strings, characters=clean.TRIM_CHARS)
            else:
                self._text_array = pa.array(self.texts(), pa.string())
        return self._text_array

    def text_of(self, cells: np.ndarray) -> pa.Array:
        """clean.cell_text of some distinct cells (by index), as an Arrow string array."""
        if self._text_array is None and self.strings is not None:  # trim just these
            return pc.utf8_trim(self.strings.take(pa.array(cells)), characters=clean.TRIM_CHARS)
        return self.text_array().take(pa.array(cells))

    def texts(self) -> list[str]:
        """clean.cell_text of each distinct cell (in the order of `values`)."""
        if self._texts is None:
            if self.strings is not None:
                self._texts = self.text_array().to_pylist()
            else:
                self._texts = [clean.cell_text(value) for value in self.values]
        return self._texts

    def filled(self) -> np.ndarray:
        """True for each distinct cell whose text is not empty."""
        return pc.not_equal(self.text_array(), "").to_numpy(zero_copy_only=False)


@dataclass
class RawSheet:
    """One sheet (or a whole CSV) as columns of raw cells; `row`, `head` and `rows` give it back by row.

    Rows shorter than the widest are padded with "" (how a missing cell reads); `lengths` keeps each
    row's own length when they differ (a CSV whose title or footer lines have fewer fields).
    """

    name: str
    columns: list[RawColumn]
    height: int
    lengths: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_rows(cls, name: str, rows: list[list[object]]) -> RawSheet:
        """A sheet from its rows of cells."""
        lengths = np.fromiter(map(len, rows), dtype=np.int32, count=len(rows))
        width = int(lengths.max()) if len(rows) else 0
        if len(rows) and int(lengths.min()) != width:
            rows = [row if len(row) == width else [*row, *[""] * (width - len(row))] for row in rows]
        else:
            lengths = None
        columns = [RawColumn.encode(cells) for cells in zip(*rows, strict=True)] if width else []
        return cls(name, columns, len(rows), lengths)

    @property
    def width(self) -> int:
        """The number of columns (the length of the longest row)."""
        return len(self.columns)

    def length(self, index: int) -> int:
        """The number of cells of one row as written."""
        return self.width if self.lengths is None else int(self.lengths[index])

    def row(self, index: int) -> list[object]:
        """The cells of one row, as written."""
        return [column.value(column.codes[index]) for column in self.columns[: self.length(index)]]

    def head(self, count: int) -> list[list[object]]:
        """The first rows (where the header search looks)."""
        return [self.row(index) for index in range(min(count, self.height))]

    def top(self, count: int) -> RawSheet:
        """The sheet cut after its first `count` rows (each column keeping only the cells still used)."""
        height = min(count, self.height)
        lengths = None if self.lengths is None else self.lengths[:height]
        columns = []
        for column in self.columns:
            used, codes = np.unique(column.codes[:height], return_inverse=True)
            if column.strings is not None:
                values: list[object] | pa.Array = column.strings.take(pa.array(used))
            else:
                values = [column.values[u] for u in used.tolist()]
            columns.append(RawColumn(codes.astype(np.int32), values))
        return RawSheet(self.name, columns, height, lengths, list(self.notes))

    def has_text(self) -> bool:
        """Whether any cell holds something other than blanks."""
        return any(column.filled()[column.codes].any() for column in self.columns)

    @property
    def rows(self) -> list[list[object]]:
        """Every row as a list of cells (builds a Python object per cell: for small sheets and tests)."""
        return self.head(self.height)


ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_DANGEROUS_XML = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def read_file(data: bytes, file_name: str) -> list[RawSheet]:
    """All sheets of an .xlsx/.xlsm/.xls/.csv file given as bytes (the type is sniffed from the bytes),
    or of the one such file inside a .zip or .gz (see archive.py)."""
    if not data:
        raise ReadError(labels.MSG_FILE_EMPTY.format(file=file_name))
    if len(data) > config.MAX_FILE_BYTES:
        raise ReadError(
            labels.MSG_FILE_TOO_BIG.format(
                file=file_name, size_mb=len(data) / 2**20, cap_mb=config.MAX_FILE_BYTES // 2**20
            )
        )
    member = archive.open_archive(data, file_name, max_unpacked=config.MAX_UNZIPPED_BYTES)
    if member is not None:
        return _read_member(member)
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


def _read_member(member: archive.Member) -> list[RawSheet]:
    """The sheets of an archive's one sheet file: a workbook unpacked whole (within the upload's cap) and
    read as one; a CSV read as it is unpacked, so that the caps stop it before it is all in memory."""
    if member.workbook:
        stream = member.open()
        try:
            data = stream.read_all(config.MAX_FILE_BYTES, member.display)
        finally:
            stream.close()
        return read_file(data, member.display)
    from pipeline.ingest import stream as csv_stream  # stream.py imports this module

    name = member.name.rsplit(".", 1)[0] if "." in member.name else member.name
    sheet, _digest = csv_stream.read_sheet(
        member.open, member.display, sheet_name=name, max_rows=config.MAX_ROWS, max_bytes=config.MAX_UNZIPPED_BYTES
    )
    return [sheet]


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
    sheets = _decode_sheets(outcome) if outcome[0] == "ok" else None
    if sheets is None:
        raise ReadError(labels.MSG_FILE_CORRUPT.format(file=file_name))
    return sheets


def _decode_sheets(outcome: tuple) -> list[RawSheet] | None:
    """The sheets of the child's answer, or None when it is not what parse_workbook writes."""
    try:
        sheets = []
        for name, height, width, packed_lengths, encoded in outcome[1]:
            if type(name) is not str or type(height) is not int or type(width) is not int:
                return None
            if type(encoded) is bytes:  # every cell a str: the text of the rows one after the other
                columns = _text_columns(encoded, height, width)
            elif type(encoded) is list and len(encoded) == width:
                columns = [_decode_column(item, height) for item in encoded]
            else:
                return None
            if columns is None or any(column is None for column in columns):
                return None
            lengths = None
            if packed_lengths is not None:
                lengths = np.frombuffer(packed_lengths, dtype=np.dtype(CODE_TYPE)).astype(np.int32, copy=False)
                if len(lengths) != height or (height and (int(lengths.min()) < 0 or int(lengths.max()) > width)):
                    return None
            sheets.append(RawSheet(name, columns, height, lengths))
    except (TypeError, ValueError):
        return None
    return sheets


def _decode_column(item: object, height: int) -> RawColumn | None:
    """One column of the child's answer: its text (parse_child.text_cells) or (packed codes, distinct cells)."""
    if type(item) is bytes:
        columns = _text_columns(item, height, 1)
        return None if columns is None else columns[0]
    if type(item) is not tuple or len(item) != 2:
        return None
    packed, values = item
    codes = np.frombuffer(packed, dtype=np.dtype(CODE_TYPE)).astype(np.int32, copy=False)
    if len(codes) != height or type(values) is not list:
        return None
    if height and (int(codes.min()) < 0 or int(codes.max()) >= len(values)):
        return None
    return RawColumn(codes, values)


def _text_columns(data: bytes, height: int, width: int) -> list[RawColumn] | None:
    """The columns of `height` rows of `width` cells written by parse_child.text_cells, or None when they are not.

    The cells are split at their TEXT_END (a cell holds none: the child made sure) into one Arrow
    array, without a Python object per cell; each column is then its cells dictionary-encoded, the
    distinct cells in order of first appearance as encode_column gives them.
    """
    count = height * width
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == ord(TEXT_END))  # the last byte of each cell
    if len(ends) != count or (count and int(ends[-1]) != len(data) - 1):
        return None
    offsets = np.zeros(count + 1, np.int64)
    offsets[1:] = ends + 1
    cells = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))
    try:
        cells.validate(full=True)  # UTF-8, as the child encoded it
    except pa.ArrowInvalid:
        return None
    columns = []
    for c in range(width):
        column = cells if width == 1 else cells.take(pa.array(np.arange(c, count, width)))
        encoded = column.dictionary_encode()
        distinct = pc.utf8_slice_codeunits(encoded.dictionary, 0, -1).cast(pa.string())  # without the TEXT_END
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        columns.append(RawColumn(codes, distinct))
    return columns


# The workbook parser is native code: on some malformed files it aborts the whole process (an
# allocation of terabytes for a cell placed at XFD1048576 or a forged .xls record) or panics. So it
# runs in a child process with a memory and a time limit (pipeline/ingest/parse_child.py), and only
# plain cell values and packed codes come back.
_CHILD = "import sys; sys.path.insert(0, sys.argv[1]); from pipeline.ingest.parse_child import child_main; child_main()"
_CELL_TYPES = {"date": dt.date, "datetime": dt.datetime, "time": dt.time, "timedelta": dt.timedelta}


class _CellUnpickler(pickle.Unpickler):
    """Reads the child's answer: lists of str, numbers, bools, bytes and datetime values, nothing that runs code."""

    def find_class(self, module: str, name: str):
        if module == "datetime" and name in _CELL_TYPES:
            return _CELL_TYPES[name]
        raise pickle.UnpicklingError(f"{module}.{name}")


PARSERS = threading.BoundedSemaphore(config.MAX_PARSE_CHILDREN)  # workbook parser children running at once


def _parse_isolated(data: bytes, file_name: str) -> tuple:
    """parse_workbook run in a child process; ("limit",) when the child ran out of memory or time."""
    command = [sys.executable, "-c", _CHILD, str(config.ROOT), str(config.MAX_PARSE_MEMORY)]
    command += [str(config.MAX_ROWS), str(config.MAX_SHEET_CELLS)]
    try:
        with PARSERS:  # a file that arrives while the others are parsed waits for its turn
            child = subprocess.run(command, input=data, capture_output=True, timeout=config.MAX_PARSE_SECONDS)
    except subprocess.TimeoutExpired:
        return ("limit",)
    if child.returncode < 0:  # killed by a signal: the parser aborted on a failed allocation
        return ("limit",)
    try:
        return _CellUnpickler(io.BytesIO(child.stdout)).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return ("corrupt",)


# ---------------------------------------------------------------- CSV


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 with BOM, UTF-8 (with or without BOM), then GB18030 (a superset of GBK)."""
    text, delimiter, _encoding = _decode(data, file_name)
    return text, delimiter


def _decode(data: bytes, file_name: str) -> tuple[str, str, str]:
    """(text, delimiter when the encoding implies one, encoding)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "\t", "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=file_name)) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _mostly_control(text):
            break
        return text, "", encoding
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
    name = file_name.rsplit("/", 1)[-1]
    name = name.rsplit(".", 1)[0] if "." in name else name
    sheet = _utf8_csv_by_arrow(data, name)
    if sheet is not None:
        return sheet
    text, delimiter, encoding = _decode(data, file_name)
    delimiter = delimiter or _sniff_delimiter(text)
    if encoding != "utf-8-sig":  # GB18030 or UTF-16: Arrow reads UTF-8 only
        sheet = _csv_by_arrow(text, text.encode("utf-8"), delimiter, name)
    return sheet if sheet is not None else RawSheet.from_rows(name, _csv_rows(text, delimiter, file_name))


_HEAD_BYTES = 2**18  # more than the 20,000 characters _sniff_delimiter looks at


def _utf8_csv_by_arrow(data: bytes, name: str) -> RawSheet | None:
    """A UTF-8 CSV read by Arrow without decoding it in Python first, or None (then _decode decides).

    What _decode would check is checked on the bytes: Arrow refuses invalid UTF-8 in any cell (its
    validator, like Python's decoder, refuses overlong forms, surrogates and code points past
    U+10FFFF), and every byte that is not a delimiter, quote or line break is in some cell; a NUL
    or a head of control characters leaves the file to _decode, which refuses it.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if data.find(b"\x00", start) >= 0:
        return None
    body = memoryview(data)[start:]  # no copy of the file
    try:
        head, _consumed = codecs.utf_8_decode(body[:_HEAD_BYTES], "strict", False)
    except UnicodeDecodeError:
        return None
    if _mostly_control(head):
        return None
    return _csv_by_arrow(head, body, _sniff_delimiter(head), name)


def _csv_rows(text: str, delimiter: str, file_name: str) -> list[list[object]]:
    """The rows of the csv module, with the guards on columns, rows and cell size."""
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
    return rows


def _csv_by_arrow(text: str, utf8: bytes | memoryview, delimiter: str, name: str) -> RawSheet | None:
    """The CSV parsed by Arrow's reader (C++, both cores), or None where only the csv module reads it right.

    `utf8` is the file as UTF-8 without its BOM, `text` the same decoded (at least its beginning).

    For a file whose every line has the same number of fields, Arrow's reader gives the cells of
    the csv module (same quoting, doubled quotes, quoted line breaks, any of CR, LF, CRLF ending a
    line); a blank line reads as a row of empty cells instead of an empty row, and blank rows are
    skipped alike. Everything else goes to the csv module: lines of different lengths (Arrow
    refuses them), a leading BOM that decoding left (Arrow would drop it), a quote never closed,
    a cell over the csv module's size limit or a line over the column limit (the csv module's
    errors are the messages).
    """
    if not text or text.startswith("\ufeff"):
        return None
    try:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), None)
    except csv.Error:
        return None
    if not first or len(first) > config.MAX_COLUMNS:
        return None
    width = len(first)
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(utf8),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowException:  # a line of another length, a quote never closed, …
        return None
    if table.num_columns != width:
        return None
    limit = csv.field_size_limit()
    columns = []
    for chunks in table.columns:
        encoded = chunks.combine_chunks().dictionary_encode()
        distinct = encoded.dictionary  # the longest cell is among them: measured once per distinct cell
        # bytes >= characters: count characters only when some cell has that many bytes
        too_long = len(distinct) and pc.max(pc.binary_length(distinct)).as_py() > limit
        if too_long and pc.max(pc.utf8_length(distinct)).as_py() > limit:
            return None
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        columns.append(RawColumn(codes, distinct))
    if table.num_rows > config.MAX_ROWS + 100:
        return None  # the csv module says so, in its words
    return RawSheet(name, columns, table.num_rows)
