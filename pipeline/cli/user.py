"""`python -m pipeline user add|list|disable|passwd`: the accounts of the dashboard, from the command line.

A password never appears on the command line (where `ps` and the shell history would show it): it is
read from the first line of standard input, or asked for twice when standard input is a terminal.
Exit status 0 on success, 2 when the arguments are wrong or the change cannot be made; messages go to
stderr in Chinese; `user list` prints CSV or JSON on stdout. Every change writes one audit record whose
author is 命令行. Account and audit times are always the real clock: --today is accepted like in every
other command, but an audit record must say when something really happened.
"""

from __future__ import annotations

import getpass
import sys

import duckdb
import pandas as pd

from pipeline import access, config, labels
from pipeline.cli import common
from pipeline.cli.parser import EXIT_OK, BadArgument, bad_argument

ACTOR = labels.DEFAULT_USER
_TIME_COLUMNS = ("locked_until", "last_login_at", "created_at", "updated_at")


# ---------------------------------------------------------------- shared pieces


def _read_password(args) -> str:
    """The new password: the first line of stdin, or asked twice on a terminal."""
    if not args.password_stdin:
        raise BadArgument(labels.MSG_PASSWORD_STDIN_REQUIRED)
    if sys.stdin is None:
        raise BadArgument(labels.MSG_PASSWORD_STDIN_EMPTY)
    if sys.stdin.isatty():
        first = getpass.getpass(labels.PROMPT_PASSWORD)
        if first != getpass.getpass(labels.PROMPT_PASSWORD_AGAIN):
            raise BadArgument(labels.MSG_PASSWORD_MISMATCH)
        return first
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")  # only the line ending: spaces inside or around a password are part of it
    if not password:
        raise BadArgument(labels.MSG_PASSWORD_STDIN_EMPTY)
    return password


def _open(args, *, create: bool = False) -> duckdb.DuckDBPyConnection:
    """The database for writing; only `add` may create it (the first account of a new installation)."""
    common.pinned_today(args)  # a malformed --today is a wrong argument, as in every command
    return common.open_database(args, create=create)


# ---------------------------------------------------------------- actions


def _add(args) -> int:
    try:
        password = _read_password(args)
        # checked before the database is opened, so that a wrong argument creates no file
        access.validate_new_user(args.name, args.role, password, county=args.county, department=args.department)
        con = _open(args, create=True)
    except (BadArgument, access.AccessError) as exc:
        return bad_argument(exc)
    try:
        user = access.add_user(
            con,
            args.name,
            args.role,
            password,
            county=args.county,
            department=args.department,
            can_unmask=args.can_unmask,
            actor=ACTOR,
        )
        known = user.role not in ("county", "department") or access.scope_value_known(
            con, county=user.county, department=user.department
        )
    except access.AccessError as exc:
        return bad_argument(exc)
    finally:
        con.close()
    unmask = labels.MSG_USER_ADDED_UNMASK if user.can_unmask else ""
    path = config.db_path(args.db)
    print(
        labels.MSG_USER_ADDED.format(
            name=user.name, role=user.role_label, scope=user.scope_text, unmask=unmask, db=path
        ),
        file=sys.stderr,
    )
    if not known:
        what, value = labels.ROLE_LABELS[user.role], user.county or user.department
        print(labels.MSG_SCOPE_VALUE_UNKNOWN.format(what=what, value=value), file=sys.stderr)
    return EXIT_OK


def _list(args) -> int:
    try:
        fmt = common.output_format(args)
        con = _open(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        frame = access.list_users(con)
    finally:
        con.close()
    for column in _TIME_COLUMNS:  # with the time of day, which common.write_frame would drop
        frame[column] = [None if pd.isna(value) else f"{value:%Y-%m-%d %H:%M:%S}" for value in frame[column]]
    common.write_frame(frame, fmt)
    return EXIT_OK


def _disable(args) -> int:
    try:
        con = _open(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        access.disable_user(con, args.name, ACTOR)
    except access.AccessError as exc:
        return bad_argument(exc)
    finally:
        con.close()
    print(labels.MSG_USER_DISABLED.format(name=args.name.strip()), file=sys.stderr)
    return EXIT_OK


def _passwd(args) -> int:
    try:
        password = _read_password(args)
        con = _open(args)
    except BadArgument as exc:
        return bad_argument(exc)
    try:
        access.set_password(con, args.name, password, ACTOR)
    except access.AccessError as exc:
        return bad_argument(exc)
    finally:
        con.close()
    print(labels.MSG_PASSWORD_SET.format(name=args.name.strip()), file=sys.stderr)
    return EXIT_OK


def run_user(args) -> int:
    """user add | list | disable | passwd; exit 0 on success, 2 with a Chinese message otherwise."""
    handlers = {"add": _add, "list": _list, "disable": _disable, "passwd": _passwd}
    return handlers[args.action](args)
