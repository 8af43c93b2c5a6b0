"""A file's rows by themselves (SPEC §4): which sheets hold what, which rows are data, each cell cleaned, the
rules of a row (required columns, complete pairings, dates in order and not in the future), and the list
of the rows refused.

The path: headers.find_header recognises a sheet's kind and columns (prepare); parse_sheet skips the rows
that are not data (blank, 合计/总计, a repeated header, a footer) and the exact repetitions, cleans each
column per distinct cell (clean.clean_distinct) and applies the row rules as masks over all rows; only a
refused row gets Python objects (its reasons, see Rows.reject). Nothing here reads the database: the
rules against the stored state are in checks.py, the writing in merge.py.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import labels, masking
from pipeline.ingest import clean, headers
from pipeline.ingest.read import RawColumn, RawSheet
from pipeline.ingest.rows import (
    CALLBACK_ANSWERS,
    DATE_FIELDS,
    DEFAULT_ENROLLED_ON,
    EPOCH,
    KIND_ORDER,
    Coded,
    ImportReport,
    RowError,
    Rows,
    as_numpy,
)

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


def _starts_with(texts: pa.Array, words: tuple[str, ...]) -> np.ndarray:
    """True for each text that starts with one of the words."""
    found = np.zeros(len(texts), bool)
    for word in words:
        found |= as_numpy(pc.starts_with(texts, pattern=word))
    return found


def skipped_rows(sheet: RawSheet, match: headers.HeaderMatch, body: slice) -> np.ndarray:
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
        maybe = np.flatnonzero(as_numpy(heads.fill_null(False)))
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
        repeated &= as_numpy(pc.equal(column.text_array(), header_text))[column.codes[body]]
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
    return as_numpy(texts.indices)[rank[codes]], len(texts.dictionary)


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
    candidates = np.flatnonzero(~skipped_rows(sheet, match, body))
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
        # without a 纳入日期 column at all the stored date is kept (see merge._merge)
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
    late = ~null[field_name] & (values[field_name].days() > (today - EPOCH).days)
    for offset in np.flatnonzero(late).tolist():
        value = values[field_name].value(offset)
        rows.reject(
            start + offset,
            label[field_name],
            labels.MSG_DATE_FUTURE.format(column=label[field_name], value=value, today=today),
        )


# ---------------------------------------------------------------- a whole file: its sheets, its refused rows


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


def collect_errors(parsed: dict[str, Rows], report: ImportReport) -> None:
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
