"""A file from disk imported chunk by chunk: the command line's import (SPEC §4), under the rules of an upload.

`import_path` is what load.import_file (and so `python -m pipeline import`) calls. A workbook goes to
load.import_bytes as an upload does: it is parsed whole in a child process with a memory limit, so the
upload's caps stay. A .zip or .gz holding one sheet file is opened (archive.py). A CSV is read by
stream.CsvChunks in chunks of config.STREAM_CHUNK_ROWS rows, without the caps on bytes and rows:

- a file of one chunk is imported exactly as an upload is (load.import_sheets);
- a longer one is still one batch in one transaction, under every rule of the whole file. The first
  chunk is recognised and cleaned by validate.prepare (header, kind, columns); each later chunk begins
  with a copy of the header row, is cleaned by validate.parse_sheet, and its rows keep their numbers in
  the file. A row repeating a row of an earlier chunk exactly counts as a duplicate, as within one;
- a contact log (StreamedVisits) keeps nothing per row in memory but its rejected rows: each chunk's
  rows are checked against the roster and staged in a DuckDB temporary table; once the file is read,
  the last row of each key is chosen, classified against the stored contacts and written in SQL inside
  the import's transaction (DuckDB spills the table to disk when it must);
- a roster or an issue ledger (ChunkedRows) keeps its cleaned rows chunk after chunk and is merged
  whole by merge.py, since its rules need the whole file (overlapping pairings, issue numbers, rows that
  would undo progress). Such ledgers hold hundreds of thousands of rows, not millions.

The file's SHA-256 is taken as its bytes pass. A file found not to be UTF-8 past its head, or holding a
record longer than Arrow's block, is read again from the start: nothing has been written by then.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import config, db, labels
from pipeline.ingest import archive, headers, load, stream, validate
from pipeline.ingest.checks import reject_unknown_beneficiaries
from pipeline.ingest.keys import contact_keys
from pipeline.ingest.read import RawColumn, RawSheet, ReadError
from pipeline.ingest.rows import (
    CONTACT_KEEP,
    CONTACT_KEY,
    CONTACT_VALUES,
    INSERTED,
    NO_OUTCOME,
    UNCHANGED,
    Coded,
    ImportReport,
    Rows,
    arrow_table,
    first_day,
    touched_sql,
)
from pipeline.ingest.stream import ImportProgress

Progress = Callable[[ImportProgress], None]


# ---------------------------------------------------------------- entry point


def import_path(
    con,
    path: str | Path,
    *,
    kind: str | None = None,
    all_or_nothing: bool = False,
    user: str = labels.DEFAULT_USER,
    today: dt.date | str | None = None,
    allow_reopen: bool = False,
    full_list=None,
    progress: Progress | None = None,
    chunk_rows: int | None = None,
) -> ImportReport:
    """Import one file from disk: a CSV (also inside a .zip or .gz) in chunks, a workbook as an upload is."""
    path = Path(path)
    name = path.name
    options = {
        "kind": kind,
        "all_or_nothing": all_or_nothing,
        "user": user,
        "today": today,
        "allow_reopen": allow_reopen,
        "full_list": full_list,
    }
    size = path.stat().st_size
    if not size:
        return _whole(con, path, name, progress, options)  # read.py's message for an empty file
    try:
        member = archive.open_archive(path, name)
    except ReadError as exc:
        return _failed(name, str(exc), path)
    if member is not None:
        if member.workbook:  # parsed whole in the limited child, with the upload's caps
            return _whole(con, path, name, progress, options)
        last: list[archive.Guarded] = []

        def open_member() -> archive.Guarded:
            last.append(member.open())
            return last[-1]

        def position(unpacked: int) -> int:  # a zip member: bytes unpacked; a .gz: bytes of the .gz read
            return unpacked if member.size is not None else (last[-1].done if last else 0)

        sheet_file = _CsvFile(open_member, member.display, _stem(member.name), member.size or size, position)
        sheet_file.archive_digest = lambda: _file_sha256(path)
        return _import_csv(con, sheet_file, options, progress, chunk_rows)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith((b"PK", archive.OLE_MAGIC)):  # a workbook, or a damaged one: read.py says which
        return _whole(con, path, name, progress, options)
    sheet_file = _CsvFile(lambda: path.open("rb"), name, _stem(name), size, lambda done: done)
    sheet_file.file_digest = lambda: _file_sha256(path)
    return _import_csv(con, sheet_file, options, progress, chunk_rows)


@dataclass
class _CsvFile:
    """A CSV to read: how to open it, its names, its size, and where the reading is in it."""

    open: Callable
    display: str  # the name in the report
    sheet_name: str  # the name of its one sheet (the file's name without its suffix)
    size: int
    position: Callable[[int], int]  # bytes read so far, from the bytes passed to the reader
    archive_digest: Callable[[], str] | None = None  # an archive's digest: of the archive, not of the CSV
    file_digest: Callable[[], str] | None = None  # the digest of a file whose reading stopped early


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(2**20):
            digest.update(block)
    return digest.hexdigest()


def _failed(name: str, message: str, path: Path) -> ImportReport:
    return ImportReport(file=name, sha256=_file_sha256(path), status="failed", message=message)


def _whole(con, path: Path, name: str, progress: Progress | None, options: dict) -> ImportReport:
    """A workbook (or an archive holding one), imported from its bytes as an upload is."""
    size = path.stat().st_size
    if size > config.MAX_FILE_BYTES:  # refused before it is read into memory
        message = labels.MSG_FILE_TOO_BIG.format(file=name, size_mb=size / 2**20, cap_mb=config.MAX_FILE_BYTES // 2**20)
        return _failed(name, message, path)
    return load.import_bytes(con, path.read_bytes(), name, progress=progress, **options)


# ---------------------------------------------------------------- a CSV in chunks


class _FirstChunkEmpty(Exception):
    """The first chunk has no data row under its header, but the file goes on: read a longer first chunk."""

    def __init__(self, records: int) -> None:
        super().__init__(records)
        self.records = records


def _import_csv(con, sheet_file: _CsvFile, options: dict, progress: Progress | None, chunk_rows: int | None):
    first_rows = headers.ROWS_LOOKED_AT
    encoding, block_bytes = None, stream.BLOCK_BYTES
    while True:
        reader = stream.CsvChunks(
            sheet_file.open,
            sheet_file.display,
            chunk_rows=chunk_rows or config.STREAM_CHUNK_ROWS,
            first_rows=first_rows,
            encoding=encoding,
            block_bytes=block_bytes,
            bytes_total=sheet_file.size,
            sheet_name=sheet_file.sheet_name,
        )
        run = _ChunkedImport(con, reader, sheet_file, options, progress)
        try:
            return run.run()
        except stream.NotUtf8:
            if encoding is not None:  # cannot happen: GB18030 is decided once, and never raises this
                raise
            encoding = "gb18030"
        except stream.BlockTooSmall:
            block_bytes *= 4
        except _FirstChunkEmpty as exc:
            first_rows = 2 * max(exc.records, first_rows)
        finally:
            run.close()


class _ReadAhead:
    """The chunks after the first, read one ahead on a thread of their own: Arrow's parsing lets go of the
    GIL, so that reading the next chunk overlaps the cleaning and staging of this one. What the reading
    raises (a ReadError, or a reason to read the file again) is raised where the chunks are taken."""

    def __init__(self, chunks: Iterator[stream.Chunk]) -> None:
        self._chunks = chunks
        self._queue: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="csv-read-ahead", daemon=True)
        self._thread.start()

    def _put(self, item: tuple) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _read(self) -> None:
        try:
            for chunk in self._chunks:
                if not self._put(("chunk", chunk)):
                    return
            self._put(("end", None))
        except BaseException as exc:  # handed to the importing thread
            self._put(("error", exc))
        finally:
            self._chunks.close()  # on this thread, where the generator runs

    def __iter__(self) -> Iterator[stream.Chunk]:
        while True:
            kind, value = self._queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):  # a chunk waiting to be taken: let the reader see the stop
                self._queue.get(timeout=0.1)
        self._thread.join()


class _ChunkedImport:
    """One reading of a CSV and, when it gets through, its import (see the module's docstring)."""

    def __init__(self, con, reader: stream.CsvChunks, sheet_file: _CsvFile, options: dict, progress) -> None:
        self.con = con
        self.reader = reader
        self.file = sheet_file
        self.options = options
        self.progress = progress
        self.day = config.today(options["today"])
        self.collector: _Collector | None = None

    def close(self) -> None:
        if self.collector is not None:
            self.collector.close()

    def _tell(self, stage: str, rows: int | None = None) -> None:
        if self.progress is None:
            return
        done = self.file.position(self.reader.progress.bytes_done)
        total = self.file.size if self.file.size else None
        if stage != "read":
            done = total or done
        records = self.reader.progress.records if rows is None else rows
        self.progress(ImportProgress(self.file.display, stage, records, done, total))

    def _digest(self) -> str:
        """The SHA-256 of the file as given: taken while it was read, or (an archive, a stop) read apart."""
        if self.file.archive_digest is not None:
            return self.file.archive_digest()
        return self.reader.sha256 or self.file.file_digest()

    def _failed(self, report: ImportReport, message: str) -> ImportReport:
        report.status, report.message = "failed", message
        report.sha256 = self.file.archive_digest() if self.file.archive_digest else self.file.file_digest()
        report.batch_id = None
        return report

    def run(self) -> ImportReport:
        report = ImportReport(file=self.file.display)
        options = self.options
        self._tell("read")
        chunks = self.reader.chunks()
        try:
            try:
                first = next(chunks)
            except ReadError as exc:
                return self._failed(report, str(exc))
            if first.last:  # the whole file in one chunk: imported as an upload is
                self._tell("write", first.records)  # the rows under the header are counted when it is cleaned
                load.import_sheets(
                    self.con,
                    [first.sheet],
                    report,
                    kind=options["kind"],
                    all_or_nothing=options["all_or_nothing"],
                    user=options["user"],
                    today=self.day,
                    sha256=self._digest,
                    allow_reopen=options["allow_reopen"],
                    full_list=options["full_list"],
                )
                self._tell("done", report.read)
                return report
            parsed = validate.prepare([first.sheet], report, options["kind"], self.day)
            if parsed and report.read == 0:  # no data row in the first chunk: look further before judging
                raise _FirstChunkEmpty(first.records)
            if report.status == "failed":
                report.sha256 = self._digest_without(chunks)
                return report
            (kind,) = parsed
            match = headers.find_header(first.sheet.head(headers.ROWS_LOOKED_AT), first.sheet.name, options["kind"])
            self.reader.prefix = [first.sheet.row(match.row_index)]
            later = dataclasses.replace(match, row_index=0)  # the header row begins every later chunk
            self.collector = StreamedVisits(self.con, self.file.display) if kind == "visits" else _Collected(kind)
            ahead = _ReadAhead(chunks)  # the prefix is set: the later chunks can be read meanwhile
            try:
                self.collector.add(self._ready(parsed[kind]), first.sheet, match, 0)
                self._tell("read")
                for chunk in ahead:
                    self.collector.parse(self, chunk, later, report)
                    self._tell("read")
            except ReadError as exc:
                return self._failed(report, str(exc))
            finally:
                ahead.close()
            report.sha256 = self._digest()
            rows = self._ready(self.collector.rows())
            self._tell("write", report.read)
            load.write(
                self.con,
                {kind: rows},
                report,
                options["all_or_nothing"],
                options["user"],
                full_list=options["full_list"],
                today=self.day,
            )
            self._tell("done", report.read)
            return report
        finally:
            chunks.close()

    def _digest_without(self, chunks) -> str:
        """The digest of a file whose rows are not needed (refused after its first chunk)."""
        chunks.close()
        return self.file.archive_digest() if self.file.archive_digest else self.file.file_digest()

    def _ready(self, rows: Rows) -> Rows:
        rows.county_only = None  # the command line imports for the whole city
        rows.allow_reopen = self.options["allow_reopen"]
        return rows

    def parse_chunk(self, sheet: RawSheet, match: headers.HeaderMatch, kind: str, report) -> Rows:
        """A later chunk's rows, cleaned; its counts added to the report."""
        rows = self._ready(Rows(kind))
        read, duplicates = validate.parse_sheet(sheet, match, rows, self.day)
        rows.finish()
        report.read += read
        report.duplicate += duplicates
        return rows


# ---------------------------------------------------------------- exact repetitions across chunks


def _row_texts(sheet: RawSheet, rows: np.ndarray) -> pa.Array:
    """One text per row (by row index) that is equal for two rows exactly when validate._first_of_each_row
    calls them the same row: each cell's text (trimmed) joined, with the row's length before them."""
    lengths = np.full(len(rows), sheet.width, np.int64) if sheet.lengths is None else sheet.lengths[rows]
    parts = [pc.cast(pa.array(lengths), pa.string())]
    for column in sheet.columns:
        parts.append(column.text_array().take(pa.array(column.codes[rows])))
    # a CSV cell never holds a NUL (read.py refuses such a file): cells padded beyond a row's length are
    # "", dropped with the trailing separators, so that a row reads the same in a wider chunk
    joined = pc.binary_join_element_wise(*parts, "\x00")
    return pc.utf8_rtrim(joined, characters="\x00")


def _candidates(sheet: RawSheet, match: headers.HeaderMatch) -> np.ndarray:
    """The row indices of the sheet's data rows (not blank, total, repeated header or footer rows)."""
    body = slice(match.row_index + 1, max(sheet.height, match.row_index + 1))
    return body.start + np.flatnonzero(~validate.skipped_rows(sheet, match, body))


def _blanked(sheet: RawSheet, rows: np.ndarray) -> RawSheet:
    """The sheet with some rows emptied (they are then skipped as blank rows)."""
    columns = []
    for column in sheet.columns:
        distinct = column.strings if column.strings is not None else pa.array(column.texts(), pa.string())
        codes = column.codes.copy()
        codes[rows] = len(distinct)
        columns.append(RawColumn(codes, pa.concat_arrays([distinct, pa.array([""], pa.string())])))
    return RawSheet(sheet.name, columns, sheet.height, sheet.lengths)


class _Collector:
    def add(self, rows: Rows, sheet: RawSheet, match: headers.HeaderMatch, offset: int) -> None:
        raise NotImplementedError

    def parse(self, run: _ChunkedImport, chunk: stream.Chunk, match, report) -> None:
        raise NotImplementedError

    def rows(self) -> Rows:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release."""


# ---------------------------------------------------------------- a roster or an issue ledger: kept whole


@dataclass
class ChunkedRows(Rows):
    """The rows of several chunks of one file, each chunk a sheet of its own whose rows are numbered from `offsets`."""

    offsets: list[int] = field(default_factory=list)

    def row_number(self, position: int) -> int:
        """A row's number as Excel shows it, in the whole file."""
        return int(self.index[position]) + 1 + self.offsets[self.sheet_no[position]]


class _Collected(_Collector):
    """A roster's or an issue ledger's chunks, cleaned and kept, joined into one ChunkedRows at the end."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.parts: list[tuple[Rows, int]] = []
        self.seen: set[str] = set()  # the texts of the data rows so far

    def add(self, rows, sheet, match, offset) -> None:
        self.seen.update(_row_texts(sheet, _candidates(sheet, match)).to_pylist())
        self.parts.append((rows, offset))

    def parse(self, run, chunk, match, report) -> None:
        sheet = chunk.sheet
        candidates = _candidates(sheet, match)
        texts = _row_texts(sheet, candidates).to_pylist()
        repeated = np.fromiter((text in self.seen for text in texts), bool, len(texts))
        if repeated.any():  # rows of an earlier chunk again: read, and duplicates, as within a chunk
            sheet = _blanked(sheet, candidates[repeated])
            report.read += int(repeated.sum())
            report.duplicate += int(repeated.sum())
        self.seen.update(texts)
        self.add(run.parse_chunk(sheet, match, self.kind, report), sheet, match, chunk.first - chunk.prefix)

    def rows(self) -> ChunkedRows:
        merged = ChunkedRows(self.kind)
        base = 0
        for part, offset in self.parts:
            merged.sheets.append(part.sheets[0])
            merged.absent_by_sheet.append(part.absent_by_sheet[0])
            merged.offsets.append(offset)
            for position, problems in part.errors.items():
                merged.errors[base + position] = list(problems)
            base += len(part)
        merged.sheet_no = np.concatenate([np.full(len(part), n, np.int32) for n, (part, _) in enumerate(self.parts)])
        merged.index = np.concatenate([part.index for part, _ in self.parts])
        for col in labels.COLUMNS[self.kind]:
            merged.values[col.field] = Coded.concat([part.values[col.field] for part, _ in self.parts])
        merged.duplicate = np.zeros(len(merged.index), bool)
        return merged


# ---------------------------------------------------------------- a contact log: staged in DuckDB


class StreamedVisits(Rows):
    """The rows of a contact log read in chunks, staged chunk by chunk in the temporary table stream_contact
    (without the columns the file lacks, with digests of each row's key and cells); only the rejected rows
    stay in memory, with their place and cells, since their chunk is gone when the report lists them.
    merge._load_visits hands the writing to load_staged.

    Each chunk is checked against the roster as it is read, before the import's transaction begins (in
    load.write): on the command line nothing else writes the database meanwhile, as DuckDB's lock on the
    file keeps other processes out. While the rows are staged, DuckDB's memory limit is
    config.STREAM_DATABASE_MEMORY: beyond it the table goes to DuckDB's temporary directory."""

    def __init__(self, con, file_name: str) -> None:
        super().__init__("visits")
        self.con = con
        self.file_name = file_name
        self.count = 0
        self.sheet = ""
        self.places: dict[int, tuple[int, dict[str, str]]] = {}  # rejected position -> (row number, cells)
        self.rejected_texts: set[str] = set()
        self.repeated: list[int] = []  # rows repeating a rejected row of an earlier chunk
        self.absent: frozenset[str] = frozenset()  # fields the file has no column for
        self.staged = False
        self._drop()
        # DuckDB keeps what it holds in memory up to its limit (most of the machine's memory by default):
        # with a lower one it spills the staged rows to its temporary directory instead
        con.execute(f"set memory_limit = '{config.STREAM_DATABASE_MEMORY // 2**20}MiB'")

    def __len__(self) -> int:
        return self.count

    def sheet_name(self, position: int) -> str:
        return self.sheet

    def row_number(self, position: int) -> int:
        return self.places[int(position)][0]

    def raw(self, position: int) -> dict[str, str]:
        return self.places[int(position)][1]

    def _drop(self) -> None:
        self.con.execute("drop table if exists stream_contact")

    def close(self) -> None:
        self._drop()
        self.con.execute("reset memory_limit")  # the project sets it nowhere else

    # -------------------------------------------------------- reading

    def parse(self, run, chunk, match, report) -> None:
        rows = run.parse_chunk(chunk.sheet, match, "visits", report)
        self.add(rows, chunk.sheet, match, chunk.first - chunk.prefix)

    def add(self, rows: Rows, sheet: RawSheet, match, offset: int) -> None:
        """A chunk's cleaned rows: checked against the roster, the rejected ones kept, the others staged."""
        self.sheet = sheet.name
        self.absent = rows.absent_by_sheet[0]
        reject_unknown_beneficiaries(self.con, rows)
        valid = rows.valid()
        rejected = np.flatnonzero(rows.rejected())
        if len(rejected):
            texts = _row_texts(sheet, rows.index[rejected]).to_pylist()
            new = []
            for position, text in zip(rejected.tolist(), texts, strict=True):
                if text in self.rejected_texts:  # the same row, rejected in an earlier chunk: a duplicate
                    self.repeated.append(self.count + position)
                else:
                    self.rejected_texts.add(text)
                    new.append(position)
            if len(self.errors) + len(new) > config.STREAM_MAX_REJECTED:  # before their cells are gathered
                cap = config.STREAM_MAX_REJECTED
                raise ReadError(labels.MSG_STREAM_TOO_MANY_REJECTED.format(file=self.file_name, cap=cap))
            for position in new:
                self.errors[self.count + position] = list(rows.errors[position])
                self.places[self.count + position] = (rows.row_number(position) + offset, rows.raw(position))
        positions, keys = contact_keys(rows, valid)
        present = tuple(f for f in CONTACT_VALUES if f not in self.absent)
        extra = {
            "contact_key": keys,
            "pos": pa.array(positions + self.count, pa.int64()),
            "row_text": _row_texts(sheet, rows.index[positions]),
        }
        self.con.register("stream_chunk", arrow_table(rows, positions, present, extra))
        try:
            verb = "insert into stream_contact by name" if self.staged else "create temp table stream_contact as"
            self.con.execute(f"{verb} {db.read_sql('load/stream_stage.sql')}")
        finally:
            self.con.unregister("stream_chunk")
        self.staged = True
        self.count += len(rows)

    def rows(self) -> StreamedVisits:
        self.duplicate = np.zeros(self.count, bool)
        self.duplicate[np.array(self.repeated, np.int64)] = True
        return self

    # -------------------------------------------------------- writing (inside the import's transaction)

    def load_staged(self, con, batch_id: int) -> np.ndarray:
        """What merge._load_visits does with rows in memory, in SQL over stream_contact: the rows a later
        row of their key supersedes marked as duplicates, the others classified against the stored
        contacts and written. Returns each position's outcome, as merge._merge does."""
        outcomes = np.full(self.count, NO_OUTCOME, np.int8)
        if not self.staged:
            return outcomes
        # Keys seen more than once are found by their 64-bit digests, then compared as text.
        losers = con.execute(db.read_sql("load/stream_losers.sql")).fetchnumpy()["pos"]
        if len(losers):
            self.duplicate[losers] = True
            con.register("stream_losers", pa.table({"pos": pa.array(losers, pa.int64())}))
            try:
                con.execute(db.read_sql("load/stream_drop_losers.sql"))
            finally:
                con.unregister("stream_losers")
        present = [c for c in CONTACT_VALUES if c not in self.absent]
        # a column the file lacks: the stored value stays (CONTACT_KEEP), or it is empty, as in merge._merge
        nulled = [c for c in CONTACT_VALUES if c in self.absent and c not in CONTACT_KEEP]
        stored_any = con.execute(db.read_sql("load/stored_any.sql").format(table="contact")).fetchall()[0][0]
        if stored_any:
            same = " and ".join(
                [f"incoming.{c} is not distinct from stored.{c}" for c in present]
                + [f"stored.{c} is null" for c in nulled]
            )
            classify = db.read_sql("load/stream_classify.sql").format(
                same_values=same, touched=touched_sql("contact", "incoming", "stored")
            )
            classified = con.execute(classify).fetchnumpy()
            outcomes[classified["pos"]] = classified["outcome"]
            self.touched(first_day(classified["touched_from"], classified["outcome"] != UNCHANGED))
            assignments = ", ".join([f"{c} = incoming.{c}" for c in present] + [f"{c} = null" for c in nulled])
            if assignments:
                con.execute(
                    db.read_sql("load/stream_update.sql").format(assignments=assignments, same_values=same),
                    {"batch_id": batch_id},
                )
        else:  # nothing stored yet: every row is new
            outcomes[con.execute("select pos from stream_contact").fetchnumpy()["pos"]] = INSERTED
            touched = db.read_sql("load/touched_new.sql").format(
                source="stream_contact", table="contact", touched=touched_sql("contact", "incoming", "stored")
            )
            self.touched(con.execute(touched).fetchall()[0][0])
        values = ", ".join(f"incoming.{c}" if c in present else f"null as {c}" for c in CONTACT_VALUES)
        # rows in key order go into a primary-key index (a database from before it was dropped) much faster
        keyed = con.execute(db.read_sql("load/contact_primary_key.sql")).fetchall()[0][0]
        con.execute(
            db.read_sql("load/stream_insert.sql").format(
                columns=", ".join((*CONTACT_KEY, *CONTACT_VALUES)),
                values=values,
                new_only=(
                    "not exists (select 1 from contact as stored where stored.contact_key = incoming.contact_key)"
                    if stored_any
                    else "true"
                ),
                order_by="order by incoming.contact_key" if keyed else "",
            ),
            {"batch_id": batch_id},
        )
        return outcomes
