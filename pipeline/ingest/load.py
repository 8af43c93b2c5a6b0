"""Import a file into DuckDB per SPEC §4: one transaction per file, upsert by key, nothing lost or doubled.

The path of a file: read (bytes -> sheets) → headers (kind, columns) → clean (one rule per
function) → row rules → checks against the stored state (roster membership, overlapping
pairings) → classify each row against the stored table → write, all inside one transaction.

The work is column-wise, so that a ledger of a million rows costs seconds, not minutes: a sheet
comes as columns of codes into each column's distinct cells (read.RawSheet); each distinct cell is
read and cleaned once (clean.clean_distinct) and the rows follow by numpy indexing (Coded); the
rules of a row are masks over all rows, and only rejected rows get Python objects (their reasons
and raw cells). The rows to write go to DuckDB as Arrow tables sorted by key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import audit_chain, config, db, labels, masking
from pipeline.ingest import archive, clean, headers, progress_rules
from pipeline.ingest.read import RawColumn, RawSheet, ReadError, read_file
from pipeline.ingest.stream import ImportProgress

KIND_ORDER = ("roster", "visits", "issues", "callback")
_TOTAL_WORDS = ("合计", "总计")
_FOOTER_WORDS = (
    "填表人",
    "制表人",
    "填报人",
    "审核人",
    "负责人",
    "填报单位",
    "填报日期",
    "制表日期",
    "备注",
    "说明",
    "注：",
    "注:",
)
_WORD_HEADS = pa.array(sorted({word[0] for word in _TOTAL_WORDS + _FOOTER_WORDS}), pa.string())
_FAR_FUTURE = dt.date(9999, 12, 31)
_EPOCH = dt.date(1970, 1, 1)  # day 0 of Arrow's date32
DEFAULT_ENROLLED_ON = dt.date(1900, 1, 1)

# Stored columns per table (key columns first), in the order of pipeline/sql/schema.sql.
BENEFICIARY_KEY = ("id_number",)
BENEFICIARY_VALUES = ("name", "category", "county", "township", "village", "phone", "enrolled_on", "exited_on")
PAIRING_KEY = ("id_number", "cadre_phone")
PAIRING_VALUES = ("cadre_name", "department", "cadre_level", "pairing_mode", "paired_on", "unpaired_on")
CONTACT_KEY = ("contact_key",)
CONTACT_VALUES = (
    "record_no",
    "id_number",
    "contact_date",
    "method",
    "cadre_name",
    "cadre_phone",
    "summary",
    "satisfaction",
)
ISSUE_KEY = ("issue_key",)
ISSUE_VALUES = (
    "issue_no",
    "id_number",
    "raised_on",
    "category",
    "description",
    "level",
    "responsible_unit",
    "status",
    "closed_on",
    "rating",
)
# Optional columns: when a sheet has no such column at all, the stored value is kept.
BENEFICIARY_KEEP = ("village", "phone", "enrolled_on", "exited_on")
PAIRING_KEEP = ("cadre_level", "pairing_mode", "unpaired_on")
CONTACT_KEEP = ("cadre_name", "summary", "satisfaction")
ISSUE_KEEP = ("level", "responsible_unit", "rating")
# 回访记录 (SPEC §8): keyed like a contact, (身份证号, 回访日期, 回访人 or empty)
CALLBACK_KEY = ("callback_key",)
CALLBACK_VALUES = (
    "id_number",
    "callback_date",
    "caller",
    "reach",
    "knows_cadre",
    "contact_truth",
    "satisfaction",
    "reported_issue",
    "sample_id",
)
CALLBACK_KEEP = ("knows_cadre", "contact_truth", "satisfaction", "reported_issue", "sample_id")
# the cells of a 回访清单 row that say it was called; a row with none of them is a person not called yet
CALLBACK_ANSWERS = ("callback_date", "reach", "knows_cadre", "contact_truth", "satisfaction", "reported_issue")
DATE_FIELDS = {
    "enrolled_on",
    "exited_on",
    "paired_on",
    "unpaired_on",
    "contact_date",
    "raised_on",
    "closed_on",
    "callback_date",
}


# ---------------------------------------------------------------- report


@dataclass
class RowError:
    """A rejected row: where it is, which column, why, and its cells as written.

    held_back marks a row that is not rejected but was not applied because it would undo progress
    (SPEC §4, see progress_rules): it is listed and kept with the rejected rows, and counted apart.
    """

    sheet: str
    row: int
    column: str
    reason: str
    raw: dict[str, str] = field(default_factory=dict)
    held_back: bool = False

    def as_dict(self) -> dict:
        """The error as the CLI prints it."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    """What happened to one file."""

    file: str
    kind: str = ""
    sha256: str = ""
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    rejected: int = 0
    held_back: int = 0  # rows not applied because they would undo progress (listed in errors, not rejected)
    errors: list[RowError] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    unknown_columns: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    batch_id: int | None = None
    # ok | rolled_back (all-or-nothing with errors) | failed (nothing could be read, or a header and no rows)
    # | already_imported (the same bytes landed before: nothing written) | needs_confirmation (a complete
    # list whose missing people the uploader has not confirmed yet: nothing written)
    status: str = "ok"
    message: str = ""
    earlier_batch: int | None = None  # already_imported: the batch that landed the same bytes
    reopened: int = 0  # rows applied although they move an issue back or clear a 退出日期 (allow_reopen)
    full_list: dict | None = None  # a complete list: the county, the exit date, the people missing

    @property
    def landed(self) -> bool:
        """Whether the file's valid rows are in the database."""
        return self.status == "ok"

    @property
    def counted(self) -> bool:
        """Whether the counts describe the stored rows (landed now, or by the earlier import of the same bytes)."""
        return self.status in ("ok", "already_imported")

    def summary(self, max_errors: int = config.ERRORS_IN_SUMMARY) -> dict:
        """The one JSON object per file of CLI.md."""
        out = {
            "file": self.file,
            "kind": self.kind,
            "read": self.read,
            "inserted": self.inserted if self.counted else 0,
            "updated": self.updated if self.counted else 0,
            "unchanged": self.unchanged if self.counted else 0,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "held_back": self.held_back,
            "errors": [e.as_dict() for e in self.errors[:max_errors]],
            "notes": [masking.mask_text(note) for note in self.notes],
        }
        if self.status == "already_imported":
            out["status"] = self.status
            out["note"] = self.message
            out["earlier_batch"] = self.earlier_batch
        elif self.status != "ok":
            out["status"] = self.status
            out["message"] = self.message
        if self.full_list is not None:
            out["full_list"] = self.full_list
        return out


# ---------------------------------------------------------------- parsed rows

OUTCOMES = ("inserted", "updated", "unchanged")  # an outcome is stored as its index here
INSERTED, UPDATED, UNCHANGED = range(3)
NO_OUTCOME = -1


class Coded:
    """One field's clean values over a file's rows: a code per row into the field's distinct values.

    Cleaning happens per distinct cell (see parse_sheet), so the rows need only their codes; a
    row's values are gathered into a real array once, for the rows that are staged (see take).
    """

    __slots__ = ("codes", "distinct")

    def __init__(self, codes: np.ndarray, distinct: pa.Array) -> None:
        self.codes = codes  # one per row
        self.distinct = distinct  # Arrow array (string or date32), may hold nulls

    @classmethod
    def nulls(cls, count: int, kind: pa.DataType) -> Coded:
        """A field the sheet has no column for."""
        return cls(np.zeros(count, np.int32), pa.nulls(1, kind))

    @classmethod
    def plain(cls, array: pa.Array) -> Coded:
        """Values given row by row."""
        return cls(np.arange(len(array), dtype=np.int64), array)

    @classmethod
    def concat(cls, parts: list[Coded]) -> Coded:
        """The rows of several parts one after the other."""
        if len(parts) == 1:
            return parts[0]
        offsets = np.cumsum([0, *(len(part.distinct) for part in parts[:-1])])
        codes = np.concatenate(
            [part.codes.astype(np.int64) + offset for part, offset in zip(parts, offsets, strict=True)]
        )
        return cls(codes, pa.concat_arrays([part.distinct for part in parts]))

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, positions: np.ndarray) -> pa.Array:
        """The values at some positions, as an Arrow array."""
        return self.distinct.take(pa.array(self.codes[positions]))

    def take_filled(self, positions: np.ndarray, fill: object) -> pa.Array:
        """The values at some positions, `fill` for nulls."""
        return self.distinct.fill_null(fill).take(pa.array(self.codes[positions]))

    def take_text(self, positions: np.ndarray) -> pa.Array:
        """The values at some positions as text (a date as date.isoformat() writes it)."""
        return self.distinct.cast(pa.string()).take(pa.array(self.codes[positions]))

    def missing(self) -> np.ndarray:
        """True for each row whose value is null."""
        return _numpy(self.distinct.is_null())[self.codes]

    def days(self) -> np.ndarray:
        """Dates as day numbers since 1970-01-01 (nulls as 0: look at missing() too)."""
        return _numpy(self.distinct.cast(pa.int32()).fill_null(0))[self.codes]

    def isin(self, choices) -> np.ndarray:
        """True for each row whose value is one of the choices."""
        found = pc.is_in(self.distinct, value_set=pa.array(list(choices), self.distinct.type)).fill_null(False)
        return _numpy(found)[self.codes]

    def value(self, position: int) -> object:
        """One row's value as a Python object."""
        return self.distinct[int(self.codes[position])].as_py()

    def to_pylist(self) -> list:
        """Every row's value as a Python object."""
        return self.take(np.arange(len(self))).to_pylist()

    def where(self, mask: np.ndarray, default: object) -> Coded:
        """The same values, with `default` in the rows of `mask`."""
        distinct = pa.concat_arrays([self.distinct, pa.array([default], self.distinct.type)])
        return Coded(np.where(mask, len(self.distinct), self.codes), distinct)


@dataclass
class Rows:
    """The rows of one kind from one file, column-wise, after cleaning.

    A row is known by its position (0, 1, … over the file's sheets of this kind, in file order).
    Values are Coded columns, one per field, built from the cleaning of each distinct cell (see
    parse_sheet); nothing holds a Python object per row, so a file of a million rows stays cheap.
    """

    kind: str
    values: dict[str, Coded] = field(default_factory=dict)  # field -> clean values (string or date32)
    sheet_no: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # sheet number of each row
    index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # row index in its sheet
    sheets: list[tuple[RawSheet, dict[int, str]]] = field(default_factory=list)  # sheet, names of its cells
    absent_by_sheet: list[frozenset[str]] = field(default_factory=list)  # fields a sheet has no column for
    county_only: str | None = None  # a county user's upload may only touch that county's people
    errors: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    duplicate: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # superseded within the file
    # progress_rules: rows held back because they would undo progress (position -> column, reason), whether
    # the uploader allows them (then counted here), the rows of a cadre's phone change, notes for the report
    held: dict[int, tuple[str, str]] = field(default_factory=dict)
    allow_reopen: bool = False
    reopened: dict[str, int] = field(default_factory=lambda: {"issues": 0, "people": 0})
    phone_changed: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _parts: list[tuple[int, np.ndarray, dict[str, Coded]]] = field(default_factory=list)  # until finish()

    def __len__(self) -> int:
        return len(self.index)

    def pending(self) -> int:
        """Rows parsed so far (before finish(), len() counts only finished rows)."""
        return sum(len(indices) for _, indices, _ in self._parts)

    def add(self, sheet_number: int, indices: np.ndarray, values: dict[str, Coded]) -> None:
        """Append the cleaned rows of one sheet (rows `indices` of sheet `sheet_number`)."""
        self._parts.append((sheet_number, indices, values))

    def finish(self) -> None:
        """Join the sheets' parts into one array per field, once every sheet is parsed."""
        parts, self._parts = self._parts, []
        if not parts:
            return
        self.sheet_no = np.concatenate([self.sheet_no, *(np.full(len(ix), n, np.int32) for n, ix, _ in parts)])
        self.index = np.concatenate([self.index, *(ix.astype(np.int64) for _, ix, _ in parts)])
        for col in labels.COLUMNS[self.kind]:
            self.values[col.field] = Coded.concat([values[col.field] for _, _, values in parts])
        self.duplicate = np.zeros(len(self.index), bool)

    def reject(self, position: int, column: str, reason: str) -> None:
        """Mark a row rejected for a reason."""
        self.errors[int(position)].append((column, reason))

    def sheet_name(self, position: int) -> str:
        """The name of the sheet a row is on."""
        return self.sheets[self.sheet_no[position]][0].name

    def row_number(self, position: int) -> int:
        """A row's number as Excel shows it (1 = the first row)."""
        return int(self.index[position]) + 1

    def raw(self, position: int) -> dict[str, str]:
        """The row's non-empty cells under their original headers, as written."""
        sheet, header_texts = self.sheets[self.sheet_no[position]]
        index = int(self.index[position])
        length = sheet.length(index)
        texts = {}
        for c, name in header_texts.items():
            if c < length:
                column = sheet.columns[c]
                text = column.texts()[column.codes[index]]
                if text:
                    texts[name] = text
        return texts

    def absent(self, position: int) -> frozenset[str]:
        """Fields the row's sheet has no column for (their stored values are kept)."""
        return self.absent_by_sheet[self.sheet_no[position]]

    def keep_flags(self, positions: np.ndarray, fields: tuple[str, ...]) -> dict[str, np.ndarray]:
        """`keep__<field>` columns for staging: True where the row's sheet lacks the field."""
        sheets = self.sheet_no[positions]
        flags = {}
        for f in fields:
            lacking = np.array([f in absent for absent in self.absent_by_sheet], bool)
            if lacking.any():
                flags[f"keep__{f}"] = lacking[sheets]
        return flags

    def rejected(self) -> np.ndarray:
        """True for each position with at least one reason to refuse it."""
        mask = np.zeros(len(self), bool)
        if self.errors:
            mask[np.fromiter(self.errors.keys(), np.int64, len(self.errors))] = True
        return mask

    def hold(self, position: int, column: str, reason: str) -> None:
        """Hold a row back: not applied, not rejected (progress_rules)."""
        self.held[int(position)] = (column, reason)

    def valid(self) -> np.ndarray:
        """Positions neither rejected, nor superseded, nor held back, in file order."""
        out = self.rejected() | self.duplicate
        if self.held:
            out[np.fromiter(self.held.keys(), np.int64, len(self.held))] = True
        return np.flatnonzero(~out)

    def take(self, field_name: str, positions: np.ndarray) -> pa.Array:
        """The clean values of a field at some positions."""
        return self.values[field_name].take(positions)


def _field_type(field_name: str) -> pa.DataType:
    return pa.date32() if field_name in DATE_FIELDS else pa.string()


def _raw_headers(sheet: RawSheet, match: headers.HeaderMatch) -> dict[int, str]:
    """Names for the cells of a rejected row: canonical labels for known columns, else the header as written."""
    names: dict[int, str] = {c: labels.column_label(match.kind, f) for c, f in match.columns.items()}
    taken = set(names.values())
    for c, value in enumerate(sheet.row(match.row_index)):
        text = clean.cell_text(value)
        if not text or c in names:
            continue
        name, n = text, 2
        while name in taken:
            name, n = f"{text}（{n}）", n + 1
        names[c] = name
        taken.add(name)
    return dict(sorted(names.items()))


def _numpy(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False)


def _starts_with(texts: pa.Array, words: tuple[str, ...]) -> np.ndarray:
    """True for each text that starts with one of the words."""
    found = np.zeros(len(texts), bool)
    for word in words:
        found |= _numpy(pc.starts_with(texts, pattern=word))
    return found


def _skipped_rows(sheet: RawSheet, match: headers.HeaderMatch, body: slice) -> np.ndarray:
    """True for the rows under the header that are not data: blank, 合计/总计, a repeated header, a footer."""
    count = body.stop - body.start
    lengths = np.full(count, sheet.width, np.int32) if sheet.lengths is None else sheet.lengths[body]
    first = np.full(count, -1, np.int64)  # the first non-empty cell of each row
    id_filled = np.zeros(count, bool)
    id_columns = {c for c, f in match.columns.items() if f == "id_number"}
    # Left to right, each column looked at only in the rows still without a non-empty cell (most rows
    # have one in the first column), and in every row for the ID number columns.
    undecided = np.arange(count)
    last_id_column = max(id_columns, default=-1)
    for c in range(sheet.width):
        if not len(undecided) and c > last_id_column:
            break
        column = sheet.columns[c]
        filled_cells = column.filled()
        codes = column.codes[body]
        if c in id_columns:
            id_filled |= filled_cells[codes]
        if len(undecided):
            here = filled_cells[codes[undecided]]
            first[undecided[here]] = c
            undecided = undecided[~here]
    skip = first < 0
    for c in np.unique(first[~skip]).tolist():
        column = sheet.columns[c]
        texts = column.text_array()
        # Only a text whose first character begins one of the words can start with it (a text is
        # trimmed, so removing its spaces leaves that character first); the others are not looked at.
        heads = pc.is_in(pc.utf8_slice_codeunits(texts, 0, 1), value_set=_WORD_HEADS)
        maybe = np.flatnonzero(_numpy(heads.fill_null(False)))
        squeezed = pc.replace_substring(texts.take(pa.array(maybe, pa.int64())), " ", "")
        total_cells, footer_cells = np.zeros(len(texts), bool), np.zeros(len(texts), bool)
        total_cells[maybe] = _starts_with(squeezed, _TOTAL_WORDS)
        footer_cells[maybe] = _starts_with(squeezed, _FOOTER_WORDS)
        on = np.flatnonzero(first == c)
        codes = column.codes[body][on]
        total = total_cells[codes]
        footer = footer_cells[codes]
        skip[on] |= total | (footer & ~id_filled[on])  # 填表人：… 审核人：… under the table, not a person's row
    header = [clean.cell_text(value) for value in sheet.row(match.row_index)]
    repeated = lengths == len(header)
    for c, header_text in enumerate(header):
        if not repeated.any():
            break
        column = sheet.columns[c]
        repeated &= _numpy(pc.equal(column.text_array(), header_text))[column.codes[body]]
    return skip | repeated


def _first_of_each_row(sheet: RawSheet, body: slice, candidates: np.ndarray) -> np.ndarray:
    """True for the candidate rows whose cells (as text) did not appear in an earlier candidate row."""
    if len(candidates) < 2 or not sheet.width:
        return np.ones(len(candidates), bool)
    # A row whose text in one column no other candidate has repeats no row: only the rows sharing
    # their text in the column of most distinct cells (the ID number, as a rule) are compared in full.
    widest = max(sheet.columns, key=len)
    numbers, count = _text_numbers(widest, widest.codes[body][candidates])
    shared = np.flatnonzero(np.bincount(numbers, minlength=count)[numbers] > 1)
    first = np.ones(len(candidates), bool)
    if len(shared) < 2:
        return first
    candidates = candidates[shared]
    # One integer per row, equal for rows of equal texts: each column's text number in mixed radix,
    # renumbered (pd.factorize) before it could overflow 64 bits.
    key, size = np.zeros(len(candidates), np.int64), 1
    parts = []
    for column in sheet.columns:
        numbers, count = _text_numbers(column, column.codes[body][candidates])
        if count > 1:  # the same text on every row says nothing
            parts.append((numbers, count))
    if sheet.lengths is not None:  # ["a", "b"] and ["a", "b", ""] are different rows
        lengths = sheet.lengths[body][candidates]
        parts.append((lengths, int(lengths.max()) + 1))
    for numbers, count in parts:
        if size * count >= 2**62:
            key, distinct = pd.factorize(key)
            size = len(distinct)
        key, size = key * count + numbers, size * count
    first[shared] = ~pd.Series(key).duplicated(keep="first").to_numpy()
    return first


def _text_numbers(column: RawColumn, codes: np.ndarray) -> tuple[np.ndarray, int]:
    """A number per row for its cell's text (cells that read the same, "1", 1.0, " 1", share one), and
    how many numbers there are; only the cells these rows use are looked at."""
    used = np.zeros(len(column), bool)
    used[codes] = True
    where = np.flatnonzero(used)
    rank = np.cumsum(used) - 1  # a used cell's place among the used ones
    texts = column.text_of(where).dictionary_encode()
    return _numpy(texts.indices)[rank[codes]], len(texts.dictionary)


def parse_sheet(sheet: RawSheet, match: headers.HeaderMatch, rows: Rows, today: dt.date) -> tuple[int, int]:
    """Append a sheet's data rows to `rows` cleaned; returns (rows read, exact duplicates).

    Everything is done per distinct cell and then spread to the rows with numpy indexing: which
    rows are data, which repeat an earlier row exactly, and the cleaning of each column.
    """
    kind = match.kind
    body = slice(match.row_index + 1, max(sheet.height, match.row_index + 1))
    start = rows.pending()
    sheet_number = len(rows.sheets)
    rows.sheets.append((sheet, _raw_headers(sheet, match)))
    present = set(match.columns.values())
    absent = frozenset(c.field for c in labels.COLUMNS[kind] if c.field not in present)
    rows.absent_by_sheet.append(absent)
    candidates = np.flatnonzero(~_skipped_rows(sheet, match, body))
    if kind == "callback":  # the 回访清单's lines nobody has called yet are not rows to import
        candidates = _answered(sheet, match, body, candidates, rows)
    kept = candidates[_first_of_each_row(sheet, body, candidates)]
    count = len(kept)
    every_row = count == body.stop - body.start  # then a column's codes are its body's, no copy needed
    column_of = {f: c for c, f in match.columns.items()}
    values: dict[str, Coded] = {}
    bad: dict[str, np.ndarray] = {}  # field -> rows whose cell the cleaning refused
    for col in labels.COLUMNS[kind]:
        c = column_of.get(col.field)
        if c is None:
            values[col.field] = Coded.nulls(count, _field_type(col.field))
            bad[col.field] = np.zeros(count, bool)
            continue
        column = sheet.columns[c]
        codes = column.codes[body] if every_row else column.codes[body][kept]
        used = np.bincount(codes, minlength=len(column)) > 0
        cleaned, reasons = clean.clean_distinct(
            column, used, clean.cleaner_for(kind, col.field), col.label, _field_type(col.field)
        )
        values[col.field] = Coded(codes, cleaned)
        if reasons:
            refused_cells = np.zeros(len(column), bool)
            refused_cells[list(reasons)] = True
            refused = refused_cells[codes]
        else:
            refused = np.zeros(count, bool)
        bad[col.field] = refused
        for offset in np.flatnonzero(refused).tolist():
            rows.reject(start + offset, col.label, reasons[int(codes[offset])])
    _row_rules(rows, kind, start, values, bad, absent, today)
    rows.add(sheet_number, body.start + kept, values)
    return len(candidates), len(candidates) - count


def _answered(sheet: RawSheet, match: headers.HeaderMatch, body: slice, candidates: np.ndarray, rows: Rows):
    """The candidate rows of a callback sheet with at least one answer cell filled (a note counts the others)."""
    answered = np.zeros(len(candidates), bool)
    for c, field_name in match.columns.items():
        if field_name in CALLBACK_ANSWERS:
            column = sheet.columns[c]
            answered |= column.filled()[column.codes[body][candidates]]
    skipped = int((~answered).sum())
    if skipped:
        rows.notes.append(labels.MSG_CALLBACK_UNANSWERED.format(sheet=sheet.name, count=skipped))
    return candidates[answered]


def _nulls(array: pa.Array) -> np.ndarray:
    return array.is_null().to_numpy(zero_copy_only=False)


def _row_rules(
    rows: Rows,
    kind: str,
    start: int,
    values: dict[str, Coded],
    bad: dict[str, np.ndarray],
    absent: frozenset[str],
    today: dt.date,
) -> None:
    """Rules that look at several cells of a row: required columns, pairing completeness, date order.

    Each rule is applied to all rows at once; a row's reasons come in the order of the rules, the
    cleaning's first. `bad` marks the cells the cleaning refused (no second reason for those).
    """
    label = {c.field: c.label for c in labels.COLUMNS[kind]}
    null = {f: coded.missing() for f, coded in values.items()}
    for col in labels.COLUMNS[kind]:
        if col.required:
            for offset in np.flatnonzero(null[col.field] & ~bad[col.field]).tolist():
                rows.reject(start + offset, col.label, labels.MSG_REQUIRED.format(column=col.label))
    if kind == "roster":
        # without a 纳入日期 column at all the stored date is kept (see _merge)
        if "enrolled_on" not in absent:
            _fill(values, null, "enrolled_on", ~bad["enrolled_on"], DEFAULT_ENROLLED_ON)
        filled = {f: ~null[f] | bad[f] for f in labels.PAIRING_FIELDS}
        some = np.sum(list(filled.values()), axis=0)
        extra = np.any([~null[f] for f in ("unpaired_on", "cadre_level", "pairing_mode")], axis=0)
        partial = ((some > 0) | extra) & (some < len(labels.PAIRING_FIELDS))
        for offset in np.flatnonzero(partial).tolist():
            missing = [label[f] for f in labels.PAIRING_FIELDS if not filled[f][offset]]
            rows.reject(start + offset, missing[0], labels.MSG_PAIRING_PARTIAL.format(missing="、".join(missing)))
        _order(rows, start, values, null, "enrolled_on", "exited_on", label)
        _order(rows, start, values, null, "paired_on", "unpaired_on", label)
    elif kind == "visits":
        _not_future(rows, start, values, null, "contact_date", label, today)
    elif kind == "issues":
        if "level" not in absent:
            _fill(values, null, "level", ~bad["level"], labels.DEFAULT_ISSUE_LEVEL)
        status = values["status"]
        closed = status.isin(labels.CLOSED_STATUSES)
        no_date = null["closed_on"]
        for offset in np.flatnonzero(closed & no_date & ~bad["closed_on"]).tolist():
            message = labels.MSG_CLOSED_DATE_MISSING.format(status=status.value(offset))
            rows.reject(start + offset, label["closed_on"], message)
        open_status = ~null["status"] & ~closed  # a clean status is never empty
        for offset in np.flatnonzero(open_status & ~no_date).tolist():
            message = labels.MSG_CLOSED_DATE_OPEN.format(
                status=status.value(offset), value=values["closed_on"].value(offset)
            )
            rows.reject(start + offset, label["closed_on"], message)
        _order(rows, start, values, null, "raised_on", "closed_on", label)
        _not_future(rows, start, values, null, "raised_on", label, today)
        _not_future(rows, start, values, null, "closed_on", label, today)
    elif kind == "callback":
        _not_future(rows, start, values, null, "callback_date", label, today)
        unreached = values["reach"].isin(labels.CALLBACK_UNREACHED)
        answers = ("knows_cadre", "contact_truth", "satisfaction")
        for offset in np.flatnonzero(unreached & np.any([~null[f] for f in answers], axis=0)).tolist():
            columns = "、".join(label[f] for f in answers if not null[f][offset])
            message = labels.MSG_CALLBACK_UNREACHED_ANSWERS.format(reach=values["reach"].value(offset), columns=columns)
            rows.reject(start + offset, label["reach"], message)


def _fill(values: dict[str, Coded], null: dict[str, np.ndarray], name: str, where: np.ndarray, default) -> None:
    """Give a field its default where it is empty and `where` holds."""
    mask = null[name] & where
    if mask.any():
        values[name] = values[name].where(mask, default)
        null[name] = null[name] & ~mask


def _order(rows: Rows, start: int, values, null, earlier: str, later: str, label: dict[str, str]) -> None:
    wrong = ~null[earlier] & ~null[later] & (values[later].days() < values[earlier].days())
    for offset in np.flatnonzero(wrong).tolist():
        first, second = values[earlier].value(offset), values[later].value(offset)
        rows.reject(
            start + offset,
            label[later],
            labels.MSG_DATE_ORDER.format(
                later=label[later], later_value=second, earlier=label[earlier], earlier_value=first
            ),
        )


def _not_future(rows: Rows, start: int, values, null, field_name: str, label: dict[str, str], today: dt.date) -> None:
    late = ~null[field_name] & (values[field_name].days() > (today - _EPOCH).days)
    for offset in np.flatnonzero(late).tolist():
        value = values[field_name].value(offset)
        rows.reject(
            start + offset,
            label[field_name],
            labels.MSG_DATE_FUTURE.format(column=label[field_name], value=value, today=today),
        )


# ---------------------------------------------------------------- checks against the stored state


def _arrow(rows: Rows, positions: np.ndarray, fields: tuple[str, ...], extra: dict | None = None) -> pa.Table:
    """A typed Arrow table of some fields at some positions (dates as DATE, the rest as text)."""
    arrays, names = [], []
    for name in fields:
        arrays.append(rows.take(name, positions))
        names.append(name)
    for name, data in (extra or {}).items():
        arrays.append(data if isinstance(data, pa.Array | pa.ChunkedArray) else pa.array(data))
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def _stored_counties(con, ids: pa.Array) -> pa.Table:
    """(id_number, county) of each incoming person that is already in the roster."""
    con.register("incoming_ids", pa.table({"id_number": pc.unique(ids)}))
    try:
        return con.sql(db.read_sql("load/known_beneficiaries.sql")).to_arrow_table()
    finally:
        con.unregister("incoming_ids")


def _reject_unknown_beneficiaries(con, rows: Rows) -> None:
    positions = rows.valid()
    if not len(positions):
        return
    ids = rows.values["id_number"]  # looked up once per distinct ID number, then spread to the rows
    codes = ids.codes[positions]
    used = np.flatnonzero(np.bincount(codes, minlength=len(ids.distinct)))
    known = _stored_counties(con, ids.distinct.take(pa.array(used)))
    where = pc.index_in(ids.distinct, value_set=known.column("id_number").combine_chunks().cast(ids.distinct.type))
    label = labels.column_label(rows.kind, "id_number")
    unknown = _nulls(where)
    for offset in np.flatnonzero(unknown[codes]).tolist():
        value = masking.mask_id(ids.value(positions[offset]))  # masked here: many rows, each its own number
        rows.reject(positions[offset], label, labels.MSG_NOT_IN_ROSTER.format(value=value))
    if rows.county_only:
        stored = known.column("county").combine_chunks().take(where)
        elsewhere = ~unknown & ~_numpy(pc.equal(stored, rows.county_only).fill_null(False))
        for offset in np.flatnonzero(elsewhere[codes]).tolist():
            rows.reject(positions[offset], label, labels.MSG_OUT_OF_COUNTY.format(county=rows.county_only))


def _reject_other_counties(con, rows: Rows) -> None:
    """A county user's roster rows must be of his county, and must not move someone in from another."""
    positions = rows.valid()
    if not rows.county_only or not len(positions):
        return
    ids = rows.take("id_number", positions)
    known = _stored_counties(con, ids)
    where = pc.index_in(ids, value_set=known.column("id_number").combine_chunks().cast(ids.type))
    stored = known.column("county").combine_chunks().take(where)
    county = rows.take("county", positions)
    moved = pc.and_(pc.is_valid(stored), pc.not_equal(stored, rows.county_only)).fill_null(False)
    other = pc.not_equal(county, rows.county_only).fill_null(True)
    label = labels.column_label("roster", "county")
    for offset in np.flatnonzero(pc.or_(other, moved).to_numpy(zero_copy_only=False)).tolist():
        rows.reject(positions[offset], label, labels.MSG_OUT_OF_COUNTY.format(county=rows.county_only))


def _by_key(keys: pa.Table) -> tuple[np.ndarray, np.ndarray, pa.Table]:
    """(order, last, sorted): row numbers of `keys` sorted by key (file order within a key, the sort is
    stable), True in that order for the last row of each key (the one that wins), and the keys so sorted.

    Sorting the rows by key serves twice: equal keys end up side by side, and rows written in key
    order go into DuckDB's primary-key index (an ART, in a database created when schema.sql still
    declared the keys) much faster than rows in file order.
    """
    if len(keys.column_names) == 1:
        order = pc.sort_indices(keys.column(0))
    else:
        order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in keys.column_names])
    ordered = keys.take(order)
    same_as_next = np.ones(max(len(order) - 1, 0), bool)
    for column in ordered.columns:  # keys are never null here
        same_as_next &= _numpy(pc.equal(column.slice(0, len(order) - 1), column.slice(1)))
    return _numpy(order), np.append(~same_as_next, True)[: len(order)], ordered


def _supersede_by_key(rows: Rows, positions: np.ndarray, keys: pa.Table) -> tuple[np.ndarray, pa.Table]:
    """Within one file the last row of a key wins; earlier rows with the same key count as duplicates.

    `keys` has a row per position. Returns the winners as indices into `positions`, in key order,
    and their keys.
    """
    order, last, ordered = _by_key(keys)
    rows.duplicate[positions[order[~last]]] = True
    return order[last], (ordered if last.all() else ordered.filter(pa.array(last)))


def _check_overlaps(con, rows: Rows, batch_id: int | None = None) -> np.ndarray:
    """SPEC §2.1: at most one active pairing per person; checked on the state after the whole file.

    Returns the positions of the file's pairings (the last row of each key) in key order, the
    refused ones included. A cadre's change of phone (SPEC §4) is a meeting of two periods too: among
    the people the rule walks, such rows are recognised first and the stored pairing takes the new phone
    (progress_rules.apply_phone_changes, given the importing batch).
    """
    valid = rows.valid()
    paired = valid[~rows.values["cadre_phone"].missing()[valid]]
    if not len(paired):
        return paired
    keys = pa.table({"id_number": rows.take("id_number", paired), "cadre_phone": rows.take("cadre_phone", paired)})
    winners, _ = _supersede_by_key(rows, paired, keys)
    in_key_order = paired[winners]
    paired = paired[~rows.duplicate[paired]]
    id_array = rows.take("id_number", paired)
    con.register("incoming_ids", pa.table({"id_number": pc.unique(id_array)}))
    try:
        stored = con.sql(db.read_sql("load/stored_pairings.sql")).to_arrow_table()
    finally:
        con.unregister("incoming_ids")
    # Only a person with two pairings (stored or in the file) whose periods meet can have a row refused:
    # the rule walks the rows of those people alone, in file order (people do not affect each other).
    in_file, in_stored = _people_with_overlaps(
        id_array,
        rows.values["paired_on"].days()[paired],
        _end_days(rows.values["unpaired_on"], paired),
        stored,
    )
    if not in_file.any():
        return in_key_order
    paired = paired[in_file]
    stored = stored.filter(pa.array(in_stored))
    if batch_id is not None and progress_rules.apply_phone_changes(con, rows, paired, stored, batch_id):
        # the changes renamed stored pairings: read these people's pairings again
        con.register("incoming_ids", pa.table({"id_number": pc.unique(rows.take("id_number", paired))}))
        try:
            stored = con.sql(db.read_sql("load/stored_pairings.sql")).to_arrow_table()
        finally:
            con.unregister("incoming_ids")
    ids = rows.take("id_number", paired).to_pylist()
    phones = rows.take("cadre_phone", paired).to_pylist()
    starts = rows.take("paired_on", paired).to_pylist()
    ends = rows.take("unpaired_on", paired).to_pylist()
    position_of = {(id_number, phone): n for n, (id_number, phone) in enumerate(zip(ids, phones, strict=True))}
    stored_by_key = {
        (id_number, phone): (start, end or _FAR_FUTURE)
        for id_number, phone, start, end in zip(*(column.to_pylist() for column in stored.columns), strict=True)
    }
    # Stored pairings the file does not restate win. A restatement that is itself rejected leaves the
    # stored version in place, which may then block an earlier row: so repeat until nothing changes.
    kept = {key for key in stored_by_key if key not in position_of}
    forced: dict[int, tuple] = {}  # restatements that could not land, with the pairing they overlapped
    incoming = (ids, phones, starts, ends)
    while True:
        rejected = _greedy_overlaps(incoming, kept, stored_by_key, forced)
        newly_kept = {key for key, n in position_of.items() if n in rejected and key in stored_by_key} - kept
        if not newly_kept:
            break
        for key in newly_kept:
            forced[position_of[key]] = rejected[position_of[key]]
        kept |= newly_kept
    label = labels.column_label("roster", "paired_on")
    for n, clash in rejected.items():
        other_phone = masking.mask_phone(clash[2])
        rows.reject(paired[n], label, labels.MSG_PAIRING_OVERLAP.format(other_phone=other_phone, other_start=clash[0]))
    return in_key_order


_FAR_FUTURE_DAYS = (_FAR_FUTURE - _EPOCH).days
_DAY_SPAN = 1 << 23  # more days than from 0001-01-01 to 9999-12-31: one person's dates fit in one span


def _end_days(ends: Coded, positions: np.ndarray) -> np.ndarray:
    """End dates as day numbers, 9999-12-31 for an open pairing."""
    return np.where(ends.missing()[positions], _FAR_FUTURE_DAYS, ends.days()[positions])


def _people_with_overlaps(
    file_ids: pa.Array, file_starts: np.ndarray, file_ends: np.ndarray, stored: pa.Table
) -> tuple[np.ndarray, np.ndarray]:
    """(file rows, stored rows) of the people with two periods [start, end) that meet, stored and file ones together.

    For a person with no two such periods no order of accepting them refuses any, so the row-by-row
    rule (_greedy_overlaps) has nothing to do for them. Sorted by person and start, a period meets an
    earlier one when it starts before the latest end so far; the person's number times _DAY_SPAN added
    to every day keeps each person's running maximum apart from the previous person's.
    """
    stored_starts = _numpy(stored.column("paired_on").combine_chunks().cast(pa.int32())).astype(np.int64)
    stored_ends = stored.column("unpaired_on").combine_chunks()
    stored_ends = _numpy(stored_ends.cast(pa.int32()).fill_null(_FAR_FUTURE_DAYS)).astype(np.int64)
    ids = pa.concat_arrays([file_ids, stored.column("id_number").combine_chunks().cast(file_ids.type)])
    person = _numpy(ids.dictionary_encode().indices).astype(np.int64)
    starts = np.concatenate([file_starts.astype(np.int64), stored_starts])
    ends = np.concatenate([file_ends.astype(np.int64), stored_ends])
    base = person * _DAY_SPAN
    # by person, then start; ties in any order: of two periods that meet, the later one sorted is caught
    order = np.argsort(base + starts)
    base = base[order]
    latest_end = np.maximum.accumulate(base + ends[order])
    meets = np.zeros(len(order), bool)
    meets[1:] = base[1:] + starts[order][1:] < latest_end[:-1]
    flagged = np.zeros(int(person.max(initial=-1)) + 1, bool)
    flagged[person[order][meets]] = True
    chosen = flagged[person]
    return chosen[: len(file_ids)], chosen[len(file_ids) :]


def _greedy_overlaps(incoming: tuple, kept: set, stored_by_key: dict, forced: dict) -> dict[int, tuple]:
    """Accept kept stored pairings, then file rows in file order; {row n of `incoming`: the pairing it overlaps}."""
    intervals: dict[str, list[tuple]] = defaultdict(list)
    # The stored pairings in a fixed order (earliest first), so that a row overlapping several of them
    # is always told about the same one (a set's order changes from one process to the next).
    for id_number, phone in sorted(kept, key=lambda key: (stored_by_key[key][0], key[1])):
        start, end = stored_by_key[(id_number, phone)]
        intervals[id_number].append((start, end, phone))
    rejected: dict[int, tuple] = {}
    for n, (id_number, phone, start, end) in enumerate(zip(*incoming, strict=True)):
        if n in forced:  # its stored version stands; this restatement cannot land
            rejected[n] = forced[n]
            continue
        end = end or _FAR_FUTURE
        clash = next((o for o in intervals[id_number] if start < o[1] and o[0] < end), None)
        if clash:
            rejected[n] = clash
        else:
            intervals[id_number].append((start, end, phone))
    return rejected


def contact_key(record_no: str | None, id_number: str, date: dt.date, method: str, phone: str | None) -> str:
    """The dedup key of a contact: 记录编号 (per person) when present, else person+date+method+phone."""
    if record_no:
        return f"R|{id_number}|{record_no}"
    return f"K|{id_number}|{date.isoformat()}|{method}|{phone or ''}"


def issue_key(issue_no: str | None, id_number: str, raised_on: dt.date, category: str, description: str) -> str:
    """The key of an issue: 问题编号 (per person) when present, else person+date+category+description."""
    if issue_no:
        return f"N|{id_number}|{issue_no}"
    return natural_issue_key(id_number, raised_on, category, description)


def natural_issue_key(id_number: str, raised_on: dt.date, category: str, description: str) -> str:
    """The key of an issue written without a number."""
    return f"K|{id_number}|{raised_on.isoformat()}|{category}|{description}"


def _joined(*parts) -> pa.Array:
    """parts joined with "|" row by row (null where a part is null)."""
    return pc.binary_join_element_wise(*parts, "|")


def contact_keys(rows: Rows, positions: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """contact_key of the rows at some positions, computed column-wise: (the positions reordered, their keys).

    Rows with a 记录编号 come first, then the others, each group in the given order: building the
    two kinds of key apart and joining them is cheaper than building both for every row and choosing.
    """
    numbered = ~rows.values["record_no"].missing()[positions]
    by_number, by_content = positions[numbered], positions[~numbered]
    number_keys = _joined("R", rows.take("id_number", by_number), rows.take("record_no", by_number))
    content_keys = _joined(
        "K",
        rows.take("id_number", by_content),
        rows.values["contact_date"].take_text(by_content),
        rows.take("method", by_content),
        rows.values["cadre_phone"].take_filled(by_content, ""),
    )
    return np.concatenate([by_number, by_content]), pa.concat_arrays([number_keys, content_keys])


def natural_issue_keys(rows: Rows, positions: np.ndarray) -> pa.Array:
    """natural_issue_key of the rows at some positions, computed column-wise."""
    date = rows.values["raised_on"].take_text(positions)
    return _joined(
        "K", rows.take("id_number", positions), date, *(rows.take(f, positions) for f in ("category", "description"))
    )


def issue_keys(rows: Rows, positions: np.ndarray, natural: pa.Array) -> pa.Array:
    """issue_key of the rows at some positions, computed column-wise."""
    issue_no = rows.take("issue_no", positions)
    by_number = _joined("N", rows.take("id_number", positions), issue_no)
    return pc.if_else(pc.is_valid(issue_no), by_number, natural)


# ---------------------------------------------------------------- writing


def _merge(
    con,
    table: str,
    key: tuple[str, ...],
    values: tuple[str, ...],
    staged: pa.Table,
    batch_id: int,
    size: int,
    defaults: dict[str, object] | None = None,
) -> np.ndarray:
    """Classify staged rows (with a `pos` column, in key order) against `table`, write them.

    Returns the outcome (an index into OUTCOMES) of every position below `size`, NO_OUTCOME for
    positions that were not staged. The rows go in as Arrow tables in key order (see _by_key).
    """
    keep = [name for name in staged.column_names if name.startswith("keep__")]
    if keep:
        staged = _keep_stored(con, table, key, values, staged, keep, defaults or {})
    else:  # no stored value to keep: a default fills what is empty (fill_default.sql does the same)
        for field_name, value in (defaults or {}).items():
            staged = staged.set_column(
                staged.column_names.index(field_name),
                field_name,
                pc.fill_null(staged.column(field_name), pa.scalar(value, staged.schema.field(field_name).type)),
            )
    key_match = " and ".join(f"stored.{k} = staged.{k}" for k in key)
    same = " and ".join(f"staged.{c} is not distinct from stored.{c}" for c in values)
    outcomes = np.full(size, NO_OUTCOME, np.int8)
    if con.execute(db.read_sql("load/stored_any.sql").format(table=table)).fetchall()[0][0]:
        con.register("staged", staged)
        try:
            classified = con.sql(
                db.read_sql("load/classify.sql").format(table=table, key_match=key_match, same_values=same)
            ).fetchnumpy()
        finally:
            con.unregister("staged")
        outcomes[classified["pos"]] = classified["outcome"]
    else:  # nothing stored yet (a first import): every staged row is new, as classify.sql would say
        outcomes[_numpy(staged.column("pos"))] = INSERTED
    of_row = outcomes[_numpy(staged.column("pos"))]
    columns = ", ".join(key + values)
    incoming_match = " and ".join(f"stored.{k} = incoming.{k}" for k in key)
    assignments = ", ".join(f"{c} = incoming.{c}" for c in values)
    for outcome, sql_file, fill in (
        (INSERTED, "load/apply_insert.sql", {"table": table, "columns": columns}),
        (UPDATED, "load/apply_update.sql", {"table": table, "assignments": assignments, "key_match": incoming_match}),
    ):
        chosen = of_row == outcome
        if not chosen.any():
            continue
        con.register("incoming", staged if chosen.all() else staged.filter(pa.array(chosen)))
        try:
            con.execute(db.read_sql(sql_file).format(**fill), {"batch_id": batch_id})
        finally:
            con.unregister("incoming")
    return outcomes


def _keep_stored(con, table, key, values, staged: pa.Table, keep: list[str], defaults: dict) -> pa.Table:
    """Staged rows with the stored value of each column their sheet lacks (`keep__` flags), then defaults."""
    key_match = " and ".join(f"stored.{k} = staged.{k}" for k in key)
    con.register("staged_input", staged)
    try:
        con.execute("create or replace temp table staged as select * from staged_input")
    finally:
        con.unregister("staged_input")
    try:
        for name in keep:
            field_name = name.removeprefix("keep__")
            if field_name not in values:
                raise ValueError(name)
            con.execute(db.read_sql("load/keep_stored.sql").format(table=table, field=field_name, key_match=key_match))
        for field_name, value in defaults.items():
            con.execute(db.read_sql("load/fill_default.sql").format(field=field_name), {"value": value})
        # read back in the order written (updates change values in place): still key order, which
        # only matters for speed (see _by_key)
        kept = con.sql(db.read_sql("load/staged_rows.sql")).to_arrow_table()
    finally:
        con.execute("drop table staged")
    return kept.drop_columns(keep)


def _staged(rows: Rows, positions: np.ndarray, fields: tuple[str, ...], keep: tuple[str, ...], **extra) -> pa.Table:
    """Arrow table of rows to merge: fields, `keep__` flags for columns a sheet lacks, extra columns, pos."""
    flags = {name: pa.array(flag) for name, flag in rows.keep_flags(positions, keep).items()}
    return _arrow(rows, positions, fields, {**extra, **flags, "pos": pa.array(positions, pa.int64())})


def _load_roster(con, rows: Rows, batch_id: int) -> np.ndarray:
    _reject_other_counties(con, rows)
    progress_rules.hold_back_exits(con, rows)  # a row clearing a stored 退出日期 waits, with all its person's rows
    pairings = _check_overlaps(con, rows, batch_id)
    valid = rows.valid()
    # beneficiary columns come from the person's latest valid row
    order, last, _ordered = _by_key(_arrow(rows, valid, BENEFICIARY_KEY))
    ben_positions = valid[order[last]]
    ben = _merge(
        con,
        "beneficiary",
        BENEFICIARY_KEY,
        BENEFICIARY_VALUES,
        _staged(rows, ben_positions, BENEFICIARY_KEY + BENEFICIARY_VALUES, BENEFICIARY_KEEP),
        batch_id,
        len(rows),
        defaults={"enrolled_on": DEFAULT_ENROLLED_ON},
    )
    paired = pairings[~rows.rejected()[pairings]]  # in key order, as _by_key sorted them
    pair = _merge(
        con,
        "pairing",
        PAIRING_KEY,
        PAIRING_VALUES,
        _staged(rows, paired, PAIRING_KEY + PAIRING_VALUES, PAIRING_KEEP),
        batch_id,
        len(rows),
    )
    winner = np.zeros(len(rows), bool)
    winner[ben_positions] = True
    # A paired row counts by its pairing, and as updated when only the person's own columns changed;
    # an unpaired row counts by its person; an unpaired row whose person a later row restates is a duplicate.
    outcomes = np.where(pair != NO_OUTCOME, pair, np.where(winner, ben, NO_OUTCOME)).astype(np.int8)
    outcomes[(pair == UNCHANGED) & winner & (ben != UNCHANGED)] = UPDATED
    if rows.phone_changed:  # the pairing took the new phone before the merge compared it
        changed = np.array(rows.phone_changed, np.int64)
        outcomes[changed[outcomes[changed] != NO_OUTCOME]] = UPDATED
    restated = np.zeros(len(rows), bool)
    restated[valid] = True
    rows.duplicate |= restated & (outcomes == NO_OUTCOME)
    return outcomes


def _load_visits(con, rows: Rows, batch_id: int) -> np.ndarray:
    load_staged = getattr(rows, "load_staged", None)
    if load_staged is not None:  # a contact log read in chunks: its rows wait in DuckDB (chunked.StreamedVisits)
        return load_staged(con, batch_id)
    _reject_unknown_beneficiaries(con, rows)
    # the keys come grouped (see contact_keys), each group in file order: the stable sort in
    # _supersede_by_key still finds the last row of each key in the file
    positions, keys = contact_keys(rows, rows.valid())
    winners, kept = _supersede_by_key(rows, positions, pa.table({"contact_key": keys}))
    staged = _staged(rows, positions[winners], CONTACT_VALUES, CONTACT_KEEP, contact_key=kept.column(0))
    return _merge(con, "contact", CONTACT_KEY, CONTACT_VALUES, staged, batch_id, len(rows))


def _query_staged(con, staged: pa.Table, sql_file: str) -> list[tuple]:
    con.register("staged", staged)
    try:
        return con.execute(db.read_sql(sql_file)).fetchall()
    finally:
        con.unregister("staged")


def _load_issues(con, rows: Rows, batch_id: int) -> np.ndarray:
    _reject_unknown_beneficiaries(con, rows)
    valid = rows.valid()
    natural = natural_issue_keys(rows, valid)
    keys = issue_keys(rows, valid, natural)
    probe = _arrow(rows, valid, ISSUE_VALUES, {"issue_key": keys, "pos": pa.array(valid, pa.int64())})
    renumbered = _query_staged(con, probe, "load/issue_renumber.sql")
    if renumbered:  # a later ledger without numbers updates the numbered issue
        offset_of = {int(pos): n for n, pos in enumerate(valid.tolist())}
        key_list = keys.to_pylist()
        issue_no = rows.values["issue_no"].to_pylist()
        for pos, stored_key, stored_no in renumbered:
            key_list[offset_of[pos]] = stored_key
            issue_no[pos] = stored_no
        keys = pa.array(key_list, pa.string())
        rows.values["issue_no"] = Coded.plain(pa.array(issue_no, pa.string()))
    winners, kept = _supersede_by_key(rows, valid, pa.table({"issue_key": keys}))
    staged = _staged(
        rows,
        valid[winners],
        ISSUE_VALUES,
        ISSUE_KEEP,
        issue_key=kept.column(0),
        natural_key=natural.take(pa.array(winners)),
    )
    staged = progress_rules.hold_back_issues(con, rows, staged)  # a closed issue is not moved back
    taken_over = dict(_query_staged(con, staged, "load/issue_takeover.sql"))
    if taken_over:
        old = pa.table({"issue_key": pa.array(list(taken_over.values()), pa.string())})
        con.register("old_keys", old)
        con.execute("delete from issue where issue_key in (select issue_key from old_keys)")
        con.unregister("old_keys")
    staged = staged.drop_columns(["natural_key"])
    outcomes = _merge(
        con,
        "issue",
        ISSUE_KEY,
        ISSUE_VALUES,
        staged,
        batch_id,
        len(rows),
        defaults={"level": labels.DEFAULT_ISSUE_LEVEL},
    )
    for pos in taken_over:
        outcomes[pos] = UPDATED
    return outcomes


def callback_key(id_number: str, date: dt.date, caller: str | None) -> str:
    """The key of a callback: person + 回访日期 + 回访人 (or empty)."""
    return f"C|{id_number}|{date.isoformat()}|{caller or ''}"


def _resolve_masked_ids(con, rows: Rows) -> None:
    """A 回访清单 sent back shows ID numbers masked: find each person through the row's 抽样编号 and 序号.

    The masked number must agree with the person of that line (area code and last four); otherwise, or
    without both numbers, or with a line that does not exist, the row is rejected.
    """
    ids = rows.values["id_number"]
    if not len(rows):
        return
    masked_cells = _numpy(pc.match_substring_regex(ids.distinct, clean.MASKED_ID.pattern).fill_null(False))
    candidates = np.flatnonzero(masked_cells[ids.codes] & ~rows.rejected())
    samples, lines = rows.values["sample_id"], rows.values["line_no"]
    sample_given = ~samples.missing()
    if sample_given.any():  # a 抽样编号 that names no sample, on any row
        wanted = sorted({int(v) for v in samples.take(np.flatnonzero(sample_given & ~rows.rejected())).to_pylist()})
        known = {row[0] for row in con.execute(db.read_sql("callbacks/samples_known.sql"), {"ids": wanted}).fetchall()}
        label = labels.column_label("callback", "sample_id")
        for position in np.flatnonzero(sample_given & ~rows.rejected()).tolist():
            if int(samples.value(position)) not in known:
                rows.reject(position, label, labels.MSG_CALLBACK_SAMPLE_UNKNOWN.format(sample=samples.value(position)))
        candidates = candidates[~rows.rejected()[candidates]]
    if not len(candidates):
        return
    label = labels.column_label("callback", "id_number")
    wanted_lines = []
    for position in candidates.tolist():
        if samples.missing()[position] or lines.missing()[position]:
            rows.reject(position, label, labels.MSG_CALLBACK_MASKED_ID.format(value=ids.value(position)))
        else:
            wanted_lines.append((position, int(samples.value(position)), int(lines.value(position))))
    if not wanted_lines:
        return
    found = {
        (sample, line): id_number
        for sample, line, id_number in con.execute(
            db.read_sql("callbacks/sample_line_ids.sql"),
            {"samples": [s for _, s, _ in wanted_lines], "lines": [n for _, _, n in wanted_lines]},
        ).fetchall()
    }
    resolved = ids.to_pylist()
    for position, sample, line in wanted_lines:
        written = ids.value(position)
        full = found.get((sample, line))
        if full is None:
            rows.reject(position, label, labels.MSG_CALLBACK_NO_LINE.format(sample=sample, line=line, value=written))
        elif masking.mask_id(full) != written:
            message = labels.MSG_CALLBACK_LINE_MISMATCH.format(
                value=written, sample=sample, line=line, expected=masking.mask_id(full)
            )
            rows.reject(position, label, message)
        else:
            resolved[position] = full
    rows.values["id_number"] = Coded.plain(pa.array(resolved, pa.string()))


def _load_callbacks(con, rows: Rows, batch_id: int) -> np.ndarray:
    _resolve_masked_ids(con, rows)
    _reject_unknown_beneficiaries(con, rows)
    valid = rows.valid()
    keys = _joined(
        "C",
        rows.take("id_number", valid),
        rows.values["callback_date"].take_text(valid),
        rows.values["caller"].take_filled(valid, ""),
    )
    winners, kept = _supersede_by_key(rows, valid, pa.table({"callback_key": keys}))
    staged = _staged(rows, valid[winners], CALLBACK_VALUES, CALLBACK_KEEP, callback_key=kept.column(0))
    where = staged.column_names.index("sample_id")
    staged = staged.set_column(where, "sample_id", pc.cast(staged.column("sample_id"), pa.int32()))
    return _merge(con, "callback", CALLBACK_KEY, CALLBACK_VALUES, staged, batch_id, len(rows))


LOADERS = {"roster": _load_roster, "visits": _load_visits, "issues": _load_issues, "callback": _load_callbacks}


# ---------------------------------------------------------------- entry points


def prepare(sheets: list[RawSheet], report: ImportReport, kind: str | None, today: dt.date) -> dict[str, Rows]:
    """Recognise and clean every sheet; the rows of each kind of the whole file, or {} when it fails."""
    parsed: dict[str, Rows] = {}
    for sheet in sheets:
        top = sheet.head(headers.ROWS_LOOKED_AT)  # all the header search reads
        match = headers.find_header(top, sheet.name, kind)
        if match is None:
            detected = headers.find_header(top, sheet.name) if kind else None
            if detected is not None:
                report.notes.append(
                    labels.MSG_KIND_MISMATCH.format(
                        sheet=sheet.name, kind=labels.KIND_LABELS[kind], detected=labels.KIND_LABELS[detected.kind]
                    )
                )
            elif sheet.has_text():
                report.notes.append(labels.MSG_SHEET_SKIPPED.format(sheet=sheet.name))
            continue
        missing = match.missing_required
        if missing:
            report.status = "failed"
            report.message = labels.MSG_MISSING_COLUMNS.format(
                sheet=sheet.name, kind=labels.KIND_LABELS[match.kind], columns="、".join(missing)
            )
            return {}
        if match.unknown:
            report.unknown_columns[sheet.name] = match.unknown
            report.notes.append(labels.MSG_UNKNOWN_COLUMNS.format(sheet=sheet.name, columns="、".join(match.unknown)))
        rows = parsed.setdefault(match.kind, Rows(match.kind))
        read, duplicates = parse_sheet(sheet, match, rows, today)
        report.read += read
        report.duplicate += duplicates
        report.sheets.append({"sheet": sheet.name, "kind": match.kind, "header_row": match.row_index + 1})
    for rows in parsed.values():
        rows.finish()
    if not parsed:
        report.status = "failed"
        report.message = labels.MSG_NO_SHEET_RECOGNISED.format(file=report.file)
        if report.notes:
            report.message += "（" + "；".join(report.notes) + "）"
    report.kind = ",".join(k for k in KIND_ORDER if k in parsed)
    if parsed and report.read == 0:  # a blank template sent back: refused, nothing recorded (SPEC §4)
        report.status = "failed"
        report.message = labels.MSG_HEADER_ONLY
        if set(parsed) == {"callback"} and any(rows.notes for rows in parsed.values()):
            report.message = labels.MSG_CALLBACK_NOTHING_ANSWERED  # a 回访清单 sent back before anyone was called
    return parsed


_ELEVEN_DIGITS = re.compile(r"\d{11}")


def _collect_errors(parsed: dict[str, Rows], report: ImportReport) -> None:
    """The rejected rows, then the held-back ones, of each kind; every reason with its ID numbers and phones masked."""
    masked: dict[str, str] = {}  # many rows share a reason: each distinct text is masked once

    def mask(text: str) -> str:
        if text not in masked:  # only a text with a run of 11 digits can hold an ID number or a mobile
            masked[text] = masking.mask_text(text) if _ELEVEN_DIGITS.search(text) else text
        return masked[text]

    for kind in KIND_ORDER:
        rows = parsed.get(kind)
        if rows is None:
            continue
        for i, problems in sorted(rows.errors.items()):  # positions follow the sheets' and rows' order
            columns = "、".join(dict.fromkeys(column for column, _ in problems))
            reasons = mask("；".join(reason for _, reason in problems))
            report.errors.append(RowError(rows.sheet_name(i), rows.row_number(i), columns, reasons, rows.raw(i)))
    report.rejected = len(report.errors)
    for kind in KIND_ORDER:
        rows = parsed.get(kind)
        if rows is None:
            continue
        for i, (column, reason) in sorted(rows.held.items()):
            error = RowError(rows.sheet_name(i), rows.row_number(i), column, mask(reason), rows.raw(i), held_back=True)
            report.errors.append(error)
    report.held_back = len(report.errors) - report.rejected


def _store_rejected(con, report: ImportReport) -> None:
    if not report.errors:
        return
    table = pa.table(
        {
            "batch_id": pa.array([report.batch_id] * len(report.errors), pa.int32()),
            "sheet": [e.sheet for e in report.errors],
            "row_no": pa.array([e.row for e in report.errors], pa.int32()),
            "column_name": [e.column for e in report.errors],
            "reason": [e.reason for e in report.errors],
            "raw": [json.dumps(e.raw, ensure_ascii=False) for e in report.errors],
            "held_back": pa.array([e.held_back for e in report.errors], pa.bool_()),
        }
    )
    con.register("rejected_staged", table)
    try:
        con.execute(db.read_sql("load/store_rejected.sql"))
    finally:
        con.unregister("rejected_staged")


# One import at a time in this process. The keys of beneficiary, pairing and contact stay unique because
# an import inserts only the keys it did not find stored (schema.sql has no primary key on them), which
# holds only if no other import commits between its reading and its commit. Another process cannot
# write meanwhile: DuckDB locks the file for the process that opened it.
_ONE_IMPORT_AT_A_TIME = threading.Lock()


def _write(
    con,
    parsed: dict[str, Rows],
    report: ImportReport,
    all_or_nothing: bool,
    user: str,
    full_list: progress_rules.FullList | None = None,
    today: dt.date | None = None,
) -> None:
    with _ONE_IMPORT_AT_A_TIME:
        # The same bytes landed before: nothing changes, whatever came after them (SPEC §4). Reopening and a
        # complete list are the uploader's explicit word about this file: then it is applied as written.
        explicit = full_list is not None or any(rows.allow_reopen for rows in parsed.values())
        earlier = None if explicit else progress_rules.earlier_batch(con, report.sha256)
        if earlier is not None:
            progress_rules.report_already_imported(con, report, earlier)
            return
        check = None
        if full_list is not None:  # the county's people missing from its complete list, before anything changes
            check = progress_rules.missing_people(con, parsed, full_list, config.today(today))
            if check.error:
                report.status, report.message = "failed", check.error
                return
            if check.missing and not full_list.confirmed:
                report.status = "needs_confirmation"
                report.full_list = check.summary()
                report.message = labels.MSG_FULL_LIST_CONFIRM.format(
                    county=check.county, count=len(check.missing), exit_on=check.exit_on
                )
                return
        # the audit records written inside the import's transaction keep the audit chain's turn until it ends
        with audit_chain.turn(con):
            _write_file(con, parsed, report, all_or_nothing, user, full_list, check)


def _write_file(
    con,
    parsed: dict[str, Rows],
    report: ImportReport,
    all_or_nothing: bool,
    user: str,
    full_list: progress_rules.FullList | None = None,
    check: progress_rules.FullListCheck | None = None,
) -> None:
    con.execute("begin transaction")
    try:
        report.batch_id = con.execute("select nextval('import_batch_seq')").fetchall()[0][0]
        con.execute(
            db.read_sql("load/insert_batch.sql"),
            {
                "batch_id": report.batch_id,
                "imported_at": dt.datetime.now().replace(microsecond=0),
                "user_name": user,
                "file_name": report.file,
                "sha256": report.sha256,
                "kind": report.kind,
                "sheets": json.dumps(report.sheets, ensure_ascii=False),
                "unknown": json.dumps(report.unknown_columns, ensure_ascii=False),
            },
        )
        counts = {"inserted": 0, "updated": 0, "unchanged": 0}
        for kind in KIND_ORDER:  # roster first: visits and issues of the same file may need its people
            rows = parsed.get(kind)
            if rows is None:
                continue
            outcomes = LOADERS[kind](con, rows, report.batch_id)
            tally = np.bincount(outcomes[outcomes != NO_OUTCOME], minlength=len(OUTCOMES))
            for name, number in zip(OUTCOMES, tally.tolist(), strict=True):
                counts[name] += number
            report.duplicate += int(rows.duplicate.sum())
        report.inserted, report.updated, report.unchanged = counts["inserted"], counts["updated"], counts["unchanged"]
        if "issues" in parsed:  # each state an import sets is kept (一人一档's issue history)
            con.execute(db.read_sql("load/issue_history_insert.sql"), {"batch_id": report.batch_id})
        _collect_errors(parsed, report)
        if all_or_nothing and report.rejected:
            con.execute("rollback")
            report.status = "rolled_back"
            report.message = labels.MSG_ALL_OR_NOTHING.format(rejected=report.rejected)
            report.batch_id = None
            return
        for rows in parsed.values():  # a cadre's phone changes
            report.notes.extend(rows.notes)
        county = next((rows.county_only for rows in parsed.values() if rows.county_only), None)
        progress_rules.audit_reopened(con, parsed, report, user, county)
        if check is not None:
            exited = 0
            if full_list.confirmed:
                exited = progress_rules.apply_full_list(con, check, full_list, report, report.batch_id, user)
            if not check.missing:
                report.notes.append(labels.MSG_FULL_LIST_NONE_MISSING.format(county=check.county))
            report.full_list = check.summary(exited)
        _store_rejected(con, report)
        con.execute(
            db.read_sql("load/finish_batch.sql"),
            {
                "batch_id": report.batch_id,
                "read": report.read,
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "duplicate": report.duplicate,
                "rejected": report.rejected,
                "held_back": report.held_back,
            },
        )
        _test_pause("before_commit")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        report.batch_id = None
        raise
    _test_pause("after_commit")
    _checkpoint(con)


def _checkpoint(con) -> None:
    """Move the committed batch from the WAL into the database file now, not at some later open.

    DuckDB refuses while another connection of this process (another session, or one merely opening
    the database: schema.sql is a write) has a write transaction open. Those are short, so try again
    for a second; past that the batch stays in the WAL, where the commit already made it durable, and
    the next checkpoint (another import's, or the last connection closing) moves it.
    """
    for _ in range(20):
        try:
            con.execute("checkpoint")
            return
        except duckdb.TransactionException:
            time.sleep(0.05)


# Test-only hook, never set in real use: tests/test_durability.py sets GUANAI_TEST_IMPORT_PAUSE to
# "POINT:SECONDS:MARKER" to hold an import at a known point, before_commit (rows written, transaction
# open) or after_commit (committed, not yet checkpointed), and kill it there; MARKER is created on arrival.
TEST_PAUSE_VARIABLE = "GUANAI_TEST_IMPORT_PAUSE"


def _test_pause(point: str) -> None:
    setting = os.environ.get(TEST_PAUSE_VARIABLE)
    if not setting:
        return
    where, seconds, marker = setting.split(":", 2)
    if where == point:
        Path(marker).touch()
        time.sleep(float(seconds))


def import_bytes(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    kind: str | None = None,
    all_or_nothing: bool = False,
    user: str = labels.DEFAULT_USER,
    today: dt.date | str | None = None,
    county: str | None = None,
    allow_reopen: bool = False,
    full_list: progress_rules.FullList | None = None,
    progress=None,
) -> ImportReport:
    """Import one file given as bytes; the report says what happened to every row (`county`: a county user's).

    allow_reopen applies the rows that move a closed issue back or clear a 退出日期 (audited); full_list
    declares the file a county's complete list (see progress_rules.FullList). A .zip or .gz holding one
    sheet file is opened (archive.py) and named "archive › file" in the report. `progress` is called with
    a stream.ImportProgress when the file is read, when it is written and when it is done.
    """
    report = ImportReport(file=archive.display_name(data, file_name))
    if progress is not None:
        progress(ImportProgress(report.file, "read", bytes_total=len(data)))
    # The digest is taken on another thread (hashlib lets go of the GIL) while the file is read and cleaned.
    digest = _Digest(data)
    try:
        sheets = read_file(data, file_name)
    except ReadError as exc:
        report.sha256 = digest.hexdigest()
        report.status, report.message = "failed", str(exc)
        return report
    return import_sheets(
        con,
        sheets,
        report,
        kind=kind,
        all_or_nothing=all_or_nothing,
        user=user,
        today=today,
        county=county,
        sha256=digest.hexdigest,
        allow_reopen=allow_reopen,
        full_list=full_list,
        progress=progress,
        size=len(data),
    )


class _Digest:
    """The SHA-256 of some bytes, computed on a thread of its own; hexdigest() waits for it."""

    def __init__(self, data: bytes) -> None:
        self._hex: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(data,), daemon=True)
        self._thread.start()

    def _run(self, data: bytes) -> None:
        try:
            self._hex = hashlib.sha256(data).hexdigest()
        except BaseException as exc:  # handed to the caller of hexdigest()
            self._error = exc

    def hexdigest(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._hex


def import_sheets(
    con,
    sheets,
    report,
    *,
    kind=None,
    all_or_nothing=False,
    user=labels.DEFAULT_USER,
    today=None,
    county=None,
    sha256=None,
    allow_reopen=False,
    full_list=None,
    progress=None,
    size=None,
):
    """Import sheets already read (shared by files and by in-memory tables); `county` limits a county user.

    `sha256`, when given, returns the file's digest for report.sha256 (it may still be being computed).
    allow_reopen, full_list and progress (with the file's `size`): see import_bytes.
    """
    day = config.today(today)
    parsed = prepare(sheets, report, kind, day)
    if sha256 is not None:
        report.sha256 = sha256()
    for rows in parsed.values():
        rows.county_only = county
        rows.allow_reopen = allow_reopen
    if report.status == "failed":
        return report
    if progress is not None:
        progress(ImportProgress(report.file, "write", report.read, size or 0, size))
    _write(con, parsed, report, all_or_nothing, user, full_list, day)
    if progress is not None:
        progress(ImportProgress(report.file, "done", report.read, size or 0, size))
    return report


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    *,
    kind: str | None = None,
    all_or_nothing: bool = False,
    user: str = labels.DEFAULT_USER,
    today: dt.date | str | None = None,
    allow_reopen: bool = False,
    full_list: progress_rules.FullList | None = None,
    progress=None,
    chunk_rows: int | None = None,
) -> ImportReport:
    """Import one file from disk (see import_bytes): a CSV, also inside a .zip or .gz, is read in chunks of
    `chunk_rows` rows (config.STREAM_CHUNK_ROWS) without the upload's caps, see chunked.py; `progress` is
    called with a stream.ImportProgress as the file is read and written."""
    from pipeline.ingest import chunked  # chunked imports this module

    return chunked.import_path(
        con,
        path,
        kind=kind,
        all_or_nothing=all_or_nothing,
        user=user,
        today=today,
        allow_reopen=allow_reopen,
        full_list=full_list,
        progress=progress,
        chunk_rows=chunk_rows,
    )


def import_table(
    con, kind: str, frame, *, file_name: str, user: str = labels.DEFAULT_USER, today=None, all_or_nothing: bool = False
) -> ImportReport:
    """Import a pandas DataFrame whose columns are the canonical Chinese headers, as if it were a file."""
    columns = []
    for position, header in enumerate(frame.columns):
        cells = frame.iloc[:, position]
        columns.append(RawColumn.encode([str(header), *cells.astype(object).where(cells.notna(), "").tolist()]))
    digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
    report = ImportReport(file=file_name, sha256=digest)
    sheet = RawSheet(file_name, columns, len(frame) + 1)
    return import_sheets(con, [sheet], report, kind=kind, all_or_nothing=all_or_nothing, user=user, today=today)
