"""A CSV file of any size read in chunks, as read.py would read the whole of it (SPEC §4: the command line).

CsvChunks reads a CSV from a byte stream (a file on disk, an upload, a member of a .zip or .gz) with
Arrow's streaming reader and hands it out as RawSheets of about `chunk_rows` records each, so that a
province's contact log of five million rows never sits in memory at once. Its cells are those of
read.read_file for the whole file:

- the encoding is decided as read.py decides it: UTF-16 with a BOM; else UTF-8 when the whole file is
  valid UTF-8 (checked block by block as it passes; a file that turns out not to be raises NotUtf8, and
  is read again from the start as GB18030); else GB18030. A NUL byte anywhere, or a head of control
  characters, refuses the file; the delimiter is sniffed from the head;
- Arrow reads the lines of the most common length (the length of the header, as a rule); a line of
  another length (a title, a footer, a ragged row) is handed back by Arrow's invalid-row handler with
  its number and text, parsed with the csv module (as read.py parses such a file) and put back in its
  place, so that every record keeps its row number;
- the guards on columns per row and characters per cell are read.py's; the row cap applies only when
  the caller asks for it (an upload), never to a CSV streamed from disk by the command line.

The import of a file read this way is in pipeline/ingest/chunked.py; read.py reads the CSV inside an
uploaded .zip or .gz with read_sheet, so that its caps stop it before it is all in memory.
"""

from __future__ import annotations

import codecs
import collections
import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pipeline import config, labels
from pipeline.ingest import read
from pipeline.ingest.read import RawColumn, RawSheet, ReadError

_HEAD_BYTES = 2**20  # where the encoding, the delimiter and the usual line length are read from
_HEAD_RECORDS = 2_000  # lines of the head whose lengths are counted
BLOCK_BYTES = 2**20  # Arrow's read block (its default); a record longer than a block is read again with larger blocks
_MAX_BLOCK_BYTES = 1024 * 2**20


class NotUtf8(Exception):
    """The file is not UTF-8 after all (found past its head): it is to be read again as GB18030."""


class BlockTooSmall(Exception):
    """A record longer than Arrow's block: the file is to be read again with larger blocks."""


@dataclass
class Chunk:
    """Some consecutive records of a CSV file.

    `sheet` holds them as rows (with `prefix` extra rows before them: the header row, for the chunks
    after the first); `first` is the index of the first record in the file (0 = Excel row 1).
    """

    sheet: RawSheet
    first: int
    records: int
    last: bool
    prefix: int = 0


@dataclass
class ImportProgress:
    """What an import's progress callback is told (the command line draws a bar of it, the upload page too)."""

    file: str
    stage: str  # "read" while the file is read and checked, "write" while the database is written, "done"
    rows: int = 0  # rows (records) read so far
    bytes_done: int = 0
    bytes_total: int | None = None  # None when unknown (a .gz)

    @property
    def fraction(self) -> float | None:
        """The share of the file read, when its size is known."""
        if not self.bytes_total:
            return None
        return min(1.0, self.bytes_done / self.bytes_total)


@dataclass
class StreamProgress:
    """How far the reading of a file is: records and bytes so far, bytes in all (None when unknown)."""

    records: int = 0
    bytes_done: int = 0
    bytes_total: int | None = None


class _Source:
    """The byte stream Arrow reads: hashes and counts what passes, checks NUL bytes and UTF-8 on the way.

    A check that fails does not raise inside Arrow's call: the stream records it and ends, and the
    reader raises it once Arrow has returned (see CsvChunks._check_source).
    """

    def __init__(self, raw: BinaryIO, *, utf8: bool, nul: bool, digest, limit: int | None, file_name: str) -> None:
        self._raw = raw
        self._utf8 = utf8
        self._nul = nul
        self.digest = digest
        self._limit = limit
        self._file_name = file_name
        self._tail = b""  # an incomplete UTF-8 character at the end of the last block
        self.bytes_read = 0
        self.error: BaseException | None = None
        self.stopped = False
        self.closed = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self.closed = True

    def read(self, size: int = -1) -> bytes:
        if self.error is not None or self.stopped:
            return b""
        try:
            data = self._raw.read(size if size is not None and size >= 0 else -1)
        except ReadError as exc:  # an archive's member that is damaged or unpacks too far
            self.error = exc
            return b""
        self.bytes_read += len(data)
        if self.digest is not None and data:
            self.digest.update(data)
        if self._limit is not None and self.bytes_read > self._limit:
            detail = labels.ZIP_SIZE_DETAIL.format(size_gb=self._limit / 2**30)
            self.error = ReadError(labels.MSG_ZIP_BOMB.format(file=self._file_name, detail=detail))
            return b""
        if self._nul and b"\x00" in data:
            self.error = ReadError(labels.MSG_CSV_ENCODING.format(file=self._file_name))
            return b""
        if self._utf8 and not self._valid_utf8(data):
            self.error = NotUtf8()
            return b""
        return data

    def _valid_utf8(self, data: bytes) -> bool:
        """Whether the stream so far is UTF-8, an incomplete last character kept for the next block."""
        if not data:  # the end: nothing may be left incomplete
            return not self._tail
        data = self._tail + data if self._tail else data
        cut = _complete_utf8(data)
        self._tail = data[cut:]
        if not cut:
            return True
        offsets = pa.py_buffer(np.array([0, cut], np.int32))
        try:
            pa.StringArray.from_buffers(1, offsets, pa.py_buffer(memoryview(data)[:cut])).validate(full=True)
        except pa.ArrowInvalid:
            return False
        return True


def _complete_utf8(data: bytes) -> int:
    """The length of `data` without an incomplete UTF-8 character at its end."""
    end = len(data)
    for back in range(1, min(4, end) + 1):
        byte = data[end - back]
        if byte & 0xC0 == 0x80:  # a continuation byte: look further back
            continue
        need = 1 if byte < 0x80 else 2 if byte >= 0xC0 and byte < 0xE0 else 3 if byte < 0xF0 else 4
        return end - back if back < need else end
    return end


def _head_records(text: str, delimiter: str, file_name: str, complete: bool) -> list[list[str]]:
    """The first records of the head (its last one only when the head is the whole file), with read.py's guards."""
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > _HEAD_RECORDS:
                break
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # a cell this long so far is too long whole
            raise ReadError(labels.MSG_CELL_TOO_LONG.format(file=file_name, cap=csv.field_size_limit())) from exc
        if complete:
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=file_name)) from exc
    if not complete and len(rows) <= _HEAD_RECORDS:
        rows = rows[:-1]  # the head may end inside its last record
    for row in rows:
        if len(row) > config.MAX_COLUMNS:
            raise ReadError(labels.MSG_TOO_MANY_COLUMNS.format(file=file_name, cols=len(row), cap=config.MAX_COLUMNS))
    return rows


def _usual_width(records: list[list[str]]) -> int:
    """The most common number of cells of the non-empty records (the header's, as a rule)."""
    lengths = collections.Counter(len(row) for row in records if row)
    if not lengths:
        return 1
    return max(lengths.items(), key=lambda item: (item[1], item[0]))[0]


class _Rewound:
    """A stream whose first bytes (already read to look at them) are given back before the rest."""

    def __init__(self, head: bytes, raw: BinaryIO) -> None:
        self._head = head
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._raw.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._raw.read(size)

    def close(self) -> None:
        self._raw.close()


def _check_cell_sizes(sheet: RawSheet, file_name: str) -> None:
    """read.py's limit on the characters of a cell (the csv module's), measured once per distinct cell."""
    limit = csv.field_size_limit()
    for column in sheet.columns:
        distinct = column.strings
        if distinct is None or not len(distinct):
            continue
        # bytes >= characters: count characters only when some cell has that many bytes
        if pc.max(pc.binary_length(distinct)).as_py() > limit and pc.max(pc.utf8_length(distinct)).as_py() > limit:
            raise ReadError(labels.MSG_CELL_TOO_LONG.format(file=file_name, cap=limit))


def assemble(name: str, batches: list[pa.RecordBatch], width: int, extra: list[tuple[int, list[str]]], count: int):
    """A sheet of `count` rows: the rows of `batches` (of `width` cells) in order, and the `extra` rows
    (place, cells) at their places; rows shorter than the widest are padded with "" (see RawSheet.from_rows)."""
    if not count:
        return RawSheet(name, [], 0)
    places = np.fromiter((p for p, _ in extra), np.int64, len(extra))
    arrow_rows = np.ones(count, bool)
    arrow_rows[places] = False
    lengths = np.full(count, width, np.int32)
    lengths[places] = [len(cells) for _, cells in extra]
    widest = int(lengths.max())
    columns = []
    for c in range(widest):
        codes = np.zeros(count, np.int32)
        distinct = pa.array([], pa.string())
        if c < width and arrow_rows.any():
            cells = pa.chunked_array([batch.column(c) for batch in batches], pa.string()).combine_chunks()
            encoded = cells.dictionary_encode()
            codes[arrow_rows] = encoded.indices.to_numpy(zero_copy_only=False)
            distinct = encoded.dictionary
        if len(extra) or c >= width:
            # the other rows' cells, and "" for Arrow's rows when they are shorter: coded into the same distinct cells
            others = [cells[c] if c < len(cells) else "" for _, cells in extra]
            others.append("")
            added = pa.array(others, pa.string()).dictionary_encode()
            found = pc.index_in(added.dictionary, value_set=distinct)
            new = found.is_null().to_numpy(zero_copy_only=False)
            where = found.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int32)
            where[new] = len(distinct) + np.arange(int(new.sum()), dtype=np.int32)
            distinct = pa.concat_arrays([distinct, added.dictionary.filter(pa.array(new))])
            added_codes = where[added.indices.to_numpy(zero_copy_only=False)]
            codes[places] = added_codes[:-1]
            if c >= width:
                codes[arrow_rows] = added_codes[-1]
        columns.append(RawColumn(codes, distinct))
    full = int(lengths.min()) == widest
    return RawSheet(name, columns, count, None if full else lengths)


def concat_sheets(name: str, sheets: list[RawSheet]) -> RawSheet:
    """The rows of several sheets one after the other, as one sheet (each column's distinct cells once)."""
    sheets = [sheet for sheet in sheets if sheet.height]
    if not sheets:
        return RawSheet(name, [], 0)
    if len(sheets) == 1:
        return RawSheet(name, sheets[0].columns, sheets[0].height, sheets[0].lengths)
    height = sum(sheet.height for sheet in sheets)
    widest = max(sheet.width for sheet in sheets)
    lengths = np.concatenate([np.full(s.height, s.width, np.int32) if s.lengths is None else s.lengths for s in sheets])
    columns = []
    for c in range(widest):
        codes, parts, offset = [], [], 0
        for sheet in sheets:
            if c < sheet.width:
                column = sheet.columns[c]
                codes.append(column.codes.astype(np.int64) + offset)
                values = column.strings if column.strings is not None else pa.array(column.texts(), pa.string())
            else:  # a narrower sheet: its rows are padded
                codes.append(np.full(sheet.height, offset, np.int64))
                values = pa.array([""], pa.string())
            parts.append(values)
            offset += len(values)
        encoded = pa.concat_arrays(parts).dictionary_encode()
        renumbered = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        columns.append(RawColumn(renumbered[np.concatenate(codes)], encoded.dictionary))
    full = int(lengths.min()) == widest
    return RawSheet(name, columns, height, None if full else lengths)


class CsvChunks:
    """The records of a CSV file as RawSheets of about `chunk_rows` records each (see the module's docstring).

    `open_stream` gives the file's bytes from the start; it is called again when the file has to be read
    a second time (as GB18030, or with larger blocks for a very long record: see read_sheet). The
    first chunk holds at least `first_rows` records, or the whole file. The chunks after the first
    begin with the rows of `prefix` (set by the caller once it has seen the first: the header row), so
    that each can be parsed as a sheet on its own. `max_rows` and `max_bytes` refuse a file of more
    records or bytes (an upload's caps); `sha256` is the digest of the bytes read, after the last chunk.
    """

    def __init__(
        self,
        open_stream: Callable[[], BinaryIO],
        file_name: str,
        *,
        chunk_rows: int,
        first_rows: int = 0,
        max_rows: int | None = None,
        max_bytes: int | None = None,
        encoding: str | None = None,
        block_bytes: int = BLOCK_BYTES,
        bytes_total: int | None = None,
        sheet_name: str | None = None,
    ) -> None:
        self.open_stream = open_stream
        self.file_name = file_name
        if sheet_name is None:
            name = file_name.rsplit("/", 1)[-1]
            sheet_name = name.rsplit(".", 1)[0] if "." in name else name
        self.sheet_name = sheet_name
        self.chunk_rows = max(1, chunk_rows)
        self.first_rows = max(self.chunk_rows, first_rows)
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.encoding = encoding  # None: decided from the head
        self.block_bytes = block_bytes
        self.progress = StreamProgress(bytes_total=bytes_total)
        self.prefix: list[list[str]] = []
        self.sha256 = ""
        self.delimiter = ","

    # ------------------------------------------------------------ the head

    def _open(self) -> tuple[_Source, bytes, str]:
        """The stream, its head, and the encoding to read it in (decided from the head unless given)."""
        raw = self.open_stream()
        try:
            head = raw.read(_HEAD_BYTES)
        except BaseException:
            raw.close()
            raise
        if not head:
            raw.close()
            raise ReadError(labels.MSG_FILE_EMPTY.format(file=self.file_name))
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        encoding = self.encoding
        if encoding is None:
            if utf16:
                encoding = "utf-16"
            else:
                start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
                try:
                    codecs.utf_8_decode(head[start:], "strict", False)
                    encoding = "utf-8"
                except UnicodeDecodeError:
                    encoding = "gb18030"
        source = _Source(
            _Rewound(head, raw),
            utf8=encoding == "utf-8",
            nul=not utf16,
            digest=hashlib.sha256(),
            limit=self.max_bytes,
            file_name=self.file_name,
        )
        return source, head, encoding

    def _head_text(self, head: bytes, encoding: str, complete: bool) -> str:
        """The head decoded, with read.py's checks (no NUL, not mostly control characters)."""
        try:
            if encoding == "utf-8":
                start = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
                text, _ = codecs.utf_8_decode(head[start:], "strict", complete)
            else:
                text = codecs.getincrementaldecoder(encoding)().decode(head, complete)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8":
                raise NotUtf8() from exc
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=self.file_name)) from exc
        if encoding != "utf-16" and ("\x00" in text or read._mostly_control(text)):
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=self.file_name))
        return text

    # ------------------------------------------------------------ the chunks

    def chunks(self) -> Iterator[Chunk]:
        """The chunks in order (raises NotUtf8 or BlockTooSmall when the file is to be read again)."""
        source, head, encoding = self._open()
        try:
            yield from self._chunks(source, head, encoding)
        finally:
            source._raw.close()

    def _chunks(self, source: _Source, head: bytes, encoding: str) -> Iterator[Chunk]:
        complete = len(head) < _HEAD_BYTES
        text = self._head_text(head, encoding, complete)
        self.delimiter = "\t" if encoding == "utf-16" else read._sniff_delimiter(text)
        width = _usual_width(_head_records(text, self.delimiter, self.file_name, complete))
        set_aside: collections.deque[tuple[int, str]] = collections.deque()

        def handler(row) -> str:  # never raises: Arrow would only print the exception
            set_aside.append((row.number - 1 if row.number is not None else -1, row.text))
            return "skip"

        names = [f"f{c}" for c in range(width)]
        try:
            reader = pa_csv.open_csv(
                source,
                read_options=pa_csv.ReadOptions(
                    column_names=names,
                    use_threads=False,  # then a line set aside comes with its number
                    block_size=self.block_bytes,
                    encoding="utf8" if encoding == "utf-8" else encoding,
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self.delimiter,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=handler,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    null_values=[],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowException, UnicodeDecodeError) as exc:
            if "Empty CSV" not in str(exc):
                self._failed(source, exc)
            self._check(source)  # nothing after a byte-order mark: a sheet of no rows, as read.py reads it
            self.sha256 = source.digest.hexdigest()
            yield Chunk(RawSheet(self.sheet_name, [], 0), 0, 0, True)
            return
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        start = 0  # the first record not yet handed out
        target = self.first_rows
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowException, UnicodeDecodeError) as exc:
                self._failed(source, exc)
            self._check(source)
            if batch.num_rows:
                pending.append(batch)
                pending_rows += batch.num_rows
            known = self._known(start, pending_rows, set_aside)
            while known > target:  # more records follow: this chunk is not the last
                taken, lines, pending, pending_rows = self._take(start, target, pending, pending_rows, set_aside)
                yield self._chunk(taken, lines, width, start, target, last=False)
                start, known, target = start + target, known - target, self.chunk_rows
        self._check(source)
        self.sha256 = source.digest.hexdigest()
        count = self._known(start, pending_rows, set_aside)
        if set_aside and set_aside[-1][0] >= start + count:  # cannot happen: a line set aside past the end
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=self.file_name))
        taken, lines, pending, pending_rows = self._take(start, count, pending, pending_rows, set_aside)
        yield self._chunk(taken, lines, width, start, count, last=True)

    def _failed(self, source: _Source, exc: BaseException):
        """Arrow stopped: a check of the stream, a decoding error, or a record longer than a block."""
        self._check(source)
        if isinstance(exc, UnicodeDecodeError):
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=self.file_name)) from exc
        if "straddl" in str(exc):
            if self.block_bytes < _MAX_BLOCK_BYTES:
                raise BlockTooSmall() from exc
            raise ReadError(labels.MSG_CELL_TOO_LONG.format(file=self.file_name, cap=csv.field_size_limit())) from exc
        raise ReadError(labels.MSG_CSV_ENCODING.format(file=self.file_name)) from exc

    def _check(self, source: _Source) -> None:
        self.progress.bytes_done = source.bytes_read
        if source.error is not None:
            error, source.error = source.error, None  # not kept on the stream: its traceback holds the stream
            source.stopped = True
            raise error

    @staticmethod
    def _known(start: int, pending_rows: int, set_aside: collections.deque) -> int:
        """How many records from `start` on are known with no gap: Arrow's rows and the lines set aside."""
        indices = np.fromiter((index for index, _ in set_aside), np.int64, len(set_aside))
        end = start + pending_rows
        while True:  # the records before `end` are the pending rows and the lines set aside before `end`
            before = int(np.searchsorted(indices, end))
            moved = start + pending_rows + before
            if moved == end:
                break
            end = moved
        while before < len(indices) and indices[before] == end:  # lines set aside right after the last row
            end, before = end + 1, before + 1
        return end - start

    def _take(self, start: int, count: int, pending: list, pending_rows: int, set_aside: collections.deque):
        """Arrow's rows and the lines set aside (with their places) among the next `count` records."""
        lines = []
        while set_aside and set_aside[0][0] < start + count:
            index, text = set_aside.popleft()
            lines.append((index - start, self._parse_line(text)))
        wanted = count - len(lines)
        taken, rest, got = [], [], 0
        for batch in pending:
            if got >= wanted:
                rest.append(batch)
            elif got + batch.num_rows <= wanted:
                taken.append(batch)
                got += batch.num_rows
            else:
                taken.append(batch.slice(0, wanted - got))
                rest.append(batch.slice(wanted - got))
                got = wanted
        if got != wanted:  # cannot happen: the records were counted from these rows
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=self.file_name))
        return taken, lines, rest, pending_rows - wanted

    def _parse_line(self, text: str) -> list[str]:
        """A line Arrow set aside, parsed as read.py's csv module parses it, with its guards."""
        try:
            row = next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter), [])
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ReadError(
                    labels.MSG_CELL_TOO_LONG.format(file=self.file_name, cap=csv.field_size_limit())
                ) from exc
            raise ReadError(labels.MSG_CSV_ENCODING.format(file=self.file_name)) from exc
        if len(row) > config.MAX_COLUMNS:
            raise ReadError(
                labels.MSG_TOO_MANY_COLUMNS.format(file=self.file_name, cols=len(row), cap=config.MAX_COLUMNS)
            )
        return row

    def _chunk(self, batches, lines, width: int, start: int, count: int, *, last: bool) -> Chunk:
        self.progress.records = start + count
        if self.max_rows is not None and start + count > self.max_rows + 100:
            raise ReadError(labels.MSG_TOO_MANY_ROWS.format(file=self.file_name, cap_rows=self.max_rows))
        prefix = self.prefix if start else []
        extra = [*enumerate(prefix), *((len(prefix) + p, cells) for p, cells in lines)]
        sheet = assemble(self.sheet_name, batches, width, extra, count + len(prefix))
        _check_cell_sizes(sheet, self.file_name)
        return Chunk(sheet, start, count, last, len(prefix))


def read_sheet(open_stream: Callable[[], BinaryIO], file_name: str, *, sheet_name: str | None = None, **limits):
    """The whole CSV as one sheet (read in chunks, so that the caps refuse a file before it is all in memory)."""
    encoding, block_bytes = None, BLOCK_BYTES
    while True:
        reader = CsvChunks(
            open_stream,
            file_name,
            chunk_rows=config.STREAM_CHUNK_ROWS,
            encoding=encoding,
            block_bytes=block_bytes,
            sheet_name=sheet_name,
            **limits,
        )
        try:
            sheets = [chunk.sheet for chunk in reader.chunks()]
        except NotUtf8:
            if encoding is not None:
                raise ReadError(labels.MSG_CSV_ENCODING.format(file=file_name)) from None
            encoding = "gb18030"
            continue
        except BlockTooSmall:
            block_bytes *= 4
            continue
        return concat_sheets(reader.sheet_name, sheets), reader.sha256
