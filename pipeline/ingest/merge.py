"""The valid rows of a file merged into the ledgers (SPEC §4): upsert by key, nothing lost or doubled.

Each kind has its loader (LOADERS): it runs the rules against the stored state (checks.py, progress_rules),
keeps the last row of each key, and merges the rows into their tables (_merge): each staged row is
classified as inserted, updated or unchanged against the stored one, and written. A column a sheet lacks
keeps its stored value. The rows go to DuckDB as Arrow tables sorted by key. Every loader returns the
outcome of each row (an index into rows.OUTCOMES); it runs inside the import's transaction (load.py).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import contact_state, db, labels
from pipeline.ingest import progress_rules
from pipeline.ingest.checks import (
    check_overlaps,
    reject_other_counties,
    reject_unknown_beneficiaries,
    resolve_masked_ids,
)
from pipeline.ingest.keys import (
    DATED_CONTACT_KEY,
    by_key,
    callback_keys,
    contact_keys,
    issue_keys,
    natural_issue_keys,
    supersede_by_key,
)
from pipeline.ingest.rows import (
    BENEFICIARY_KEEP,
    BENEFICIARY_KEY,
    BENEFICIARY_VALUES,
    CALLBACK_KEEP,
    CALLBACK_KEY,
    CALLBACK_VALUES,
    CONTACT_KEEP,
    CONTACT_KEY,
    CONTACT_VALUES,
    DEFAULT_ENROLLED_ON,
    EVERY_DAY,
    INSERTED,
    ISSUE_KEEP,
    ISSUE_KEY,
    ISSUE_VALUES,
    NO_OUTCOME,
    PAIRING_KEEP,
    PAIRING_KEY,
    PAIRING_VALUES,
    UNCHANGED,
    UPDATED,
    Coded,
    Rows,
    arrow_table,
    as_numpy,
    first_day,
    touched_sql,
)


def _merge(
    con,
    table: str,
    key: tuple[str, ...],
    values: tuple[str, ...],
    staged: pa.Table,
    batch_id: int,
    rows: Rows,
    defaults: dict[str, object] | None = None,
) -> np.ndarray:
    """Classify staged rows (with a `pos` column, in key order) against `table`, write them.

    Returns the outcome (an index into OUTCOMES) of every position of `rows`, NO_OUTCOME for positions
    that were not staged, and notes in `rows` the first day the changed rows touch (rows.touched_sql).
    The rows go in as Arrow tables in key order (see by_key).
    """
    size = len(rows)
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
        classified = _classify(con, table, staged, key_match, same)
        outcomes[classified["pos"]] = classified["outcome"]
        rows.touched(first_day(classified["touched_from"], classified["outcome"] != UNCHANGED))
    else:  # nothing stored yet (a first import): every staged row is new, as classify.sql would say
        outcomes[as_numpy(staged.column("pos"))] = INSERTED
        con.register("staged", staged)
        try:
            touched = db.read_sql("load/touched_new.sql").format(
                source="staged", table=table, touched=touched_sql(table, "incoming", "stored")
            )
            rows.touched(con.execute(touched).fetchall()[0][0])
        finally:
            con.unregister("staged")
    of_row = outcomes[as_numpy(staged.column("pos"))]
    columns = ", ".join(key + values)
    incoming_match = " and ".join(f"stored.{k} = incoming.{k}" for k in key)
    assignments = ", ".join(f"{c} = incoming.{c}" for c in values)
    inserted, updated = of_row == INSERTED, of_row == UPDATED
    writes = []
    if inserted.any():
        part = _chosen(staged, inserted)
        writes.append((part, db.read_sql("load/apply_insert.sql").format(table=table, columns=columns)))
    if updated.any():
        for rows_found, match in _lookups(table, _chosen(staged, updated), incoming_match, "incoming"):
            update = db.read_sql("load/apply_update.sql").format(table=table, assignments=assignments, key_match=match)
            writes.append((rows_found, update))
    for part, sql in writes:
        con.register("incoming", part)
        try:
            con.execute(sql, {"batch_id": batch_id})
        finally:
            con.unregister("incoming")
    return outcomes


def _chosen(staged: pa.Table, chosen: np.ndarray) -> pa.Table:
    """The staged rows a mask picks (all of them without a copy)."""
    return staged if chosen.all() else staged.filter(pa.array(chosen))


def _dated(staged: pa.Table) -> pa.ChunkedArray:
    """Which staged contacts have a key that holds their date (keys.DATED_CONTACT_KEY): no 记录编号."""
    return pc.starts_with(staged.column("contact_key"), DATED_CONTACT_KEY[0])


def _by_key_and_day(key_match: str, alias: str) -> str:
    """The condition finding the stored row of a dated contact key: its key and its day."""
    date_column = DATED_CONTACT_KEY[1]
    return f"{key_match} and stored.{date_column} = {alias}.{date_column}"


def _lookups(table: str, staged: pa.Table, key_match: str, alias: str) -> list[tuple[pa.Table, str]]:
    """The staged rows in parts, each with the condition that finds their stored rows: contacts with a key that
    holds its date (keys.DATED_CONTACT_KEY) by key and date, which lets DuckDB read only the stored contacts of
    those days (the table is kept roughly in date order), those with 记录编号 by key alone (their date may have been
    corrected since); the rows of any other table by key."""
    if table != "contact":
        return [(staged, key_match)]
    dated = _dated(staged)
    parts = [
        (staged.filter(dated), _by_key_and_day(key_match, alias)),
        (staged.filter(pc.invert(dated)), key_match),
    ]
    return [(part, match) for part, match in parts if part.num_rows]


def _classify(con, table: str, staged: pa.Table, key_match: str, same: str) -> dict[str, np.ndarray]:
    """classify.sql for the staged rows: pos, outcome and touched_from of each.

    Contacts are looked up by key and date first, which reads only the stored contacts of the days in the file
    (the table is kept roughly in date order): a key without 记录编号 holds its date (keys.DATED_CONTACT_KEY), so
    that finds it or nothing; a key with 记录编号 not found that way is looked up again by key alone, as its
    date may have been corrected since."""

    def run(part: pa.Table, match: str) -> dict[str, np.ndarray]:
        con.register("staged", part)
        try:
            classify = db.read_sql("load/classify.sql").format(
                table=table, key_match=match, same_values=same, touched=touched_sql(table, "staged", "stored")
            )
            return con.sql(classify).fetchnumpy()
        finally:
            con.unregister("staged")

    if table != "contact":
        return run(staged, key_match)
    found = run(staged, _by_key_and_day(key_match, "staged"))
    positions = as_numpy(staged.column("pos"))
    numbered = positions[~as_numpy(_dated(staged)).astype(bool)]
    again = np.isin(found["pos"], numbered) & (found["outcome"] == INSERTED)
    if not again.any():
        return found
    second = run(staged.filter(pa.array(np.isin(positions, found["pos"][again]))), key_match)
    keep = ~again
    return {name: np.ma.concatenate([found[name][keep], second[name]]) for name in ("pos", "outcome", "touched_from")}


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
        # only matters for speed (see by_key)
        kept = con.sql(db.read_sql("load/staged_rows.sql")).to_arrow_table()
    finally:
        con.execute("drop table staged")
    return kept.drop_columns(keep)


def _staged(rows: Rows, positions: np.ndarray, fields: tuple[str, ...], keep: tuple[str, ...], **extra) -> pa.Table:
    """Arrow table of rows to merge: fields, `keep__` flags for columns a sheet lacks, extra columns, pos."""
    flags = {name: pa.array(flag) for name, flag in rows.keep_flags(positions, keep).items()}
    return arrow_table(rows, positions, fields, {**extra, **flags, "pos": pa.array(positions, pa.int64())})


def _load_roster(con, rows: Rows, batch_id: int) -> np.ndarray:
    reject_other_counties(con, rows)
    progress_rules.hold_back_exits(con, rows)  # a row clearing a stored 退出日期 waits, with all its person's rows
    pairings = check_overlaps(con, rows, batch_id)
    valid = rows.valid()
    # beneficiary columns come from the person's latest valid row
    order, last, _ordered = by_key(arrow_table(rows, valid, BENEFICIARY_KEY))
    ben_positions = valid[order[last]]
    ben = _merge(
        con,
        "beneficiary",
        BENEFICIARY_KEY,
        BENEFICIARY_VALUES,
        _staged(rows, ben_positions, BENEFICIARY_KEY + BENEFICIARY_VALUES, BENEFICIARY_KEEP),
        batch_id,
        rows,
        defaults={"enrolled_on": DEFAULT_ENROLLED_ON},
    )
    paired = pairings[~rows.rejected()[pairings]]  # in key order, as by_key sorted them
    pair = _merge(
        con,
        "pairing",
        PAIRING_KEY,
        PAIRING_VALUES,
        _staged(rows, paired, PAIRING_KEY + PAIRING_VALUES, PAIRING_KEEP),
        batch_id,
        rows,
    )
    winner = np.zeros(len(rows), bool)
    winner[ben_positions] = True
    # A paired row counts by its pairing, and as updated when only the person's own columns changed;
    # an unpaired row counts by its person; an unpaired row whose person a later row restates is a duplicate.
    outcomes = np.where(pair != NO_OUTCOME, pair, np.where(winner, ben, NO_OUTCOME)).astype(np.int8)
    outcomes[(pair == UNCHANGED) & winner & (ben != UNCHANGED)] = UPDATED
    if rows.phone_changed:  # the pairing took the new phone before the merge compared it
        rows.touched(EVERY_DAY)  # his other pairings and contacts took it too: every period is his
        changed = np.array(rows.phone_changed, np.int64)
        outcomes[changed[outcomes[changed] != NO_OUTCOME]] = UPDATED
    restated = np.zeros(len(rows), bool)
    restated[valid] = True
    rows.duplicate |= restated & (outcomes == NO_OUTCOME)
    return outcomes


def _load_visits(con, rows: Rows, batch_id: int) -> np.ndarray:
    outcomes = _write_visits(con, rows, batch_id)
    # each person's first and last contact, kept with the contacts in the same transaction
    contact_state.after_batch(
        con, batch_id, inserted=int((outcomes == INSERTED).sum()), updated=int((outcomes == UPDATED).sum())
    )
    return outcomes


def _write_visits(con, rows: Rows, batch_id: int) -> np.ndarray:
    load_staged = getattr(rows, "load_staged", None)
    if load_staged is not None:  # a contact log read in chunks: its rows wait in DuckDB (chunked.StreamedVisits)
        return load_staged(con, batch_id)
    reject_unknown_beneficiaries(con, rows)
    # the keys come grouped (see contact_keys), each group in file order: the stable sort in
    # supersede_by_key still finds the last row of each key in the file
    positions, keys = contact_keys(rows, rows.valid())
    winners, kept = supersede_by_key(rows, positions, pa.table({"contact_key": keys}))
    staged = _staged(rows, positions[winners], CONTACT_VALUES, CONTACT_KEEP, contact_key=kept.column(0))
    return _merge(con, "contact", CONTACT_KEY, CONTACT_VALUES, staged, batch_id, rows)


def _query_staged(con, staged: pa.Table, sql_file: str) -> list[tuple]:
    con.register("staged", staged)
    try:
        return con.execute(db.read_sql(sql_file)).fetchall()
    finally:
        con.unregister("staged")


def _load_issues(con, rows: Rows, batch_id: int) -> np.ndarray:
    reject_unknown_beneficiaries(con, rows)
    valid = rows.valid()
    natural = natural_issue_keys(rows, valid)
    keys = issue_keys(rows, valid, natural)
    probe = arrow_table(rows, valid, ISSUE_VALUES, {"issue_key": keys, "pos": pa.array(valid, pa.int64())})
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
    winners, kept = supersede_by_key(rows, valid, pa.table({"issue_key": keys}))
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
        rows,
        defaults={"level": labels.DEFAULT_ISSUE_LEVEL},
    )
    for pos in taken_over:
        outcomes[pos] = UPDATED
    return outcomes


def _load_callbacks(con, rows: Rows, batch_id: int) -> np.ndarray:
    resolve_masked_ids(con, rows)
    reject_unknown_beneficiaries(con, rows)
    valid = rows.valid()
    keys = callback_keys(rows, valid)
    winners, kept = supersede_by_key(rows, valid, pa.table({"callback_key": keys}))
    staged = _staged(rows, valid[winners], CALLBACK_VALUES, CALLBACK_KEEP, callback_key=kept.column(0))
    where = staged.column_names.index("sample_id")
    staged = staged.set_column(where, "sample_id", pc.cast(staged.column("sample_id"), pa.int32()))
    return _merge(con, "callback", CALLBACK_KEY, CALLBACK_VALUES, staged, batch_id, rows)


LOADERS = {"roster": _load_roster, "visits": _load_visits, "issues": _load_issues, "callback": _load_callbacks}
