"""The rows of an imported file as the ingest modules pass them on, and the report of what became of them.

A sheet comes as columns of codes into each column's distinct cells (read.RawSheet); each distinct cell
is read and cleaned once (validate.parse_sheet) and the rows follow by numpy indexing (Coded), so that a
ledger of a million rows holds no Python object per row. Rows gathers the Coded columns of one kind of
one file with the reasons its rows are refused or held back; ImportReport and RowError say what happened
to every row. The stored columns of each table (key columns first) are named here once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import config, labels, masking
from pipeline.ingest.read import RawSheet

KIND_ORDER = ("roster", "visits", "issues", "callback")
EPOCH = dt.date(1970, 1, 1)  # day 0 of Arrow's date32
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

# How far back in time a changed row can change the figures (import_batch.touched_from, read by
# pipeline/materialized.py): a period's figures read only rows dated up to its as_of day. An event (a contact,
# an issue, a callback) counts only in the periods that reach its days, so any change of it reaches back to the
# earliest of its days, as stored before and as written now. A person or a pairing counts in every period it
# spans: a change of its dates reaches back to the earlier of the old and the new date, and a change of
# anything else (a name, a place, a unit) reaches every period.
EVENT_TABLES = {"contact": ("contact_date",), "issue": ("raised_on", "closed_on"), "callback": ("callback_date",)}
SPAN_TABLES = {
    "beneficiary": (("enrolled_on", "exited_on"), BENEFICIARY_VALUES),
    "pairing": (("paired_on", "unpaired_on"), PAIRING_VALUES),
}
EVERY_DAY = dt.date(1, 1, 1)  # touched_from of a change that reaches every period
NO_DAY = dt.date(9999, 12, 31)  # touched_from of a batch that changed no row


def touched_sql(table: str, new: str, old: str) -> str:
    """The first day a staged row (alias `new`) changes against its stored row (alias `old`, null columns when
    the key is new): an SQL expression over fixed column names, for classify.sql and stream_classify.sql."""
    every = f"date '{EVERY_DAY.isoformat()}'"  # a row without a day (none should be) reaches every period
    if table in EVENT_TABLES:
        days = EVENT_TABLES[table]
        return f"coalesce(least({', '.join([f'{new}.{d}' for d in days] + [f'{old}.{d}' for d in days])}), {every})"
    days, values = SPAN_TABLES[table]
    others = " and ".join(f"{new}.{c} is not distinct from {old}.{c}" for c in values if c not in days)
    moved = ", ".join(
        f"case when {new}.{d} is distinct from {old}.{d} then least({new}.{d}, {old}.{d}) end" for d in days
    )
    return (
        f"case when {old}.batch_id is null then coalesce(least({', '.join(f'{new}.{d}' for d in days)}), {every}) "
        f"when not ({others}) then {every} else least({moved}) end"
    )


def first_day(days: np.ndarray, changed: np.ndarray) -> dt.date | None:
    """The earliest of the days (numpy datetime64, masked or NaT where empty) in the rows marked `changed`."""
    values = np.ma.asarray(days)[changed]
    empty = np.ma.getmaskarray(values) | np.isnat(values.data)
    if empty.all():
        return None
    return values.data[~empty].astype("datetime64[D]").min().item()


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

    Cleaning happens per distinct cell (see validate.parse_sheet), so the rows need only their codes; a
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
        return as_numpy(self.distinct.is_null())[self.codes]

    def days(self) -> np.ndarray:
        """Dates as day numbers since 1970-01-01 (nulls as 0: look at missing() too)."""
        return as_numpy(self.distinct.cast(pa.int32()).fill_null(0))[self.codes]

    def isin(self, choices) -> np.ndarray:
        """True for each row whose value is one of the choices."""
        found = pc.is_in(self.distinct, value_set=pa.array(list(choices), self.distinct.type)).fill_null(False)
        return as_numpy(found)[self.codes]

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
    touched_from: dt.date | None = None  # the first day whose figures the merged rows can change (None: none)
    _parts: list[tuple[int, np.ndarray, dict[str, Coded]]] = field(default_factory=list)  # until finish()

    def __len__(self) -> int:
        return len(self.index)

    def touched(self, day: dt.date | None) -> None:
        """Note that the merged rows change the figures from `day` on (None: nothing)."""
        if day is not None and (self.touched_from is None or day < self.touched_from):
            self.touched_from = day

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


def as_numpy(array: pa.Array) -> np.ndarray:
    """An Arrow array as a numpy array (copied when it must be: nulls, text)."""
    return array.to_numpy(zero_copy_only=False)


def arrow_table(rows: Rows, positions: np.ndarray, fields: tuple[str, ...], extra: dict | None = None) -> pa.Table:
    """A typed Arrow table of some fields at some positions (dates as DATE, the rest as text), then `extra`."""
    arrays, names = [], []
    for name in fields:
        arrays.append(rows.take(name, positions))
        names.append(name)
    for name, data in (extra or {}).items():
        arrays.append(data if isinstance(data, pa.Array | pa.ChunkedArray) else pa.array(data))
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)
