"""`python -m pipeline callback sample …` and `python -m pipeline quality …` (CLI.md, SPEC §8).

    callback sample --period P (--per-department N | --share F) [--seed S] [--prefer-doubtful]
                    [--scope county=X|department=Y] --out 回访清单.xlsx [--force] [--user U] [--unmask]
    quality --check doubtful|<check> [--period P] [--scope …] [--format csv|json] [--out FILE [--force]] [--user U]

A sample is drawn as the account named by --user (its role and scope apply: a county account draws from its
county only; 单位 and 只读 accounts draw none); without --user, as 命令行 over the whole city or --scope. The
sheet is written only where safe_files allows (never over a file without --force, never over the database); with
--unmask it holds full ID numbers, names and phones, which needs an account allowed to see them. Drawing the
sample, showing full identifiers and writing the sheet each leave an audit record. The sample's number, seed and
counts go to stdout as one JSON object; notes (people skipped, the seed chosen) to stderr.
"""

from __future__ import annotations

import json
import sys

from pipeline import access, labels, quality, safe_files
from pipeline.callbacks import doubtful, sample, sheet
from pipeline.cli import common, records
from pipeline.cli.parser import EXIT_OK, BadArgument, bad_argument

CHECKS = ("doubtful", *quality.CHECKS)  # what `quality --check` takes


def _account(con, name: str | None) -> access.User | None:
    if name is None or not str(name).strip():
        return None
    user = access.load_user(con, str(name))
    if user is None:
        raise BadArgument(labels.SV_MSG_USER_UNKNOWN.format(name=name))
    return user


def _scope_of(user: access.User | None, args):
    asked = common.parse_scope(args)
    if user is None:
        return asked
    scope = user.combine(asked)
    if access.is_empty(scope):
        raise BadArgument(labels.MSG_SCOPE_NONE)
    return scope


def run_sample(args) -> int:
    """Draw a sample, store it, write its sheet; exit 2 with a Chinese message when it cannot be done."""
    try:
        today = common.pinned_today(args)
        period = common.parse_period(args, today)
        safe_files.check_output(args.out, args.db, args.force)
        if args.unmask and not args.user:
            raise BadArgument(labels.MSG_SAMPLE_UNMASK_USER)
        con = common.open_database(args)
    except (BadArgument, safe_files.OutputRefused) as exc:
        return bad_argument(str(exc))
    try:
        try:
            user = _account(con, args.user)
            if user is not None and not sample.may_draw(user):
                raise BadArgument(labels.MSG_SAMPLE_NOT_ALLOWED.format(role=user.role_label))
            if args.unmask and not user.may_unmask:
                raise BadArgument(labels.MSG_SAMPLE_UNMASK_DENIED.format(name=user.name))
            scope = _scope_of(user, args)
            name = user.name if user is not None else labels.DEFAULT_USER
            drawn = sample.draw(
                con,
                period,
                per_department=args.per_department,
                share=args.share,
                seed=args.seed,
                prefer_doubtful=args.prefer_doubtful,
                scope=scope,
                user=name,
                today=today,
            )
        except (BadArgument, sample.SampleError) as exc:
            return bad_argument(str(exc))
        access.audit(con, name, "callback", scope, records.with_os_user(sample.audit_detail(drawn)), drawn.people)
        masked = not args.unmask
        content = sheet.sheet_bytes(con, drawn, scope, masked=masked)
        if not masked:
            detail = labels.AUDIT_DETAIL_UNMASK.format(page=labels.PAGE_TITLES["callbacks"], period=drawn.period)
            access.audit(con, name, "unmask", scope, records.with_os_user(detail))
        masking = labels.AUDIT_DETAIL_EXPORT_MASKED if masked else labels.AUDIT_DETAIL_EXPORT_FULL
        what = labels.AUDIT_WHAT_SAMPLE_SHEET.format(sample=drawn.sample_id, masking=masking)
        detail = records.with_os_user(
            labels.AUDIT_DETAIL_EXPORT.format(file=args.out, masking=masking) + labels.AUDIT_DETAIL_SEPARATOR + what
        )
        access.audit(con, name, "export", scope, detail, drawn.people)
    finally:
        con.close()
    try:
        safe_files.write_output(args.out, content, args.db, args.force)
    except safe_files.OutputRefused as exc:
        return bad_argument(str(exc))
    except OSError as exc:
        return bad_argument(labels.MSG_FILE_WRITE_FAILED.format(path=args.out, detail=exc))
    summary = {
        "sample_id": drawn.sample_id,
        "period": drawn.period,
        "seed": drawn.seed,
        "departments": drawn.departments,
        "people": drawn.people,
        "out": str(args.out),
        "notes": drawn.notes,
    }
    print(json.dumps(summary, ensure_ascii=False))
    scope_text = scope.label
    message = labels.MSG_SAMPLE_DRAWN.format(
        sample=drawn.sample_id,
        period=drawn.period,
        scope=scope_text,
        departments=drawn.departments,
        people=drawn.people,
        seed=drawn.seed,
    )
    for line in (message, *drawn.notes, labels.MSG_OUTPUT_WRITTEN.format(path=args.out)):
        print(line, file=sys.stderr)
    return EXIT_OK


def run_quality(args) -> int:
    """Print the rows of a data-quality check, or the 疑点 of a period (masked), as CSV or JSON."""
    try:
        if args.check not in CHECKS:
            raise BadArgument(labels.MSG_QUALITY_CHECK_INVALID.format(value=args.check, allowed="、".join(CHECKS)))
        today = common.pinned_today(args)
        period = common.parse_period(args, today) if args.period else None
        fmt = common.output_format(args)
        common.check_output(args)
        con = common.open_database(args)
    except BadArgument as exc:
        return bad_argument(str(exc))
    try:
        try:
            user = _account(con, args.user)
            scope = _scope_of(user, args)
        except BadArgument as exc:
            return bad_argument(str(exc))
        if args.check == "doubtful":
            frame = doubtful.find(con, period, scope)
            what = labels.AUDIT_WHAT_DOUBTFUL.format(period=period.label if period else "—", scope=scope.label)
        else:
            frame = quality.run_check(con, args.check, scope=scope, as_of=today, period=period)
            what = labels.AUDIT_WHAT_QUALITY.format(check=args.check, scope=scope.label)
        name = user.name if user is not None else labels.DEFAULT_USER
        records.record_export(con, what, [getattr(args, "out", None)], len(frame), scope, name)
    finally:
        con.close()
    try:
        common.write_frame(frame, fmt, args)
    except BadArgument as exc:
        return bad_argument(str(exc))
    return EXIT_OK
