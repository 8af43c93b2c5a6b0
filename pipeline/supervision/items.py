"""督办事项 in the database: raising an item with its lines, every later step, and reading them back.

Every step is one transaction that writes the item's new state, one row of its history (supervision_event),
whatever the step adds (a 催办, a 延期申请 or its decision, a 情况说明 or its acceptance) and one audit record
(action `supervise`), so that the history and the audit log can never disagree. "Today" (the business day a
step counts for: 交办日期, 反馈 on time or not) is the caller's, pinned in tests and demos; the history and the
audit log also keep the real clock. Nothing is deleted: 撤销 is a state.

Scopes. Reading takes a `queries.Scope` (an account's scope, narrowed by a page filter with `User.combine`):
its county matches the item's county, its department the item's 承办单位. A step re-reads the item within
the account's own scope, so an item outside it is "not found" whatever number is asked for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import duckdb
import pandas as pd

from pipeline import access, audit_chain, config, db, labels, masking
from pipeline.queries import ALL, Scope
from pipeline.supervision import evidence, raising, rules, workdays

_SQL = "supervision/{}.sql"
_EMPTY_LINE = {
    "id_number": None,
    "beneficiary_name": None,
    "category": None,
    "county": None,
    "township": None,
    "cadre_name": None,
    "cadre_phone": None,
    "issue_key": None,
    "issue_no": None,
    "issue_raised_on": None,
    "issue_category": None,
    "description": None,
}


def _sql(name: str) -> str:
    return db.read_sql(_SQL.format(name))


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _scope_params(scope: Scope) -> dict[str, object]:
    return {"county": scope.county, "department": scope.department}


@contextlib.contextmanager
def _step(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction holding the audit chain's turn: the step and its audit record are written together."""
    try:
        with audit_chain.exclusive(), access.audit_turn(con), db.transaction(con):
            yield
    except duckdb.TransactionException as exc:  # another session changed the same item at the same moment
        raise rules.SupervisionError(labels.SV_MSG_CONFLICT) from exc


def _audit(con, user_name: str, item: rules.Item, step: str, extra: str = "", rows: int | None = None) -> None:
    # item number, department and step only: no person's name or typed text goes into the audit log
    detail = labels.SV_AUDIT_DETAIL.format(
        number=item.number_text, department=item.department, step=labels.SV_STEP_LABELS[step], extra=extra
    )
    scope = Scope(county=item.county, department=item.department)
    access.audit(con, user_name, "supervise", scope, detail, rows)


# ---------------------------------------------------------------- reading


_DATE_FIELDS = ("raised_on", "first_due_on", "due_on", "first_feedback_on", "ready_on", "closed_on")
_INT_FIELDS = ("item_id", "year", "number", "lines", "presses")
_BOOL_FIELDS = ("due_estimated", "pending_extension")


def _plain(value: object) -> object:
    """A value of a result frame as plain Python: None for missing, dates as dates."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if not isinstance(value, (str, dt.date)) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _item(record: dict, lines_done: int = 0) -> rules.Item:
    fields = {name: _plain(record[name]) for name in rules.Item.__dataclass_fields__ if name in record}
    for name in _INT_FIELDS:
        fields[name] = int(fields.get(name) or 0)
    for name in _BOOL_FIELDS:
        fields[name] = bool(fields.get(name))
    return rules.Item(**{**fields, "lines_done": int(lines_done)})


def _items_frame(con, scope: Scope, item_id: int | None = None) -> pd.DataFrame:
    return con.execute(_sql("items"), {**_scope_params(scope), "item_id": item_id}).df()


def list_items(con: duckdb.DuckDBPyConnection, scope: Scope, today: dt.date) -> list[rules.Item]:
    """The items within the scope, newest first, each with its lines done on `today`."""
    if access.is_empty(scope):
        return []
    frame = _items_frame(con, scope)
    if frame.empty:
        return []
    judged = evidence.evidence_frame(con, scope, today)
    done = judged.groupby("item_id")["is_done"].sum().to_dict() if not judged.empty else {}
    return [_item(record, int(done.get(record["item_id"], 0))) for record in frame.to_dict("records")]


def get_item(con: duckdb.DuckDBPyConnection, item_id: int, scope: Scope, today: dt.date) -> rules.Item:
    """One item within the scope, or NotFound (also for an item that exists outside it)."""
    if not isinstance(item_id, int) or isinstance(item_id, bool) or item_id < 1 or access.is_empty(scope):
        raise rules.NotFound(labels.SV_MSG_NOT_FOUND.format(item=item_id))
    frame = _items_frame(con, scope, item_id)
    if frame.empty:
        raise rules.NotFound(labels.SV_MSG_NOT_FOUND.format(item=item_id))
    judged = evidence.evidence_frame(con, scope, today, item_id)
    return _item(frame.to_dict("records")[0], int(judged["is_done"].sum()) if not judged.empty else 0)


def lines(con: duckdb.DuckDBPyConnection, item: rules.Item, today: dt.date) -> pd.DataFrame:
    """The lines of an item, masked, each with its evidence in words (is_done, evidence)."""
    frame = evidence.evidence_frame(con, ALL, today, item.item_id)
    frame["evidence"] = [evidence.evidence_text(record) for record in frame.to_dict("records")]
    frame["id_number"] = [masking.mask_id(v) if isinstance(v, str) else None for v in frame["id_number"]]
    frame["beneficiary_name"] = [
        masking.mask_name(v) if isinstance(v, str) else None for v in frame["beneficiary_name"]
    ]
    frame["cadre_phone"] = [masking.mask_phone(v) if isinstance(v, str) else None for v in frame["cadre_phone"]]
    for column in ("explanation", "accepted_note"):
        frame[column] = [masking.mask_text(v) if isinstance(v, str) else None for v in frame[column]]
    return frame


def history(con: duckdb.DuckDBPyConnection, item: rules.Item) -> pd.DataFrame:
    """Every step taken on the item, in order (texts masked)."""
    frame = con.execute(_sql("events"), {"item_id": item.item_id}).df()
    frame["text"] = [masking.mask_text(v) if isinstance(v, str) else None for v in frame["text"]]
    return frame


def presses(con: duckdb.DuckDBPyConnection, item: rules.Item) -> pd.DataFrame:
    """The 催办 records of the item, in order."""
    frame = con.execute(_sql("presses"), {"item_id": item.item_id}).df()
    frame["note"] = [masking.mask_text(v) if isinstance(v, str) else None for v in frame["note"]]
    return frame


def extensions(con: duckdb.DuckDBPyConnection, item: rules.Item) -> pd.DataFrame:
    """The 延期申请 of the item, in order, with the decisions."""
    frame = con.execute(_sql("extensions"), {"item_id": item.item_id}).df()
    for column in ("reason", "decision_note"):
        frame[column] = [masking.mask_text(v) if isinstance(v, str) else None for v in frame[column]]
    return frame


def departments(con: duckdb.DuckDBPyConnection, county: str | None = None) -> list[str]:
    """The departments of the roster (of one county's pairs when a county is given)."""
    return [name for (name,) in con.execute(_sql("departments"), {"county": county}).fetchall()]


# ---------------------------------------------------------------- raising


def due_date(today: dt.date, days: int | None = None, due: dt.date | None = None) -> workdays.Counted:
    """办理时限: a date given, else `days` working days (default 10) after 交办."""
    if due is not None:
        if due < today:
            raise rules.SupervisionError(labels.SV_MSG_DUE_PAST.format(due=due.isoformat(), today=today.isoformat()))
        return workdays.Counted(due, not workdays.known(due))
    days = rules.DEFAULT_DAYS if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= workdays.MAX_WORKING_DAYS:
        raise rules.SupervisionError(labels.SV_MSG_DAYS_INVALID.format(value=days, maximum=workdays.MAX_WORKING_DAYS))
    return workdays.add_working_days(today, days)


def _check_department(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if not text or len(text) > access.MAX_SCOPE_VALUE_LENGTH or any(not ch.isprintable() for ch in text):
        raise rules.SupervisionError(labels.SV_MSG_DEPARTMENT_INVALID.format(value=value))
    return text


def _item_county(user: access.User, new_lines: list[dict]) -> str | None:
    counties = {line.get("county") for line in new_lines if line["kind"] != "text"}
    if user.role == "county":
        if counties - {user.county}:
            raise rules.NotAllowed(labels.SV_MSG_COUNTY_ONLY.format(county=user.county))
        return user.county
    return counties.pop() if len(counties) == 1 else None


def _issue_key(con, line: dict) -> str | None:
    params = {
        "id_number": line.get("id_number"),
        "issue_no": line.get("issue_no"),
        "raised_on": line.get("issue_raised_on"),
        "category": line.get("issue_category"),
        "description": line.get("description"),
    }
    return con.execute(_sql("issue_key_lookup"), params).fetchall()[0][0]


def raise_item(
    con: duckdb.DuckDBPyConnection,
    user: access.User,
    *,
    department: str,
    source: str,
    lines: list[dict],
    today: dt.date,
    requirement: str | None = None,
    level: str = rules.LEVELS[0],
    days: int | None = None,
    due: dt.date | None = None,
    period: str | None = None,
) -> rules.Item:
    """交办: one item for one department with its lines; the 督办要求 is written from the lines unless given."""
    if not rules.may_raise(user):
        raise rules.NotAllowed(labels.SV_MSG_RAISE_NOT_ALLOWED.format(role=user.role_label))
    department = _check_department(department)
    if source not in rules.SOURCES:
        raise rules.SupervisionError(labels.SV_MSG_SOURCE_INVALID.format(value=source))
    if level not in rules.LEVELS:
        raise rules.SupervisionError(labels.SV_MSG_LEVEL_INVALID.format(value=level, allowed="、".join(rules.LEVELS)))
    if not lines:
        raise rules.SupervisionError(labels.SV_MSG_NO_LINES.format(department=department))
    if len(lines) > rules.MAX_LINES:
        raise rules.SupervisionError(labels.SV_MSG_TOO_MANY_LINES.format(count=len(lines), limit=rules.MAX_LINES))
    if user.role == "county" and department not in departments(con, user.county):
        raise rules.NotAllowed(labels.SV_MSG_COUNTY_DEPARTMENT.format(department=department, county=user.county))
    county = _item_county(user, lines)
    limit = due_date(today, days, due)
    text = raising.requirement_text(department, lines, limit.value) if requirement is None else requirement
    text = masking.mask_text(rules.clean_text(text, labels.SV_FIELD_REQUIREMENT))  # it is handed on: no identifier
    now = _now()
    with _step(con):
        params = {
            "year": today.year,
            "source": source,
            "department": department,
            "county": county,
            "requirement": text,
            "level": level,
            "period": period,
            "raised_on": today,
            "due_on": limit.value,
            "due_estimated": limit.estimated,
            "raised_by": user.name,
            "raised_at": now,
        }
        item_id = con.execute(_sql("item_insert"), params).fetchall()[0][0]
        for line_no, line in enumerate(lines, start=1):
            row = {**_EMPTY_LINE, **line, "item_id": item_id, "line_no": line_no}
            if row["kind"] == "issue" and row.get("issue_key") is None:
                row["issue_key"] = _issue_key(con, row)
            con.execute(
                _sql("line_insert"), {key: row[key] for key in (*_EMPTY_LINE, "item_id", "line_no", "kind", "summary")}
            )
        raised = labels.SV_RAISE_TEXT.format(lines=len(lines), due=limit.value.isoformat())
        event = {"line_no": None, "text": raised, "due_on": limit.value}
        _event(con, item_id, "raise", today, now, user.name, "assigned", event)
        item = get_item(con, item_id, ALL, today)
        _audit(con, user.name, item, "raise", labels.SV_AUDIT_SEPARATOR + raised, len(lines))
    return get_item(con, item_id, ALL, today)


def _event(con, item_id, action, today, now, user_name, state_after, values: dict) -> None:
    params = {
        "item_id": item_id,
        "action": action,
        "acted_on": today,
        "acted_at": now,
        "user_name": user_name,
        "state_after": state_after,
        "line_no": values.get("line_no"),
        "text": values.get("text"),
        "due_on": values.get("due_on"),
    }
    con.execute(_sql("event_insert"), params)


# ---------------------------------------------------------------- the steps after 交办


def _line_state(con, item: rules.Item, line_no: object, today: dt.date) -> dict:
    frame = evidence.evidence_frame(con, ALL, today, item.item_id)
    if isinstance(line_no, bool) or not isinstance(line_no, int) or line_no not in set(frame["line_no"].tolist()):
        raise rules.SupervisionError(labels.SV_MSG_LINE_INVALID.format(line=line_no, number=item.number_text))
    return frame.loc[frame["line_no"] == line_no].to_dict("records")[0]


def line_name(record: dict) -> str:
    """A line in a few words (masked): 李明秀结对的朱*, 张*平的问题WT0003, or its words."""
    if record["kind"] == "pair":
        return labels.SV_LINE_NAME_PAIR.format(cadre=record.get("cadre_name") or "", name=record["beneficiary_name"])
    if record["kind"] == "issue":
        return labels.SV_LINE_NAME_ISSUE.format(name=record["beneficiary_name"], issue_no=record.get("issue_no") or "")
    return record["summary"]


def open_lines_text(con, item: rules.Item, today: dt.date) -> str:
    """The lines not yet done, as 第2条（徐丽结对的郭*英）；第3条（…）."""
    frame = lines(con, item, today)
    missing = frame.loc[~frame["is_done"].astype(bool)]
    return labels.SV_OPEN_LINES_SEPARATOR.join(
        labels.SV_OPEN_LINE.format(line=int(r["line_no"]), summary=line_name(r)) for r in missing.to_dict("records")
    )


def act(
    con: duckdb.DuckDBPyConnection,
    user: access.User,
    item_id: int,
    step: str,
    *,
    today: dt.date,
    text: str | None = None,
    way: str | None = None,
    due: dt.date | None = None,
    line_no: int | None = None,
) -> rules.Item:
    """Take one step on an item (see rules.TRANSITIONS); returns the item after it.

    签收 sign · 反馈 feedback (text) · 延期申请 extension_request (due, text) · 情况说明 explain (line_no, text) ·
    催办 press (way, text as note) · 退回 return (text) · 批准/不批准延期 extension_grant/refuse (text optional) ·
    采纳情况说明 accept (line_no, text optional) · 销号 close (only when every line is done) · 撤销 withdraw (text).
    """
    item = get_item(con, item_id, user.scope, today)
    rules.check_step(user, item, step)
    _, state_after = rules.TRANSITIONS[step]
    state_after = state_after or item.state
    what = labels.SV_TEXT_WHAT.get(step, labels.SV_FIELD_NOTE)
    text = rules.clean_text(text, what, required=step in rules.TEXT_REQUIRED)
    now = _now()
    values: dict[str, object] = {"text": text}
    update = {"due_on": None, "feedback_on": None, "ready_on": None, "closed_on": None}
    extra = ""
    if step == "press":
        if way not in rules.WAYS:
            raise rules.SupervisionError(labels.SV_MSG_WAY_INVALID.format(value=way, allowed="、".join(rules.WAYS)))
        extra = labels.SV_AUDIT_PRESS.format(way=way)
        values["text"] = labels.SV_PRESS_TEXT.format(way=way, note=text) if text else way
    elif step == "extension_request":
        if item.pending_extension:
            raise rules.SupervisionError(labels.SV_MSG_EXTENSION_PENDING.format(number=item.number_text))
        if due is None or due <= item.due_on:
            raise rules.SupervisionError(labels.SV_MSG_EXTENSION_DATE.format(due=item.due_on.isoformat()))
        values["due_on"] = due
        extra = labels.SV_AUDIT_DUE.format(due=due.isoformat())
    elif step in ("extension_grant", "extension_refuse") and not item.pending_extension:
        raise rules.SupervisionError(labels.SV_MSG_NO_PENDING_EXTENSION.format(number=item.number_text))
    elif step in ("explain", "accept"):
        line = _line_state(con, item, line_no, today)
        if line["is_done"] and step == "accept":
            raise rules.SupervisionError(labels.SV_MSG_LINE_DONE.format(line=line_no, number=item.number_text))
        if step == "accept" and not text and not isinstance(line.get("explanation"), str):
            raise rules.SupervisionError(labels.SV_MSG_ACCEPT_NEEDS_TEXT.format(line=line_no))
        values["line_no"] = line_no
        extra = labels.SV_AUDIT_LINE.format(line=line_no)
    elif step == "close":
        if not item.all_done:
            raise rules.SupervisionError(
                labels.SV_MSG_CLOSE_REFUSED.format(number=item.number_text, lines=open_lines_text(con, item, today))
            )
        update["closed_on"] = today
    elif step == "withdraw":
        update["closed_on"] = today
    elif step == "feedback":
        update["feedback_on"] = today
    with _step(con):
        if step == "press":
            con.execute(
                _sql("press_insert"),
                {
                    "item_id": item.item_id,
                    "pressed_on": today,
                    "way": way,
                    "note": text,
                    "user_name": user.name,
                    "pressed_at": now,
                },
            )
        elif step == "extension_request":
            con.execute(
                _sql("extension_insert"),
                {
                    "item_id": item.item_id,
                    "requested_on": today,
                    "new_due_on": due,
                    "reason": text,
                    "requested_by": user.name,
                },
            ).fetchall()
        elif step in ("extension_grant", "extension_refuse"):
            decision = "granted" if step == "extension_grant" else "refused"
            asked = con.execute(
                _sql("extension_decide"),
                {
                    "item_id": item.item_id,
                    "decision": decision,
                    "decided_on": today,
                    "decided_by": user.name,
                    "decision_note": text,
                },
            ).fetchall()
            new_due = asked[0][0]
            values["due_on"] = new_due
            extra = labels.SV_AUDIT_DUE.format(due=new_due.isoformat())
            if step == "extension_grant":
                update["due_on"] = new_due
        elif step == "explain":
            con.execute(
                _sql("line_explain"),
                {
                    "item_id": item.item_id,
                    "line_no": line_no,
                    "explanation": text,
                    "explained_on": today,
                    "explained_by": user.name,
                },
            )
        elif step == "accept":
            con.execute(
                _sql("line_accept"),
                {
                    "item_id": item.item_id,
                    "line_no": line_no,
                    "accepted_on": today,
                    "accepted_by": user.name,
                    "accepted_note": text,
                },
            )
        con.execute(_sql("item_update"), {**update, "item_id": item.item_id, "state": state_after, "updated_at": now})
        _event(con, item.item_id, step, today, now, user.name, state_after, values)
        _audit(con, user.name, item, step, extra)
    after = get_item(con, item.item_id, ALL, today)
    if step == "accept" and after.all_done and after.ready_on is None:
        mark_ready(con, today, user.name, [after.item_id])
        after = get_item(con, item.item_id, ALL, today)
    return after


def mark_ready(
    con: duckdb.DuckDBPyConnection, today: dt.date, user_name: str, item_ids: list[int] | None = None
) -> list[rules.Item]:
    """Mark 可销号 the open items (all, or those given) whose lines are now all done; returns them.

    Called after each import (a new contact log or ledger may be the evidence) and when the office accepts the
    last missing 情况说明. Each item is marked once, with a step in its history and an audit record.
    """
    ready = [
        item
        for item in list_items(con, ALL, today)
        if item.is_open and item.all_done and item.ready_on is None and (item_ids is None or item.item_id in item_ids)
    ]
    if not ready:
        return []
    now = _now()
    with _step(con):
        for item in ready:
            update = {"due_on": None, "feedback_on": None, "ready_on": today, "closed_on": None}
            con.execute(
                _sql("item_update"), {**update, "item_id": item.item_id, "state": item.state, "updated_at": now}
            )
            _event(con, item.item_id, "ready", today, now, user_name, item.state, {"text": None})
            _audit(con, user_name, item, "ready", "", item.lines)
    return ready


def mark_ready_after_import(con: duckdb.DuckDBPyConnection, today: dt.date | None, user_name: str) -> str | None:
    """mark_ready for the end of an import: a message naming the items now 可销号, never an exception."""
    try:
        ready = mark_ready(con, config.today(today), user_name or labels.DEFAULT_USER)
    except (duckdb.Error, rules.SupervisionError, access.AccessError) as exc:
        return labels.SV_MSG_READY_FAILED.format(error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    if not ready:
        return None
    return labels.SV_MSG_READY_AFTER_IMPORT.format(count=len(ready), numbers="、".join(i.number_text for i in ready))
