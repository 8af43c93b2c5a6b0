"""Import a file into DuckDB per SPEC §4: one transaction per file, upsert by key, nothing lost or doubled.

The path of a file: read (bytes -> sheets) → headers (kind, columns) → clean (one rule per
function) → row rules → checks against the stored state (roster membership, overlapping
pairings) → classify each row against the stored table → write, all inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline import config, db, labels
from pipeline.ingest import clean, headers
from pipeline.ingest.read import RawSheet, ReadError, read_file

KIND_ORDER = ("roster", "visits", "issues")
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
_FAR_FUTURE = dt.date(9999, 12, 31)
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
DATE_FIELDS = {
    "enrolled_on",
    "exited_on",
    "paired_on",
    "unpaired_on",
    "contact_date",
    "raised_on",
    "closed_on",
}


# ---------------------------------------------------------------- report


@dataclass
class RowError:
    """A rejected row: where it is, which column, why, and its cells as written."""

    sheet: str
    row: int
    column: str
    reason: str
    raw: dict[str, str] = field(default_factory=dict)

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
    errors: list[RowError] = field(default_factory=list)
    sheets: list[dict] = field(default_factory=list)
    unknown_columns: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    batch_id: int | None = None
    status: str = "ok"  # ok | rolled_back (all-or-nothing with errors) | failed (nothing could be read)
    message: str = ""

    @property
    def landed(self) -> bool:
        """Whether the file's valid rows are in the database."""
        return self.status == "ok"

    def summary(self, max_errors: int = config.ERRORS_IN_SUMMARY) -> dict:
        """The one JSON object per file of CLI.md."""
        out = {
            "file": self.file,
            "kind": self.kind,
            "read": self.read,
            "inserted": self.inserted if self.landed else 0,
            "updated": self.updated if self.landed else 0,
            "unchanged": self.unchanged if self.landed else 0,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors[:max_errors]],
        }
        if self.status != "ok":
            out["status"] = self.status
            out["message"] = self.message
        return out


# ---------------------------------------------------------------- parsed rows


@dataclass
class Rows:
    """The rows of one kind from one file, column-wise, after cleaning."""

    kind: str
    values: dict[str, list] = field(default_factory=dict)  # field -> clean values
    sheet: list[str] = field(default_factory=list)
    row_no: list[int] = field(default_factory=list)
    source: list[tuple[int, int]] = field(default_factory=list)  # (sheet number, row index) of each row
    sheets: list[tuple[list[list[object]], dict[int, str]]] = field(default_factory=list)  # rows, headers
    absent_by_sheet: list[frozenset[str]] = field(default_factory=list)  # fields a sheet has no column for
    county_only: str | None = None  # a county user's upload may only touch that county's people
    errors: dict[int, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    duplicate: set[int] = field(default_factory=set)  # positions superseded within the file

    def __len__(self) -> int:
        return len(self.row_no)

    def reject(self, position: int, column: str, reason: str) -> None:
        """Mark a row rejected for a reason."""
        self.errors[position].append((column, reason))

    def raw(self, position: int) -> dict[str, str]:
        """The row's non-empty cells under their original headers, as written."""
        sheet_number, index = self.source[position]
        sheet_rows, header_texts = self.sheets[sheet_number]
        cells = sheet_rows[index]
        texts = {name: clean.cell_text(cells[c]) for c, name in header_texts.items() if c < len(cells)}
        return {name: text for name, text in texts.items() if text}

    def absent(self, position: int) -> frozenset[str]:
        """Fields the row's sheet has no column for (their stored values are kept)."""
        return self.absent_by_sheet[self.source[position][0]]

    def keep_flags(self, positions: list[int], fields: tuple[str, ...]) -> dict[str, list[bool]]:
        """`keep__<field>` columns for staging: True where the row's sheet lacks the field."""
        missing = [f for f in fields if any(f in absent for absent in self.absent_by_sheet)]
        return {f"keep__{f}": [f in self.absent(i) for i in positions] for f in missing}

    def valid(self) -> list[int]:
        """Positions neither rejected nor superseded, in file order."""
        return [i for i in range(len(self)) if i not in self.errors and i not in self.duplicate]


def _first_text(cells: list[str]) -> str:
    return next((text.replace(" ", "") for text in cells if text), "")


def _raw_headers(sheet: RawSheet, match: headers.HeaderMatch) -> dict[int, str]:
    """Names for the cells of a rejected row: canonical labels for known columns, else the header as written."""
    names: dict[int, str] = {c: labels.column_label(match.kind, f) for c, f in match.columns.items()}
    taken = set(names.values())
    for c, value in enumerate(sheet.rows[match.row_index]):
        text = clean.cell_text(value)
        if not text or c in names:
            continue
        name, n = text, 2
        while name in taken:
            name, n = f"{text}（{n}）", n + 1
        names[c] = name
        taken.add(name)
    return dict(sorted(names.items()))


def parse_sheet(sheet: RawSheet, match: headers.HeaderMatch, rows: Rows, today: dt.date) -> tuple[int, int]:
    """Append a sheet's data rows to `rows` cleaned; returns (rows read, exact duplicates)."""
    kind = match.kind
    columns = sorted(match.columns.items())
    header_signature = [clean.cell_text(v) for v in sheet.rows[match.row_index]]
    id_columns = [c for c, f in columns if f == "id_number"]
    seen: set[tuple[str, ...]] = set()
    read = duplicates = 0
    start = len(rows)
    sheet_number = len(rows.sheets)
    rows.sheets.append((sheet.rows, _raw_headers(sheet, match)))
    present = set(match.columns.values())
    rows.absent_by_sheet.append(frozenset(c.field for c in labels.COLUMNS[kind] if c.field not in present))
    raw_columns: dict[str, list] = {f: [] for _, f in columns}
    for index in range(match.row_index + 1, len(sheet.rows)):
        cells = sheet.rows[index]
        texts = [clean.cell_text(v) for v in cells]
        first = _first_text(texts)
        if not first or first.startswith(_TOTAL_WORDS) or texts == header_signature:
            continue
        if first.startswith(_FOOTER_WORDS) and not any(c < len(texts) and texts[c] for c in id_columns):
            continue  # 填表人：… 审核人：… under the table
        read += 1
        signature = tuple(texts)
        if signature in seen:
            duplicates += 1
            continue
        seen.add(signature)
        rows.sheet.append(sheet.name)
        rows.row_no.append(index + 1)
        rows.source.append((sheet_number, index))
        for c, field_name in columns:
            raw_columns[field_name].append(cells[c] if c < len(cells) else "")
    count = len(rows) - start
    for col in labels.COLUMNS[kind]:
        target = rows.values.setdefault(col.field, [None] * start)
        if col.field not in raw_columns:
            target.extend([None] * count)
            continue
        cleaned, reasons = clean.clean_column(raw_columns[col.field], clean.cleaner_for(kind, col.field), col.label)
        target.extend(cleaned)
        for offset, reason in enumerate(reasons):
            if reason:
                rows.reject(start + offset, col.label, reason)
    _row_rules(rows, kind, range(start, len(rows)), today)
    return read, duplicates


def _row_rules(rows: Rows, kind: str, positions: range, today: dt.date) -> None:
    """Rules that look at several cells of a row: required columns, pairing completeness, date order."""
    v = rows.values
    required = [c for c in labels.COLUMNS[kind] if c.required]
    label = {c.field: c.label for c in labels.COLUMNS[kind]}
    for i in positions:
        bad_columns = {column for column, _ in rows.errors.get(i, ())}
        absent = rows.absent(i)
        for col in required:
            if v[col.field][i] is None and col.label not in bad_columns:
                rows.reject(i, col.label, labels.MSG_REQUIRED.format(column=col.label))
        if kind == "roster":
            # without a 纳入日期 column at all the stored date is kept (see _merge)
            if v["enrolled_on"][i] is None and label["enrolled_on"] not in bad_columns and "enrolled_on" not in absent:
                v["enrolled_on"][i] = DEFAULT_ENROLLED_ON
            filled = [f for f in labels.PAIRING_FIELDS if v[f][i] is not None or label[f] in bad_columns]
            extra = [f for f in ("unpaired_on", "cadre_level", "pairing_mode") if v[f][i] is not None]
            if (filled or extra) and len(filled) < len(labels.PAIRING_FIELDS):
                missing = [label[f] for f in labels.PAIRING_FIELDS if f not in filled]
                rows.reject(i, missing[0], labels.MSG_PAIRING_PARTIAL.format(missing="、".join(missing)))
            _order(rows, i, "enrolled_on", "exited_on", label)
            _order(rows, i, "paired_on", "unpaired_on", label)
        elif kind == "visits":
            _not_future(rows, i, "contact_date", label, today)
        elif kind == "issues":
            if v["level"][i] is None and label["level"] not in bad_columns and "level" not in absent:
                v["level"][i] = labels.DEFAULT_ISSUE_LEVEL
            status, closed_on = v["status"][i], v["closed_on"][i]
            if status in labels.CLOSED_STATUSES and closed_on is None and label["closed_on"] not in bad_columns:
                rows.reject(i, label["closed_on"], labels.MSG_CLOSED_DATE_MISSING.format(status=status))
            if status and status not in labels.CLOSED_STATUSES and closed_on is not None:
                rows.reject(i, label["closed_on"], labels.MSG_CLOSED_DATE_OPEN.format(status=status, value=closed_on))
            _order(rows, i, "raised_on", "closed_on", label)
            _not_future(rows, i, "raised_on", label, today)
            _not_future(rows, i, "closed_on", label, today)


def _order(rows: Rows, i: int, earlier: str, later: str, label: dict[str, str]) -> None:
    first, second = rows.values[earlier][i], rows.values[later][i]
    if first is not None and second is not None and second < first:
        rows.reject(
            i,
            label[later],
            labels.MSG_DATE_ORDER.format(
                later=label[later], later_value=second, earlier=label[earlier], earlier_value=first
            ),
        )


def _not_future(rows: Rows, i: int, field_name: str, label: dict[str, str], today: dt.date) -> None:
    value = rows.values[field_name][i]
    if value is not None and value > today:
        rows.reject(
            i, label[field_name], labels.MSG_DATE_FUTURE.format(column=label[field_name], value=value, today=today)
        )


# ---------------------------------------------------------------- checks against the stored state


def _arrow(rows: Rows, positions: list[int], fields: tuple[str, ...], extra: dict[str, list] | None = None):
    """A typed Arrow table of some fields at some positions (dates as DATE, the rest as text)."""
    arrays, names = [], []
    for name in fields:
        column = rows.values[name]
        data = [column[i] for i in positions]
        arrays.append(pa.array(data, type=pa.date32() if name in DATE_FIELDS else pa.string()))
        names.append(name)
    for name, data in (extra or {}).items():
        arrays.append(pa.array(data))
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def _stored_counties(con, rows: Rows, positions: list[int]) -> dict[str, str]:
    """The stored county of each incoming person that is already in the roster."""
    ids = pa.table({"id_number": pa.array(sorted({rows.values["id_number"][i] for i in positions}), pa.string())})
    con.register("incoming_ids", ids)
    try:
        return dict(con.execute(db.read_sql("load/known_beneficiaries.sql")).fetchall())
    finally:
        con.unregister("incoming_ids")


def _reject_unknown_beneficiaries(con, rows: Rows) -> None:
    positions = rows.valid()
    if not positions:
        return
    known = _stored_counties(con, rows, positions)
    label = labels.column_label(rows.kind, "id_number")
    for i in positions:
        value = rows.values["id_number"][i]
        if value not in known:
            rows.reject(i, label, labels.MSG_NOT_IN_ROSTER.format(value=value))
        elif rows.county_only and known[value] != rows.county_only:
            rows.reject(i, label, labels.MSG_OUT_OF_COUNTY.format(county=rows.county_only))


def _reject_other_counties(con, rows: Rows) -> None:
    """A county user's roster rows must be of his county, and must not move someone in from another."""
    positions = rows.valid()
    if not rows.county_only or not positions:
        return
    known = _stored_counties(con, rows, positions)
    label = labels.column_label("roster", "county")
    for i in positions:
        stored = known.get(rows.values["id_number"][i])
        if rows.values["county"][i] != rows.county_only or (stored is not None and stored != rows.county_only):
            rows.reject(i, label, labels.MSG_OUT_OF_COUNTY.format(county=rows.county_only))


def _supersede_by_key(rows: Rows, positions: list[int], key_of) -> None:
    """Within one file the last row of a key wins; earlier rows with the same key count as duplicates."""
    last: dict = {}
    for i in positions:
        key = key_of(i)
        if key in last:
            rows.duplicate.add(last[key])
        last[key] = i


def _check_overlaps(con, rows: Rows) -> None:
    """SPEC §2.1: at most one active pairing per person; checked on the state after the whole file."""
    v = rows.values
    paired = [i for i in rows.valid() if v["cadre_phone"][i] is not None]
    if not paired:
        return
    _supersede_by_key(rows, paired, lambda i: (v["id_number"][i], v["cadre_phone"][i]))
    paired = [i for i in paired if i not in rows.duplicate]
    position_of = {(v["id_number"][i], v["cadre_phone"][i]): i for i in paired}
    ids = pa.table({"id_number": pa.array(sorted({v["id_number"][i] for i in paired}))})
    con.register("incoming_ids", ids)
    try:
        stored = con.execute(db.read_sql("load/stored_pairings.sql")).fetchall()
    finally:
        con.unregister("incoming_ids")
    stored_by_key = {(id_number, phone): (start, end or _FAR_FUTURE) for id_number, phone, start, end in stored}
    # Stored pairings the file does not restate win. A restatement that is itself rejected leaves the
    # stored version in place, which may then block an earlier row: so repeat until nothing changes.
    kept = {key for key in stored_by_key if key not in position_of}
    forced: dict[int, tuple] = {}  # restatements that could not land, with the pairing they overlapped
    while True:
        rejected = _greedy_overlaps(rows, paired, kept, stored_by_key, forced)
        newly_kept = {key for key, i in position_of.items() if i in rejected and key in stored_by_key} - kept
        if not newly_kept:
            break
        for key in newly_kept:
            forced[position_of[key]] = rejected[position_of[key]]
        kept |= newly_kept
    label = labels.column_label("roster", "paired_on")
    for i, clash in rejected.items():
        rows.reject(i, label, labels.MSG_PAIRING_OVERLAP.format(other_phone=clash[2], other_start=clash[0]))


def _greedy_overlaps(rows: Rows, paired: list[int], kept: set, stored_by_key: dict, forced: dict) -> dict[int, tuple]:
    """Accept kept stored pairings, then file rows in file order; {position: the pairing it overlaps}."""
    v = rows.values
    intervals: dict[str, list[tuple]] = defaultdict(list)
    for id_number, phone in kept:
        start, end = stored_by_key[(id_number, phone)]
        intervals[id_number].append((start, end, phone))
    rejected: dict[int, tuple] = {}
    for i in paired:
        id_number, phone, start = v["id_number"][i], v["cadre_phone"][i], v["paired_on"][i]
        if i in forced:  # its stored version stands; this restatement cannot land
            rejected[i] = forced[i]
            continue
        end = v["unpaired_on"][i] or _FAR_FUTURE
        clash = next((o for o in intervals[id_number] if start < o[1] and o[0] < end), None)
        if clash:
            rejected[i] = clash
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


# ---------------------------------------------------------------- writing


def _merge(
    con,
    table: str,
    key: tuple[str, ...],
    values: tuple[str, ...],
    staged: pa.Table,
    batch_id: int,
    defaults: dict[str, object] | None = None,
) -> dict[int, str]:
    """Classify staged rows (with a `pos` column) against `table`, write them; {pos: outcome}."""
    key_match = " and ".join(f"stored.{k} = staged.{k}" for k in key)
    con.register("staged_input", staged)
    try:
        con.execute("create or replace temp table staged as select * from staged_input")
    finally:
        con.unregister("staged_input")
    for name in staged.column_names:
        if name.startswith("keep__"):
            field_name = name.removeprefix("keep__")
            if field_name not in values:
                raise ValueError(name)
            con.execute(db.read_sql("load/keep_stored.sql").format(table=table, field=field_name, key_match=key_match))
    for field_name, value in (defaults or {}).items():
        con.execute(db.read_sql("load/fill_default.sql").format(field=field_name), {"value": value})
    same = " and ".join(f"staged.{c} is not distinct from stored.{c}" for c in values)
    con.execute(db.read_sql("load/classify.sql").format(table=table, key_match=key_match, same_values=same))
    outcomes = dict(con.execute("select pos, outcome from classified").fetchall())
    columns = ", ".join(key + values)
    con.execute(db.read_sql("load/apply_insert.sql").format(table=table, columns=columns), {"batch_id": batch_id})
    assignments = ", ".join(f"{c} = classified.{c}" for c in values)
    update_match = " and ".join(f"stored.{k} = classified.{k}" for k in key)
    con.execute(
        db.read_sql("load/apply_update.sql").format(table=table, assignments=assignments, key_match=update_match),
        {"batch_id": batch_id},
    )
    con.execute("drop table classified")
    con.execute("drop table staged")
    return outcomes


def _staged(rows: Rows, positions: list[int], fields: tuple[str, ...], keep: tuple[str, ...], **extra) -> pa.Table:
    """Arrow table of rows to merge: fields, `keep__` flags for columns a sheet lacks, extra columns, pos."""
    return _arrow(rows, positions, fields, {**extra, **rows.keep_flags(positions, keep), "pos": positions})


def _load_roster(con, rows: Rows, batch_id: int) -> dict[int, str]:
    _reject_other_counties(con, rows)
    _check_overlaps(con, rows)
    v = rows.values
    valid = rows.valid()
    winner: dict[str, int] = {}
    for i in valid:  # beneficiary columns come from the person's latest valid row
        winner[v["id_number"][i]] = i
    winners = set(winner.values())
    ben_positions = sorted(winners)
    ben = _merge(
        con,
        "beneficiary",
        BENEFICIARY_KEY,
        BENEFICIARY_VALUES,
        _staged(rows, ben_positions, BENEFICIARY_KEY + BENEFICIARY_VALUES, BENEFICIARY_KEEP),
        batch_id,
        defaults={"enrolled_on": DEFAULT_ENROLLED_ON},
    )
    paired = [i for i in valid if v["cadre_phone"][i] is not None]
    pair = _merge(
        con, "pairing", PAIRING_KEY, PAIRING_VALUES, _staged(rows, paired, PAIRING_KEY + PAIRING_VALUES, PAIRING_KEEP),
        batch_id,
    )  # fmt: skip
    outcomes: dict[int, str] = {}
    for i in valid:
        if i in pair:
            outcome = pair[i]
            if outcome == "unchanged" and i in winners and ben[i] != "unchanged":
                outcome = "updated"
        elif i in winners:
            outcome = ben[i]
        else:
            rows.duplicate.add(i)  # an unpaired row whose person is restated by a later row
            continue
        outcomes[i] = outcome
    return outcomes


def _load_visits(con, rows: Rows, batch_id: int) -> dict[int, str]:
    _reject_unknown_beneficiaries(con, rows)
    v = rows.values
    keys = {
        i: contact_key(v["record_no"][i], v["id_number"][i], v["contact_date"][i], v["method"][i], v["cadre_phone"][i])
        for i in rows.valid()
    }
    _supersede_by_key(rows, rows.valid(), keys.__getitem__)
    valid = rows.valid()
    staged = _staged(rows, valid, CONTACT_VALUES, CONTACT_KEEP, contact_key=[keys[i] for i in valid])
    return _merge(con, "contact", CONTACT_KEY, CONTACT_VALUES, staged, batch_id)


def _query_staged(con, staged: pa.Table, sql_file: str) -> list[tuple]:
    con.register("staged", staged)
    try:
        return con.execute(db.read_sql(sql_file)).fetchall()
    finally:
        con.unregister("staged")


def _load_issues(con, rows: Rows, batch_id: int) -> dict[int, str]:
    _reject_unknown_beneficiaries(con, rows)
    v = rows.values
    natural = {
        i: natural_issue_key(v["id_number"][i], v["raised_on"][i], v["category"][i], v["description"][i])
        for i in rows.valid()
    }
    keys = {
        i: issue_key(v["issue_no"][i], v["id_number"][i], v["raised_on"][i], v["category"][i], v["description"][i])
        for i in natural
    }
    valid = rows.valid()
    probe = _arrow(rows, valid, ISSUE_VALUES, {"issue_key": [keys[i] for i in valid], "pos": valid})
    for pos, stored_key, stored_no in _query_staged(con, probe, "load/issue_renumber.sql"):
        keys[pos] = stored_key  # a later ledger without numbers updates the numbered issue
        v["issue_no"][pos] = stored_no
    _supersede_by_key(rows, valid, keys.__getitem__)
    valid = rows.valid()
    staged = _staged(
        rows,
        valid,
        ISSUE_VALUES,
        ISSUE_KEEP,
        issue_key=[keys[i] for i in valid],
        natural_key=[natural[i] for i in valid],
    )
    taken_over = dict(_query_staged(con, staged, "load/issue_takeover.sql"))
    if taken_over:
        old = pa.table({"issue_key": pa.array(list(taken_over.values()), pa.string())})
        con.register("old_keys", old)
        con.execute("delete from issue where issue_key in (select issue_key from old_keys)")
        con.unregister("old_keys")
    staged = staged.drop_columns(["natural_key"])
    outcomes = _merge(
        con, "issue", ISSUE_KEY, ISSUE_VALUES, staged, batch_id, defaults={"level": labels.DEFAULT_ISSUE_LEVEL}
    )
    for pos in taken_over:
        outcomes[pos] = "updated"
    return outcomes


LOADERS = {"roster": _load_roster, "visits": _load_visits, "issues": _load_issues}


# ---------------------------------------------------------------- entry points


def prepare(sheets: list[RawSheet], report: ImportReport, kind: str | None, today: dt.date) -> dict[str, Rows]:
    """Recognise and clean every sheet; the rows of each kind of the whole file, or {} when it fails."""
    parsed: dict[str, Rows] = {}
    for sheet in sheets:
        match = headers.find_header(sheet.rows, sheet.name, kind)
        if match is None:
            detected = headers.find_header(sheet.rows, sheet.name) if kind else None
            if detected is not None:
                report.notes.append(
                    labels.MSG_KIND_MISMATCH.format(
                        sheet=sheet.name, kind=labels.KIND_LABELS[kind], detected=labels.KIND_LABELS[detected.kind]
                    )
                )
            elif any(any(clean.cell_text(c) for c in row) for row in sheet.rows):
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
    if not parsed:
        report.status = "failed"
        report.message = labels.MSG_NO_SHEET_RECOGNISED.format(file=report.file)
        if report.notes:
            report.message += "（" + "；".join(report.notes) + "）"
    report.kind = ",".join(k for k in KIND_ORDER if k in parsed)
    if parsed and report.read == 0:  # a blank template: recorded as an empty batch, and said so
        report.notes.append(labels.MSG_NO_DATA_ROWS.format(file=report.file))
    return parsed


def _collect_errors(parsed: dict[str, Rows], report: ImportReport) -> None:
    for kind in KIND_ORDER:
        rows = parsed.get(kind)
        if rows is None:
            continue
        for i, problems in sorted(rows.errors.items()):  # positions follow the sheets' and rows' order
            columns = "、".join(dict.fromkeys(column for column, _ in problems))
            reasons = "；".join(reason for _, reason in problems)
            report.errors.append(RowError(rows.sheet[i], rows.row_no[i], columns, reasons, rows.raw(i)))
    report.rejected = len(report.errors)


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
        }
    )
    con.register("rejected_staged", table)
    try:
        con.execute("insert into rejected_row select * from rejected_staged")
    finally:
        con.unregister("rejected_staged")


def _write(con, parsed: dict[str, Rows], report: ImportReport, all_or_nothing: bool, user: str) -> None:
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
            for outcome in outcomes.values():
                counts[outcome] += 1
            report.duplicate += len(rows.duplicate)
        report.inserted, report.updated, report.unchanged = counts["inserted"], counts["updated"], counts["unchanged"]
        _collect_errors(parsed, report)
        if all_or_nothing and report.rejected:
            con.execute("rollback")
            report.status = "rolled_back"
            report.message = labels.MSG_ALL_OR_NOTHING.format(rejected=report.rejected)
            report.batch_id = None
            return
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
) -> ImportReport:
    """Import one file given as bytes; the report says what happened to every row (`county`: a county user's)."""
    report = ImportReport(file=file_name, sha256=hashlib.sha256(data).hexdigest())
    try:
        sheets = read_file(data, file_name)
    except ReadError as exc:
        report.status, report.message = "failed", str(exc)
        return report
    return import_sheets(
        con, sheets, report, kind=kind, all_or_nothing=all_or_nothing, user=user, today=today, county=county
    )


def import_sheets(
    con, sheets, report, *, kind=None, all_or_nothing=False, user=labels.DEFAULT_USER, today=None, county=None
):
    """Import sheets already read (shared by files and by in-memory tables); `county` limits a county user."""
    parsed = prepare(sheets, report, kind, config.today(today))
    for rows in parsed.values():
        rows.county_only = county
    if report.status == "failed":
        return report
    _write(con, parsed, report, all_or_nothing, user)
    return report


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    *,
    kind: str | None = None,
    all_or_nothing: bool = False,
    user: str = labels.DEFAULT_USER,
    today: dt.date | str | None = None,
) -> ImportReport:
    """Import one file from disk (see import_bytes)."""
    path = Path(path)
    return import_bytes(
        con, path.read_bytes(), path.name, kind=kind, all_or_nothing=all_or_nothing, user=user, today=today
    )


def import_table(
    con, kind: str, frame, *, file_name: str, user: str = labels.DEFAULT_USER, today=None, all_or_nothing: bool = False
) -> ImportReport:
    """Import a pandas DataFrame whose columns are the canonical Chinese headers, as if it were a file."""
    header = [str(c) for c in frame.columns]
    body = frame.astype(object).where(frame.notna(), "").values.tolist()
    digest = hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()
    report = ImportReport(file=file_name, sha256=digest)
    sheet = RawSheet(file_name, [header, *body])
    return import_sheets(con, [sheet], report, kind=kind, all_or_nothing=all_or_nothing, user=user, today=today)
