"""Progress is never undone silently (SPEC §4): the import's rules against what is already stored.

- A file already imported (its SHA-256 is an earlier batch's) changes nothing: see earlier_batch and
  report_already_imported.
- A row that would move an issue back (已解决/无法解决 → 待办理/办理中, or its 办结日期 cleared) or clear a
  person's 退出日期 is held back whole, with the current state and the batch that wrote it; with the
  explicit allow_reopen it is applied, counted, and the import writes an audit record (see
  hold_back_issues, hold_back_exits).
- A cadre who changed his phone (same person, cadre name, unit and 结对日期, a new 干部电话) keeps his pairings
  and the contacts he recorded under the new number, instead of having the row refused as an overlap (see
  apply_phone_changes).
- A file declared a county's complete list: the county's people in the programme who are missing from it
  are listed first, and get a 退出日期 once the uploader confirms (see FullList, missing_people,
  apply_full_list). Without that declaration nothing is inferred from absence.

Each rule looks only at the rows it can apply to, so that an import with nothing to hold back costs
nothing more: hold_back_issues only at incoming issues that are open or have no 办结日期, and only when
the ledger already holds issues; hold_back_exits only at rows of sheets with a 退出日期 column whose cell
is blank, and only when someone stored has a 退出日期; apply_phone_changes only at the people whose
pairing periods meet (the ones the overlap rule walks, see checks.check_overlaps).

`rows` below is a rows.Rows (the rows of one kind of one file); checks.py and merge.py call these rules.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import access, db, labels, masking
from pipeline.ingest.rows import ImportReport, RowError
from pipeline.ingest.validate import prepare

FULL_LIST_PEOPLE_SHOWN = 1000  # people listed in the CLI's JSON line (all of them are counted)


# ---------------------------------------------------------------- a file imported before


def earlier_batch(con, sha256: str) -> dict | None:
    """The latest batch that landed a file with this SHA-256, with its counts, or None."""
    if not sha256:
        return None
    cursor = con.execute(db.read_sql("load/batch_by_sha.sql"), {"sha256": sha256})
    found = cursor.fetchall()
    if not found:
        return None
    return dict(zip([d[0] for d in cursor.description], found[0], strict=True))


def report_already_imported(con, report, earlier: dict) -> None:
    """Fill the report of a file already imported: nothing written, the earlier batch's figures.

    The rows that landed then are all 未变化 now; the duplicate, rejected and held-back rows are those of
    the earlier batch, listed again from the stored ones so that they can still be downloaded and fixed.
    """
    report.status = "already_imported"
    report.batch_id = None
    report.earlier_batch = earlier["batch_id"]
    report.message = labels.MSG_ALREADY_IMPORTED.format(
        time=earlier["imported_at"].strftime("%Y-%m-%d %H:%M"), user=earlier["user_name"], batch=earlier["batch_id"]
    )
    report.read = earlier["rows_read"]
    report.inserted = report.updated = 0
    report.unchanged = earlier["inserted"] + earlier["updated"] + earlier["unchanged"]
    report.duplicate = earlier["duplicate"]
    report.rejected = earlier["rejected"]
    report.held_back = earlier["held_back"]
    stored = con.execute(db.read_sql("status/rejected_rows.sql"), {"batch_id": earlier["batch_id"]}).fetchall()
    report.errors = [
        RowError(sheet, row_no, column or "", reason, json.loads(raw), held_back=bool(held))
        for sheet, row_no, column, reason, raw, held in stored
    ]


# ---------------------------------------------------------------- rows that would undo progress


def _query(con, sql_file: str, tables: dict[str, pa.Table], params: dict | None = None) -> list[tuple]:
    for name, table in tables.items():
        con.register(name, table)
    try:
        return con.execute(db.read_sql(sql_file), params or {}).fetchall()
    finally:
        for name in tables:
            con.unregister(name)


def _stored_any(con, table: str) -> bool:
    # table is one of the fixed names of pipeline/ingest/merge.py
    return bool(con.execute(db.read_sql("load/stored_any.sql").format(table=table)).fetchall()[0][0])


def hold_back_issues(con, rows, staged: pa.Table) -> pa.Table:
    """The staged issues without those that would move a closed issue back (unless rows.allow_reopen).

    `staged` is the issues to merge (merge._load_issues: issue_key, natural_key, the values, pos). Only an
    incoming issue that is open or has no 办结日期 can move one back, and only when issues are stored.
    """
    closed = pa.array(labels.CLOSED_STATUSES, pa.string())
    status, closed_on = staged.column("status"), staged.column("closed_on")
    could = pc.or_(pc.invert(pc.is_in(status, value_set=closed)), pc.is_null(closed_on)).fill_null(True)
    candidates = staged.filter(could).select(["pos", "issue_key", "natural_key", "issue_no"])
    if not candidates.num_rows or not _stored_any(con, "issue"):
        return staged
    found = _query(
        con, "load/issue_regressions.sql", {"candidates": candidates}, {"closed": list(labels.CLOSED_STATUSES)}
    )
    if not found:
        return staged
    if rows.allow_reopen:
        rows.reopened["issues"] += len(found)
        return staged
    label = labels.column_label("issues", "status")
    incoming = dict(zip(staged.column("pos").to_pylist(), status.to_pylist(), strict=True))
    for pos, stored_status, stored_closed_on, batch_id in found:
        reason = labels.MSG_HELD_BACK_ISSUE.format(
            status=stored_status,
            closed_on=stored_closed_on,
            batch=batch_id,
            incoming=incoming[pos],
            hint=labels.MSG_HELD_BACK_HINT,
        )
        rows.hold(pos, label, reason)
    held = pa.array([pos for pos, *_ in found], pa.int64())
    return staged.filter(pc.invert(pc.is_in(staged.column("pos"), value_set=held)))


def hold_back_exits(con, rows) -> None:
    """Hold back every row of a person whose row would clear his stored 退出日期 (unless rows.allow_reopen).

    The person's columns come from his last valid row in the file (merge._load_roster): when that row is
    on a sheet with a 退出日期 column and leaves it blank while the stored row has one, all his rows wait
    (his pairings too: the row is held back whole). A sheet without the column keeps the stored date.
    """
    valid = rows.valid()
    if not len(valid):
        return
    blank = rows.values["exited_on"].missing()[valid]
    lacking = rows.keep_flags(valid, ("exited_on",)).get("keep__exited_on")
    if lacking is not None:
        blank &= ~lacking
    if not blank.any() or not con.execute(db.read_sql("load/any_exits.sql")).fetchall()[0][0]:
        return
    ids = rows.take("id_number", valid[blank])
    stored = _query(con, "load/stored_exits.sql", {"incoming_ids": pa.table({"id_number": pc.unique(ids)})})
    if not stored:
        return
    exits = {id_number: (exited_on, batch_id) for id_number, exited_on, batch_id in stored}
    ids_of_valid = rows.take("id_number", valid)
    mine = pc.is_in(ids_of_valid, value_set=pa.array(list(exits), ids_of_valid.type)).to_numpy(zero_copy_only=False)
    positions = valid[mine]
    blank_at = dict(zip(valid.tolist(), blank.tolist(), strict=True))
    people = ids_of_valid.filter(pa.array(mine)).to_pylist()
    last = dict(zip(people, positions.tolist(), strict=True))  # positions ascend: the last row of each wins
    clearing = {person for person, pos in last.items() if blank_at[pos]}
    if not clearing:
        return
    if rows.allow_reopen:
        rows.reopened["people"] += len(clearing)
        return
    label = labels.column_label("roster", "exited_on")
    for pos, person in zip(positions.tolist(), people, strict=True):
        if person in clearing:
            exited_on, batch_id = exits[person]
            reason = labels.MSG_HELD_BACK_EXIT.format(
                exited_on=exited_on, batch=batch_id, hint=labels.MSG_HELD_BACK_HINT
            )
            rows.hold(pos, label, reason)


def audit_reopened(con, rows_by_kind: dict, report, user: str, county: str | None) -> None:
    """Write the audit record of the rows applied although they move things back, and say so in the report."""
    issues = sum(rows.reopened["issues"] for rows in rows_by_kind.values())
    people = sum(rows.reopened["people"] for rows in rows_by_kind.values())
    if not issues and not people:
        return
    report.reopened = issues + people
    scope = access.Scope(county=county) if county else access.ALL
    detail = labels.AUDIT_DETAIL_REOPEN.format(file=report.file, issues=issues, people=people)
    access.audit(con, user, "reopen", scope, detail, issues + people)
    report.notes.append(labels.MSG_REOPENED.format(issues=issues, people=people))


# ---------------------------------------------------------------- a cadre's new phone


@dataclass
class _PhoneChange:
    old: str
    new: str
    cadre: str
    department: str
    people: list[str]  # the people of the file whose pairing moves
    positions: list[int]  # their rows in the file


def _meet(start_a: dt.date, end_a: dt.date | None, start_b: dt.date, end_b: dt.date | None) -> bool:
    far = dt.date.max
    return start_a < (end_b or far) and start_b < (end_a or far)


def _new_keys(rows, flagged: np.ndarray, stored: pa.Table) -> np.ndarray:
    """True for each of the flagged rows whose key (身份证号, 干部电话) is not among the stored pairings."""
    ids = rows.take("id_number", flagged).cast(pa.string())
    phones = rows.take("cadre_phone", flagged).cast(pa.string())
    stored_ids = stored.column("id_number").combine_chunks().cast(pa.string())
    stored_phones = stored.column("cadre_phone").combine_chunks().cast(pa.string())
    keys = pc.binary_join_element_wise(ids, phones, "|")
    stored_keys = pc.binary_join_element_wise(stored_ids, stored_phones, "|")
    return ~pc.is_in(keys, value_set=stored_keys).to_numpy(zero_copy_only=False)


def apply_phone_changes(con, rows, flagged: np.ndarray, stored: pa.Table, batch_id: int) -> bool:
    """Recognise and apply the phone changes among some of the file's pairings; whether there was any.

    `flagged` are the positions of the file's pairings (the last row of each key) of the people whose
    pairing periods meet, stored and file ones together (checks._people_with_overlaps), and `stored` those
    people's stored pairings: a phone change is always such a meeting, since the old and the new row start
    on the same 结对日期. Only the people with a row whose key is not stored are looked at further (a roster
    restating its pairings has none). A row is a phone change
    when its key (身份证号, 干部电话) is not stored, the file does not restate the old key, and exactly one
    stored pairing of the person has the same cadre name, unit and 结对日期 under another phone, and the two
    periods meet. The stored pairing takes the new phone; so do the cadre's other pairings under the old
    phone (same name and unit) that the file does not write (a county office's file: of its own county's
    people only), and the contacts he recorded under it with the people whose pairings moved. Each change
    gives a note in the report (phones masked) and its rows count as updated (rows.phone_changed).
    """
    if not len(flagged):
        return False
    new = _new_keys(rows, flagged, stored)
    if not new.any():
        return False
    flagged_ids = rows.take("id_number", flagged)
    new_people = pc.unique(flagged_ids.filter(pa.array(new)))
    flagged = flagged[pc.is_in(flagged_ids, value_set=new_people).to_numpy(zero_copy_only=False)]
    ids = rows.take("id_number", flagged).to_pylist()
    phones = rows.take("cadre_phone", flagged).to_pylist()
    names = rows.take("cadre_name", flagged).to_pylist()
    departments = rows.take("department", flagged).to_pylist()
    starts = rows.take("paired_on", flagged).to_pylist()
    ends = rows.take("unpaired_on", flagged).to_pylist()
    people = pa.table({"id_number": pa.array(sorted(set(ids)), pa.string())})
    stored = _query(con, "load/pairings_of_people.sql", {"incoming_ids": people})
    stored_of: dict[str, list[tuple]] = defaultdict(list)
    for id_number, phone, name, department, start, end in stored:
        stored_of[id_number].append((phone, name, department, start, end))
    stored_keys = {(id_number, pairing[0]) for id_number, pairings in stored_of.items() for pairing in pairings}
    file_keys = set(zip(ids, phones, strict=True))
    claims: dict[tuple[str, str], list[int]] = defaultdict(list)  # stored key -> file rows taking it over
    for n, (id_number, phone, name, department, start, end) in enumerate(
        zip(ids, phones, names, departments, starts, ends, strict=True)
    ):
        if (id_number, phone) in stored_keys:
            continue
        matches = [
            pairing[0]
            for pairing in stored_of[id_number]
            if pairing[1:4] == (name, department, start)
            and pairing[0] != phone
            and (id_number, pairing[0]) not in file_keys
            and _meet(start, end, pairing[3], pairing[4])
        ]
        if len(matches) == 1:
            claims[(id_number, matches[0])].append(n)
    changes: dict[tuple[str, str, str, str], _PhoneChange] = {}
    for (id_number, old), taken_by in sorted(claims.items()):
        if len(taken_by) != 1:  # two new rows for one stored pairing: not a plain change of phone
            continue
        n = taken_by[0]
        group = (old, phones[n], names[n], departments[n])
        change = changes.setdefault(group, _PhoneChange(old, phones[n], names[n], departments[n], [], []))
        change.people.append(id_number)
        change.positions.append(int(flagged[n]))
    for change in changes.values():
        _apply_phone_change(con, rows, change, batch_id)
    return bool(changes)


def _file_people_with_phone(rows, phones: list[str]) -> pa.Array:
    """The people the file's valid pairing rows write with one of these phones."""
    valid = rows.valid()
    cadre_phone = rows.values["cadre_phone"]
    with_phone = cadre_phone.isin(phones)[valid]
    return pc.unique(rows.take("id_number", valid[with_phone]))


def _apply_phone_change(con, rows, change: _PhoneChange, batch_id: int) -> None:
    params = {"old_phone": change.old, "new_phone": change.new, "batch_id": batch_id}
    moved = _query(
        con,
        "load/phone_change_pairings.sql",
        {"phone_change_ids": pa.table({"id_number": pa.array(change.people, pa.string())})},
        params,
    )
    skip = pa.table({"id_number": _file_people_with_phone(rows, [change.old, change.new]).cast(pa.string())})
    carried = _query(
        con,
        "load/phone_carry_over.sql",
        {"phone_change_skip": skip},
        {**params, "cadre_name": change.cadre, "department": change.department, "county": rows.county_only},
    )
    everyone = sorted({id_number for (id_number,) in moved} | {id_number for (id_number,) in carried})
    contacts = _query(
        con,
        "load/phone_change_contacts.sql",
        {"phone_change_moved": pa.table({"id_number": pa.array(everyone, pa.string())})},
        {"old_phone": change.old, "new_phone": change.new},
    )
    rows.phone_changed.extend(change.positions)
    rows.notes.append(
        labels.MSG_PHONE_CHANGE.format(
            cadre=change.cadre,
            department=change.department,
            old=masking.mask_phone(change.old),
            new=masking.mask_phone(change.new),
            pairings=len(everyone),
            contacts=contacts[0][0] if contacts else 0,
        )
    )


# ---------------------------------------------------------------- a county's complete list


@dataclass(frozen=True)
class FullList:
    """The uploader's word that a roster file is a county's complete list (SPEC §4).

    confirmed=False asks only for the people missing from it (nothing is written); confirmed=True gives
    them 退出日期 = exit_on (default: the import day). `only`, when given, limits the exits to the people
    the uploader saw listed (the upload page), in case the stored data changed in between.
    """

    county: str
    confirmed: bool = False
    exit_on: dt.date | None = None
    only: frozenset[str] | None = None


@dataclass
class FullListCheck:
    """What a complete list means against the stored data: the people missing, or why it cannot apply."""

    county: str
    exit_on: dt.date
    missing: list[dict]  # id_number (in full), name, township, village
    error: str = ""

    def summary(self, applied: int | None = None) -> dict:
        """For the report and the CLI's JSON line: ID numbers masked, the first people listed."""
        out = {
            "county": self.county,
            "exit_on": self.exit_on.isoformat(),
            "missing": len(self.missing),
            "people": [
                {**person, "id_number": masking.mask_id(person["id_number"])}
                for person in self.missing[:FULL_LIST_PEOPLE_SHOWN]
            ],
        }
        if applied is not None:
            out["exited"] = applied
        return out


def missing_people(con, parsed: dict, full_list: FullList, today: dt.date) -> FullListCheck:
    """The county's people in the programme whose ID number no roster row of the file carries.

    Every roster row counts as listing its person, a rejected or held-back one too (the office wrote him
    down). A file without roster rows, or without a single row of the county, cannot be its complete list.
    """
    exit_on = full_list.exit_on or today
    check = FullListCheck(full_list.county, exit_on, [])
    roster = parsed.get("roster")
    if roster is None or not len(roster):
        check.error = labels.MSG_FULL_LIST_NOT_ROSTER
        return check
    everyone = np.arange(len(roster))
    if not roster.values["county"].isin([full_list.county]).any():
        check.error = labels.MSG_FULL_LIST_NO_ROWS.format(county=full_list.county)
        return check
    listed = pc.drop_null(pc.unique(roster.take("id_number", everyone)))
    found = _query(
        con,
        "load/full_list_missing.sql",
        {"listed": pa.table({"id_number": listed.cast(pa.string())})},
        {"county": full_list.county},
    )
    check.missing = [
        {"id_number": id_number, "name": name, "township": township, "village": village}
        for id_number, name, township, village in found
    ]
    return check


def apply_full_list(con, check: FullListCheck, full_list: FullList, report, batch_id: int, user: str) -> int:
    """Give the confirmed missing people their 退出日期 in the importing batch; audited; how many."""
    leaving = [person["id_number"] for person in check.missing]
    if full_list.only is not None:
        leaving = [id_number for id_number in leaving if id_number in full_list.only]
    if not leaving:
        return 0
    exited = _query(
        con,
        "load/full_list_exit.sql",
        {"leaving": pa.table({"id_number": pa.array(leaving, pa.string())})},
        {"county": check.county, "exit_on": check.exit_on, "batch_id": batch_id},
    )
    count = len(exited)
    if count:
        detail = labels.AUDIT_DETAIL_FULL_LIST.format(
            file=report.file, county=check.county, count=count, exit_on=check.exit_on
        )
        access.audit(con, user, "full_list_exit", access.Scope(county=check.county), detail, count)
        report.notes.append(labels.MSG_FULL_LIST_EXITED.format(county=check.county, count=count, exit_on=check.exit_on))
    return count


def check_full_list(con, data: bytes, file_name: str, full_list: FullList, *, kind=None, today=None) -> FullListCheck:
    """The people a file declared a county's complete list would give a 退出日期, before anything changes.

    For the upload page's preview: the file is read and cleaned as the import does; nothing is written.
    A file the import would refuse as a whole gives its message as the error.
    """
    from pipeline import config
    from pipeline.ingest.read import ReadError, read_file

    day = config.today(today)
    try:
        sheets = read_file(data, file_name)
    except ReadError as exc:
        return FullListCheck(full_list.county, full_list.exit_on or day, [], str(exc))
    report = ImportReport(file=file_name)
    parsed = prepare(sheets, report, kind, day)
    if report.status == "failed":
        return FullListCheck(full_list.county, full_list.exit_on or day, [], report.message)
    return missing_people(con, parsed, full_list, day)
