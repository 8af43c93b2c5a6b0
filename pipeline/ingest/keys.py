"""The keys rows are known by in the ledgers, and the last row of a key winning within one file.

A contact is keyed by its 记录编号 (per person) or by person, date, method and phone; an issue by its
问题编号 or by person, date, category and description; a callback by person, 回访日期 and 回访人. Each key
is written once for a row (contact_key, issue_key, callback_key) and once column-wise for many rows
(contact_keys, issue_keys, callback_keys): both give the same text.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.ingest.rows import Rows, as_numpy

# A contact key without 记录编号 is made of the contact's own columns, its date among them: a stored contact
# of the same such key has the same 走访日期, so the lookup of these keys may also match on the date, which
# lets the database skip the stored contacts of other days (merge._merge).
DATED_CONTACT_KEY = ("K|", "contact_date")


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


def callback_key(id_number: str, date: dt.date, caller: str | None) -> str:
    """The key of a callback: person + 回访日期 + 回访人 (or empty)."""
    return f"C|{id_number}|{date.isoformat()}|{caller or ''}"


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


def callback_keys(rows: Rows, positions: np.ndarray) -> pa.Array:
    """callback_key of the rows at some positions, computed column-wise."""
    return _joined(
        "C",
        rows.take("id_number", positions),
        rows.values["callback_date"].take_text(positions),
        rows.values["caller"].take_filled(positions, ""),
    )


# ---------------------------------------------------------------- the last row of a key wins


def by_key(keys: pa.Table) -> tuple[np.ndarray, np.ndarray, pa.Table]:
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
        same_as_next &= as_numpy(pc.equal(column.slice(0, len(order) - 1), column.slice(1)))
    return as_numpy(order), np.append(~same_as_next, True)[: len(order)], ordered


def supersede_by_key(rows: Rows, positions: np.ndarray, keys: pa.Table) -> tuple[np.ndarray, pa.Table]:
    """Within one file the last row of a key wins; earlier rows with the same key count as duplicates.

    `keys` has a row per position. Returns the winners as indices into `positions`, in key order,
    and their keys.
    """
    order, last, ordered = by_key(keys)
    rows.duplicate[positions[order[~last]]] = True
    return order[last], (ordered if last.all() else ordered.filter(pa.array(last)))
