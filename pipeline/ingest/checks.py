"""The rules of a row against what is already stored (SPEC §2.1, §4, §8).

A contact, an issue or a callback must be of a person in the roster, and a county user's rows of his
county; a person has at most one active pairing, judged on the state after the whole file (a cadre's
change of phone is recognised first, progress_rules.apply_phone_changes); a 回访清单 sent back with masked
ID numbers finds each person through its sample line. Each rule marks refused rows (Rows.reject) and
writes nothing but the phone changes. merge.py runs them inside the import's transaction, just before it
merges the rows they pass; a contact log read in chunks has each chunk checked against the roster as it
is read (chunked.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import db, labels, masking
from pipeline.ingest import clean, progress_rules
from pipeline.ingest.keys import supersede_by_key
from pipeline.ingest.rows import EPOCH, Coded, Rows, as_numpy

_FAR_FUTURE = dt.date(9999, 12, 31)


def _nulls(array: pa.Array) -> np.ndarray:
    return array.is_null().to_numpy(zero_copy_only=False)


def _stored_counties(con, ids: pa.Array) -> pa.Table:
    """(id_number, county) of each incoming person that is already in the roster."""
    con.register("incoming_ids", pa.table({"id_number": pc.unique(ids)}))
    try:
        return con.sql(db.read_sql("load/known_beneficiaries.sql")).to_arrow_table()
    finally:
        con.unregister("incoming_ids")


def reject_unknown_beneficiaries(con, rows: Rows) -> None:
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
        elsewhere = ~unknown & ~as_numpy(pc.equal(stored, rows.county_only).fill_null(False))
        for offset in np.flatnonzero(elsewhere[codes]).tolist():
            rows.reject(positions[offset], label, labels.MSG_OUT_OF_COUNTY.format(county=rows.county_only))


def reject_other_counties(con, rows: Rows) -> None:
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


def check_overlaps(con, rows: Rows, batch_id: int | None = None) -> np.ndarray:
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
    winners, _ = supersede_by_key(rows, paired, keys)
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


_FAR_FUTURE_DAYS = (_FAR_FUTURE - EPOCH).days
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
    stored_starts = as_numpy(stored.column("paired_on").combine_chunks().cast(pa.int32())).astype(np.int64)
    stored_ends = stored.column("unpaired_on").combine_chunks()
    stored_ends = as_numpy(stored_ends.cast(pa.int32()).fill_null(_FAR_FUTURE_DAYS)).astype(np.int64)
    ids = pa.concat_arrays([file_ids, stored.column("id_number").combine_chunks().cast(file_ids.type)])
    person = as_numpy(ids.dictionary_encode().indices).astype(np.int64)
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


def resolve_masked_ids(con, rows: Rows) -> None:
    """A 回访清单 sent back shows ID numbers masked: find each person through the row's 抽样编号 and 序号.

    The masked number must agree with the person of that line (area code and last four); otherwise, or
    without both numbers, or with a line that does not exist, the row is rejected.
    """
    ids = rows.values["id_number"]
    if not len(rows):
        return
    masked_cells = as_numpy(pc.match_substring_regex(ids.distinct, clean.MASKED_ID.pattern).fill_null(False))
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
