"""`python -m pipeline supervise …` (SPEC §7): 督办事项 from the command line, for scripts and the morning routine.

    supervise open --department D --from overdue-contacts|overdue-issues|behind|other --period P [--cadre NAME…]
                   [--line TEXT…] [--due YYYY-MM-DD | --days N] [--level 重点] [--requirement T] --user U
    supervise list [--state S…] [--overdue] [--department D] [--format csv|json] [--user U]
    supervise show N [--format text|json] [--user U]
    supervise sign|close N --user U                      supervise feedback N --text T --user U
    supervise press N --way 电话|通知|约谈 [--note T] --user U    supervise return|withdraw N --reason T --user U
    supervise extend N --due YYYY-MM-DD --reason T --user U     supervise decide N --grant|--refuse [--note T] --user U
    supervise explain N --line L --text T --user U       supervise accept N --line L [--note T] --user U
    supervise due --within 3 [--format csv|json]
    supervise sheet N --out F.docx [--html F.html] [--pdf F.pdf] [--user U]
    supervise bulletin --period P --out F.docx [--html F.html] [--pdf F.pdf] [--user U]

N is the item's id. A step is taken as the account named by --user, with its role and scope (a county account
raises items of its county only, a department account answers its own items); reading without --user sees the
whole city, like every other command run by whoever holds the database file. Exit status: 0 done, 1 the
documents were written but not the PDF (no Chromium here), 2 wrong arguments or a step refused (the reason,
such as the lines still open, goes to stderr in Chinese). Every step and every output is in the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys

import pandas as pd

from pipeline import access, labels, periods, queries, safe_files, settings
from pipeline.cells import neutralize
from pipeline.cli import common
from pipeline.cli.parser import EXIT_OK, EXIT_PARTIAL, FROM_SOURCES, STEP_COMMANDS, BadArgument, bad_argument, fail
from pipeline.queries import ALL, Scope

LIST_COLUMNS = (
    "id",
    "number",
    "department",
    "county",
    "source",
    "level",
    "state",
    "raised_on",
    "due",
    "light",
    "days",
    "lines",
    "lines_done",
    "ready",
    "presses",
    "pending_extension",
    "due_estimated",
)


# ---------------------------------------------------------------- shared pieces


def _date(value: str | None, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise BadArgument(labels.SV_MSG_DATE_INVALID.format(what=what, value=value)) from exc


def _format(args, allowed: tuple[str, ...] = ("csv", "json")) -> str:
    value = getattr(args, "format", None) or allowed[0]
    if value not in allowed:
        raise BadArgument(labels.SV_MSG_FORMAT_INVALID.format(value=value, allowed="、".join(allowed)))
    return value


def _item_id(args) -> int:
    text = str(args.item).strip()
    if not text.isdigit() or int(text) < 1:
        raise BadArgument(labels.SV_MSG_ITEM_INVALID.format(value=args.item))
    return int(text)


def _account(con, name: str | None, required: bool) -> access.User | None:
    """The account --user names (its role and scope apply), None for "no account" where that is allowed."""
    if name is None or not str(name).strip():
        if required:
            raise BadArgument(labels.SV_MSG_USER_REQUIRED)
        return None
    user = access.load_user(con, str(name))
    if user is None:
        raise BadArgument(labels.SV_MSG_USER_UNKNOWN.format(name=name))
    return user


def _audit_export(con, user: access.User | None, what: str, target: str, rows: int | None, scope: Scope) -> None:
    detail = labels.SV_AUDIT_EXPORT.format(what=what, target=target)
    access.audit(con, user.name if user else labels.DEFAULT_USER, "export", scope, detail, rows)


def _plain(value: object) -> object:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        return _plain(value.item())
    if isinstance(value, float) and value != value:
        return None
    return value


def _write(records: list[dict], columns: tuple[str, ...], fmt: str) -> None:
    if fmt == "json":
        common.deliver((json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for record in records:
        writer.writerow("" if record.get(c) is None else neutralize(record[c]) for c in columns)
    common.deliver(buffer.getvalue().encode("utf-8-sig"))


def item_record(item, today: dt.date) -> dict:
    """One item as `list` prints it (the JSON keys of the issue: id, number, department, state, due, light…)."""
    from pipeline.supervision import lights

    return {
        "id": item.item_id,
        "number": item.number_text,
        "department": item.department,
        "county": item.county,
        "source": item.source,
        "level": item.level,
        "state": item.state,
        "raised_on": item.raised_on.isoformat(),
        "due": item.due_on.isoformat(),
        "light": lights.light(item.state, item.due_on, today),
        "days": lights.days_text(item.state, item.due_on, today),
        "lines": item.lines,
        "lines_done": item.lines_done,
        "ready": item.is_open and item.all_done,
        "presses": item.presses,
        "pending_extension": item.pending_extension,
        "due_estimated": item.due_estimated,
    }


# ---------------------------------------------------------------- actions


def _open_item(args) -> int:
    from pipeline.supervision import items, raising, rules

    try:
        today = common.pinned_today(args)
        due = _date(args.due, "--due")
        source = FROM_SOURCES[args.source]
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        try:
            user = _account(con, args.user, required=True)
            period = None
            lines: list[dict] = []
            if source in ("overdue_contacts", "overdue_issues", "behind"):
                if not args.period:
                    raise BadArgument(labels.SV_MSG_PERIOD_REQUIRED.format(source=args.source))
                try:
                    period = periods.parse_period(args.period, today)
                except periods.PeriodError as exc:
                    raise BadArgument(str(exc)) from exc
                config_now = settings.read_settings(con)
                scope = user.combine(Scope(department=args.department.strip()))
                wanted = {"overdue_contacts": ("contacts",), "overdue_issues": ("issues",)}.get(
                    source, ("contacts", "issues")
                )
                for what in wanted:
                    frame = queries.overdue(con, period, what, scope, masked=False, config=config_now)
                    lines += raising.lines_from_overdue(frame, what, config_now.overdue_days, args.cadre)
                if args.cadre:
                    found = {line["cadre_name"] for line in lines}
                    missing = [name for name in args.cadre if name not in found]
                    if missing:
                        raise BadArgument(labels.SV_MSG_CADRE_NOT_FOUND.format(names="、".join(missing)))
            lines += [raising.text_line(text) for text in args.line]
            item = items.raise_item(
                con,
                user,
                department=args.department,
                source=source,
                lines=lines,
                today=today,
                requirement=args.requirement,
                level=rules.LEVELS[0] if args.level is None else args.level,
                days=args.days,
                due=due,
                period=period.text if period else None,
            )
        except (BadArgument, rules.SupervisionError) as exc:
            return bad_argument(exc) if isinstance(exc, BadArgument) else fail(exc)
        print(json.dumps(item_record(item, today), ensure_ascii=False))
        print(
            labels.SV_MSG_RAISED.format(
                number=item.number_text, department=item.department, lines=item.lines, due=item.due_on.isoformat()
            ),
            file=sys.stderr,
        )
        if item.due_estimated:
            print(labels.SV_DUE_ESTIMATED, file=sys.stderr)
    finally:
        con.close()
    return EXIT_OK


def _list(args) -> int:
    from pipeline.supervision import items, lights, rules

    try:
        today = common.pinned_today(args)
        fmt = _format(args)
        unknown = [s for s in args.state if s not in rules.STATES]
        if unknown:
            raise BadArgument(
                labels.SV_MSG_STATE_INVALID.format(value="、".join(unknown), allowed="、".join(rules.STATES))
            )
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        try:
            user = _account(con, args.user, required=False)
        except BadArgument as exc:
            return bad_argument(exc)
        wanted = Scope(department=args.department.strip()) if args.department else ALL
        scope = user.combine(wanted) if user else wanted
        found = items.list_items(con, scope, today)
        if args.state:
            found = [item for item in found if item.state in args.state]
        if args.overdue:
            found = [item for item in found if lights.light(item.state, item.due_on, today) == "red"]
        records = [item_record(item, today) for item in found]
        _audit_export(con, user, labels.SV_AUDIT_WHAT_LIST, labels.SV_AUDIT_STDOUT, len(records), scope)
    finally:
        con.close()
    _write(records, LIST_COLUMNS, fmt)
    return EXIT_OK


def _show(args) -> int:
    from pipeline.supervision import items, rules

    try:
        today = common.pinned_today(args)
        fmt = _format(args, ("text", "json"))
        item_id = _item_id(args)
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        try:
            user = _account(con, args.user, required=False)
            item = items.get_item(con, item_id, user.scope if user else ALL, today)
        except (BadArgument, rules.SupervisionError) as exc:
            return bad_argument(exc) if isinstance(exc, BadArgument) else fail(exc)
        lines = items.lines(con, item, today)
        events = items.history(con, item)
        presses = items.presses(con, item)
        extensions = items.extensions(con, item)
        scope = Scope(county=item.county, department=item.department)
        _audit_export(
            con,
            user,
            labels.SV_AUDIT_WHAT_SHOW.format(number=item.number_text),
            labels.SV_AUDIT_STDOUT,
            len(lines),
            scope,
        )
    finally:
        con.close()
    record = item_record(item, today)
    record["requirement"] = item.requirement
    record["raised_by"] = item.raised_by
    line_columns = (
        "line_no",
        "kind",
        "beneficiary_name",
        "id_number",
        "cadre_name",
        "summary",
        "is_done",
        "evidence",
        "explanation",
    )
    record["line_items"] = [{c: _plain(r[c]) for c in line_columns} for r in lines.to_dict("records")]
    record["history"] = [{c: _plain(v) for c, v in r.items() if c != "event_id"} for r in events.to_dict("records")]
    record["press_records"] = [{c: _plain(v) for c, v in r.items()} for r in presses.to_dict("records")]
    record["extensions"] = [{c: _plain(v) for c, v in r.items()} for r in extensions.to_dict("records")]
    if fmt == "json":
        common.deliver((json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    else:
        common.deliver(_show_text(record).encode("utf-8"))
    return EXIT_OK


def _show_text(record: dict) -> str:
    from pipeline.supervision import lights

    head = labels.SV_SHOW_HEAD.format(
        number=record["number"],
        department=record["department"],
        state=labels.SV_STATE_LABELS[record["state"]],
        light=lights.light_text(record["light"]),
        days=record["days"],
        raised_on=record["raised_on"],
        due=record["due"],
        level=record["level"],
        done=record["lines_done"],
        lines=record["lines"],
        presses=record["presses"],
    )
    out = [head, labels.SV_FIELD_REQUIREMENT + "：", record["requirement"], ""]
    for line in record["line_items"]:
        mark = labels.SV_LINE_DONE if line["is_done"] else labels.SV_LINE_OPEN
        out.append(
            labels.SV_SHOW_LINE.format(
                line=line["line_no"], mark=mark, summary=line["summary"], evidence=line["evidence"]
            )
        )
    out.append("")
    for step in record["history"]:
        out.append(
            labels.SV_SHOW_STEP.format(
                date=step["acted_on"],
                user=step["user_name"],
                step=labels.SV_STEP_LABELS.get(step["action"], step["action"]),
                text=step["text"] or "",
            )
        )
    return "\n".join(out) + "\n"


def _step(args) -> int:
    from pipeline.supervision import items, rules

    step = "extension_grant" if getattr(args, "grant", False) else "extension_refuse"
    step = STEP_COMMANDS.get(args.action, step)
    try:
        today = common.pinned_today(args)
        item_id = _item_id(args)
        due = _date(getattr(args, "due", None), "--due")
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        try:
            user = _account(con, args.user, required=True)
            item = items.act(
                con,
                user,
                item_id,
                step,
                today=today,
                text=getattr(args, "text", None),
                way=getattr(args, "way", None),
                due=due,
                line_no=getattr(args, "line_no", None),
            )
        except BadArgument as exc:
            return bad_argument(exc)
        except rules.SupervisionError as exc:
            return fail(exc)
    finally:
        con.close()
    print(json.dumps(item_record(item, today), ensure_ascii=False))
    print(
        labels.SV_MSG_STEP_DONE.format(
            number=item.number_text, step=labels.SV_STEP_LABELS[step], state=labels.SV_STATE_LABELS[item.state]
        ),
        file=sys.stderr,
    )
    return EXIT_OK


def _due(args) -> int:
    from pipeline.supervision import items, lights, workdays

    try:
        today = common.pinned_today(args)
        fmt = _format(args)
        if args.within < 0 or args.within > workdays.MAX_WORKING_DAYS:
            raise BadArgument(labels.SV_MSG_WITHIN_INVALID.format(value=args.within))
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        found = []
        for item in items.list_items(con, ALL, today):
            colour = lights.light(item.state, item.due_on, today)
            if colour == "red" or (colour and workdays.working_days_left(today, item.due_on).value <= args.within):
                found.append(item)
        found.sort(key=lambda i: (i.due_on, i.year, i.number))
        records = [item_record(item, today) for item in found]
        _audit_export(
            con, None, labels.SV_AUDIT_WHAT_DUE.format(days=args.within), labels.SV_AUDIT_STDOUT, len(records), ALL
        )
    finally:
        con.close()
    _write(records, LIST_COLUMNS, fmt)
    print(labels.SV_MSG_DUE_SUMMARY.format(count=len(records), days=args.within), file=sys.stderr)
    return EXIT_OK


def _write_file(path: str, content: bytes | str, args) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        safe_files.write_output(path, data, getattr(args, "db", None), getattr(args, "force", False))
    except safe_files.OutputRefused as exc:
        raise BadArgument(str(exc)) from exc
    except OSError as exc:
        raise BadArgument(labels.MSG_FILE_WRITE_FAILED.format(path=path, detail=exc)) from exc
    print(labels.SV_MSG_WRITTEN.format(path=path), file=sys.stderr)


def _document(args) -> int:
    from pipeline import report
    from pipeline.supervision import documents, items, rules

    try:
        today = common.pinned_today(args)
        item_id = _item_id(args) if args.action == "sheet" else None
        period = periods.parse_period(args.period, today) if args.action == "bulletin" else None
        con = common.open_database(args)
    except (BadArgument, periods.PeriodError) as exc:
        return bad_argument(exc)
    try:
        try:
            user = _account(con, args.user, required=False)
            own = user.scope if user else ALL
            if item_id is not None:
                item = items.get_item(con, item_id, own, today)
                paper = documents.item_paper(con, item, today)
                scope = Scope(county=item.county, department=item.department)
                what = labels.SV_AUDIT_WHAT_SHEET.format(number=item.number_text)
            else:
                paper = documents.bulletin_paper(con, period, today, own)
                scope, what = own, labels.SV_AUDIT_WHAT_BULLETIN.format(period=period.label)
        except (BadArgument, rules.SupervisionError) as exc:
            return bad_argument(exc) if isinstance(exc, BadArgument) else fail(exc)
        target = labels.SV_AUDIT_FILES.format(files="、".join(f for f in (args.out, args.html, args.pdf) if f))
        _audit_export(con, user, what, target, None, scope)
    finally:
        con.close()
    status = EXIT_OK
    try:
        _write_file(args.out, documents.docx_bytes(paper), args)
        if args.html:
            _write_file(args.html, documents.html_text(paper), args)
        if args.pdf:
            pdf = documents.pdf_bytes(paper)
            if pdf is None:
                print(labels.MSG_PDF_UNAVAILABLE.format(path=report.chromium_candidate()), file=sys.stderr)
                status = EXIT_PARTIAL
            else:
                _write_file(args.pdf, pdf, args)
    except BadArgument as exc:
        return fail(exc)
    return status


def run_supervise(args) -> int:
    """One action of `supervise`; the exit status follows CLI.md."""
    if args.action == "open":
        return _open_item(args)
    if args.action == "list":
        return _list(args)
    if args.action == "show":
        return _show(args)
    if args.action == "due":
        return _due(args)
    if args.action in ("sheet", "bulletin"):
        return _document(args)
    return _step(args)
