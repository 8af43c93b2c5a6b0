"""The one argument parser of `python -m pipeline` (CLI.md), its exit codes and its error handling.

Every command's options are declared here; a command's handler lives in the module of its group (data.py,
metrics.py, report.py, …) and is imported only when that command runs, so that `--help` and a wrong argument
answer without loading pandas, DuckDB or the report stack. This module imports the standard library and labels
only (tests/test_cli_package.py checks it).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from pipeline import labels

EXIT_OK = 0
EXIT_SOME_REJECTED = 1  # import: some rows were rejected, the others landed
EXIT_PARTIAL = 1  # report, supervise sheet|bulletin: everything written but the PDF (no Chromium here)
EXIT_BROKEN = 1  # audit verify: the hash chain is broken, or a guard of the log is gone
EXIT_FAILED = 2  # wrong arguments, or nothing could be done

# Values of the engine named in help texts; they are spelled here so that the parser loads none of the engine
# (tests/test_cli_package.py holds them equal to queries.GROUPINGS, quality.CHECKS and sample.DOUBT_WEIGHT).
GROUPINGS = ("overall", "county", "township", "department", "cadre", "cadre_level", "category")
QUALITY_CHECKS = (
    "other_cadre_contacts",
    "contacts_before_pairing",
    "busy_cadres",
    "never_contacted",
    "unknown_columns",
    "rejected_rows",
    "callback_untrue_contacts",
)
DOUBT_WEIGHT = 5

REPORT_KINDS = ("month", "quarter", "year")
OVERDUE_WHAT = ("contacts", "issues")
FORMATS = ("csv", "json")
# supervise open --from: the words of the command line and the sources of pipeline/supervision
FROM_SOURCES = {
    "overdue-contacts": "overdue_contacts",
    "overdue-issues": "overdue_issues",
    "behind": "behind",
    "other": "other",
}
# supervise <command> N: the step of pipeline/supervision/items.act each command takes
STEP_COMMANDS = {
    "sign": "sign",
    "feedback": "feedback",
    "press": "press",
    "return": "return",
    "extend": "extension_request",
    "explain": "explain",
    "accept": "accept",
    "close": "close",
    "withdraw": "withdraw",
}


class BadArgument(ValueError):
    """An argument that cannot be used; the message is the Chinese text for stderr."""


def fail(message: object) -> int:
    """The message on stderr; the exit status of a command that could not be done."""
    print(message, file=sys.stderr)
    return EXIT_FAILED


def bad_argument(detail: object) -> int:
    """A wrong argument, said in Chinese on stderr; exit status 2."""
    return fail(labels.MSG_BAD_ARGUMENT.format(detail=detail))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code for bad arguments is 2, as CLI.md wants
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, labels.MSG_BAD_ARGUMENT.format(detail=message) + "\n")


def common_options() -> argparse.ArgumentParser:
    """--db and --today, which every command (or every action of a command) takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=labels.HELP_DB)
    common.add_argument("--today", help=labels.HELP_TODAY)
    return common


def _add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """--out FILE (instead of standard output) and --force (replace an existing file)."""
    parser.add_argument("--out", metavar="FILE", help=labels.HELP_OUT_FILE)
    parser.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)


def _handler(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """The handler of a command, imported from pipeline/cli/<module>.py when the command runs."""

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(f"pipeline.cli.{module}"), function)(args)

    run.__name__ = run.__qualname__ = function
    return run


def _full_list_county(text: str) -> str:
    """The county of --full-list county=X."""
    key, _, county = text.partition("=")
    if key.strip() != "county" or not county.strip():
        raise argparse.ArgumentTypeError(labels.MSG_FULL_LIST_FORMAT.format(value=text))
    return county.strip()


def _actions(parser: argparse.ArgumentParser, metavar: str | None, help_text: str):
    return parser.add_subparsers(dest="action", required=True, parser_class=_Parser, metavar=metavar, help=help_text)


# ---------------------------------------------------------------- the commands


def _add_data_commands(commands, common: argparse.ArgumentParser) -> None:
    demo = commands.add_parser("demo", parents=[common], help=labels.HELP_DEMO_COMMAND)
    demo.add_argument("--scale", choices=["city", "province"], default="city")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--xlsx-dir", help=labels.HELP_DEMO_XLSX_DIR)
    demo.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)
    demo.set_defaults(handler=_handler("data", "run_demo"))

    imp = commands.add_parser("import", parents=[common], help=labels.HELP_IMPORT_COMMAND)
    imp.add_argument("--kind", choices=list(labels.KIND_LABELS), help=labels.HELP_IMPORT_KIND)
    imp.add_argument("--all-or-nothing", action="store_true", help=labels.UPLOAD_ALL_OR_NOTHING)
    imp.add_argument("--user", default=labels.DEFAULT_USER, help=labels.HELP_IMPORT_USER)
    imp.add_argument("--allow-reopen", action="store_true", help=labels.HELP_ALLOW_REOPEN)
    imp.add_argument(
        "--full-list", type=_full_list_county, metavar=labels.METAVAR_FULL_LIST, help=labels.HELP_FULL_LIST
    )
    imp.add_argument("--confirm", action="store_true", help=labels.HELP_CONFIRM)
    imp.add_argument("files", nargs="+", metavar="FILE", help=labels.HELP_IMPORT_FILES)
    imp.set_defaults(handler=_handler("data", "run_import"))

    refresh = commands.add_parser("refresh", parents=[common], help=labels.HELP_REFRESH_COMMAND)
    refresh.set_defaults(handler=_handler("data", "run_refresh"))

    template = commands.add_parser("template", parents=[common], help=labels.HELP_TEMPLATE_COMMAND)
    template.add_argument("--kind", choices=list(labels.KIND_LABELS), required=True)
    template.add_argument("--out", required=True)
    template.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)
    template.set_defaults(handler=_handler("data", "run_template"))


def _add_metrics_commands(commands, common: argparse.ArgumentParser) -> None:
    grouping_help = labels.HELP_GROUPING.format(allowed="、".join(GROUPINGS))
    metrics = commands.add_parser("metrics", parents=[common], help=labels.HELP_METRICS_COMMAND)
    metrics.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    metrics.add_argument("--by", required=True, help=grouping_help)
    metrics.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    metrics.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    _add_output_arguments(metrics)
    metrics.set_defaults(handler=_handler("metrics", "run_metrics"))

    overdue = commands.add_parser("overdue", parents=[common], help=labels.HELP_OVERDUE_COMMAND)
    overdue.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    overdue.add_argument("--what", required=True, help=labels.HELP_OVERDUE_WHAT)
    overdue.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    overdue.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    _add_output_arguments(overdue)
    overdue.set_defaults(handler=_handler("metrics", "run_overdue"))


def _add_report_commands(commands, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser("report", parents=[common], help=labels.HELP_REPORT_COMMAND)
    report.add_argument("--period", help=labels.HELP_PERIOD)
    report.add_argument("--out", required=True, metavar="FILE.xlsx", help=labels.HELP_REPORT_OUT)
    report.add_argument("--html", metavar="FILE.html", help=labels.HELP_REPORT_HTML)
    report.add_argument("--pdf", metavar="FILE.pdf", help=labels.HELP_REPORT_PDF)
    report.add_argument("--snapshot", metavar="ID", help=labels.HELP_REPORT_SNAPSHOT)
    report.add_argument("--kind", help=labels.HELP_REPORT_KIND)
    report.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    report.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)
    report.set_defaults(handler=_handler("report", "run_report"))

    snapshot = commands.add_parser("snapshot", help=labels.HELP_SNAPSHOT_COMMAND)  # --db/--today per action
    actions = _actions(snapshot, "create|list|compare", labels.HELP_SNAPSHOT_ACTION)
    create = actions.add_parser("create", parents=[common], help=labels.HELP_SNAPSHOT_CREATE)
    create.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    create.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    create.add_argument("--user", default=labels.DEFAULT_USER, help=labels.HELP_SNAPSHOT_USER)
    create.add_argument("--note", default="", help=labels.HELP_SNAPSHOT_NOTE)
    listing = actions.add_parser("list", parents=[common], help=labels.HELP_SNAPSHOT_LIST)
    listing.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    compare = actions.add_parser("compare", parents=[common], help=labels.HELP_SNAPSHOT_COMPARE)
    compare.add_argument("--id", required=True, dest="snapshot_id", metavar="ID", help=labels.HELP_SNAPSHOT_ID)
    compare.add_argument("--by", default="overall", help=labels.HELP_GROUPING.format(allowed="、".join(GROUPINGS)))
    compare.add_argument("--all", action="store_true", help=labels.HELP_SNAPSHOT_ALL)
    compare.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    snapshot.set_defaults(handler=_handler("report", "run_snapshot"))


def _add_backup_commands(commands, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser("backup", parents=[common], help=labels.HELP_BACKUP_COMMAND)
    backup.add_argument("--out", required=True, metavar="FILE", help=labels.HELP_BACKUP_OUT)
    backup.add_argument("--force", action="store_true", help=labels.HELP_BACKUP_FORCE)
    backup.add_argument("--user", default=labels.DEFAULT_USER, help=labels.HELP_CLI_USER)
    backup.set_defaults(handler=_handler("backup", "run_backup"))

    restore = commands.add_parser("restore", parents=[common], help=labels.HELP_RESTORE_COMMAND)
    restore.add_argument("--from", required=True, dest="source", metavar="FILE", help=labels.HELP_RESTORE_FROM)
    restore.add_argument("--force", action="store_true", help=labels.HELP_RESTORE_FORCE)
    restore.add_argument("--keep-accounts", action="store_true", help=labels.HELP_RESTORE_KEEP_ACCOUNTS)
    restore.add_argument("--user", default=labels.DEFAULT_USER, help=labels.HELP_CLI_USER)
    restore.set_defaults(handler=_handler("backup", "run_restore"))


def _add_user_command(commands, common: argparse.ArgumentParser) -> None:
    user = commands.add_parser("user", help=labels.HELP_USER_COMMAND)  # --db/--today per action
    actions = _actions(user, "add|list|disable|passwd", labels.HELP_USER_ACTION)
    add = actions.add_parser("add", parents=[common], help=labels.HELP_USER_ADD)
    add.add_argument("--name", required=True, help=labels.HELP_USER_NAME)
    add.add_argument("--role", required=True, help=labels.HELP_USER_ROLE)  # checked by access, in Chinese
    add.add_argument("--county", help=labels.HELP_USER_COUNTY)
    add.add_argument("--department", help=labels.HELP_USER_DEPARTMENT)
    add.add_argument("--can-unmask", action="store_true", help=labels.HELP_USER_CAN_UNMASK)
    add.add_argument("--password-stdin", action="store_true", help=labels.HELP_PASSWORD_STDIN)
    listing = actions.add_parser("list", parents=[common], help=labels.HELP_USER_LIST)
    listing.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    disable = actions.add_parser("disable", parents=[common], help=labels.HELP_USER_DISABLE)
    disable.add_argument("name", metavar="NAME", help=labels.HELP_USER_NAME)
    passwd = actions.add_parser("passwd", parents=[common], help=labels.HELP_USER_PASSWD)
    passwd.add_argument("name", metavar="NAME", help=labels.HELP_USER_NAME)
    passwd.add_argument("--password-stdin", action="store_true", help=labels.HELP_PASSWORD_STDIN)
    user.set_defaults(handler=_handler("user", "run_user"))


def _add_audit_command(commands, common: argparse.ArgumentParser) -> None:
    audit = commands.add_parser("audit", help=labels.HELP_AUDIT_COMMAND)  # --db/--today per action
    actions = _actions(audit, "verify|list", labels.HELP_AUDIT_ACTION)
    actions.add_parser("verify", parents=[common], help=labels.HELP_AUDIT_VERIFY)
    listing = actions.add_parser("list", parents=[common], help=labels.HELP_AUDIT_LIST)
    listing.add_argument("--since", metavar="YYYY-MM-DD", help=labels.HELP_AUDIT_SINCE)
    listing.add_argument("--action", dest="audit_action", metavar="A", help=labels.HELP_AUDIT_ACTION_FILTER)
    listing.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    _add_output_arguments(listing)
    audit.set_defaults(handler=_handler("audit", "run_audit"))


def _add_supervise_command(commands, common: argparse.ArgumentParser) -> None:
    supervise = commands.add_parser("supervise", help=labels.SV_HELP_COMMAND)  # --db/--today per action
    actions = _actions(supervise, "ACTION", labels.SV_HELP_ACTIONS)
    user = argparse.ArgumentParser(add_help=False)
    user.add_argument("--user", help=labels.SV_HELP_USER)
    number = argparse.ArgumentParser(add_help=False)
    number.add_argument("item", metavar="N", help=labels.SV_HELP_ITEM)

    raise_ = actions.add_parser("open", parents=[common, user], help=labels.SV_HELP_OPEN)
    raise_.add_argument("--department", required=True, help=labels.SV_HELP_DEPARTMENT)
    raise_.add_argument("--from", dest="source", required=True, choices=list(FROM_SOURCES), help=labels.SV_HELP_FROM)
    raise_.add_argument("--period", help=labels.HELP_PERIOD)
    raise_.add_argument("--cadre", nargs="+", default=[], metavar="NAME", help=labels.SV_HELP_CADRE)
    raise_.add_argument("--line", nargs="+", default=[], metavar="TEXT", help=labels.SV_HELP_LINE)
    limit = raise_.add_mutually_exclusive_group()
    limit.add_argument("--due", help=labels.SV_HELP_DUE)
    limit.add_argument("--days", type=int, help=labels.SV_HELP_DAYS)
    raise_.add_argument("--level", help=labels.SV_HELP_LEVEL)  # default: the first of supervision.rules.LEVELS
    raise_.add_argument("--requirement", help=labels.SV_HELP_REQUIREMENT)

    listing = actions.add_parser("list", parents=[common, user], help=labels.SV_HELP_LIST)
    listing.add_argument("--state", nargs="+", default=[], help=labels.SV_HELP_STATE)
    listing.add_argument("--overdue", action="store_true", help=labels.SV_HELP_OVERDUE)
    listing.add_argument("--department", help=labels.SV_HELP_DEPARTMENT_FILTER)
    listing.add_argument("--format", default="csv", help=labels.HELP_FORMAT)

    show = actions.add_parser("show", parents=[common, user, number], help=labels.SV_HELP_SHOW)
    show.add_argument("--format", default="text", help=labels.SV_HELP_SHOW_FORMAT)

    for command, step in STEP_COMMANDS.items():
        step_parser = actions.add_parser(command, parents=[common, user, number], help=labels.SV_HELP_STEPS[step])
        if step in ("feedback", "explain"):
            step_parser.add_argument("--text", required=True, help=labels.SV_TEXT_WHAT[step])
        if step in ("return", "withdraw", "extension_request"):
            step_parser.add_argument("--reason", dest="text", required=True, help=labels.SV_TEXT_WHAT[step])
        if step in ("press", "accept"):
            step_parser.add_argument("--note", dest="text", help=labels.SV_FIELD_NOTE)
        if step == "press":
            step_parser.add_argument("--way", required=True, help=labels.SV_HELP_WAY)
        if step == "extension_request":
            step_parser.add_argument("--due", required=True, help=labels.SV_HELP_NEW_DUE)
        if step in ("explain", "accept"):
            step_parser.add_argument("--line", dest="line_no", type=int, required=True, help=labels.SV_HELP_LINE_NO)

    decide = actions.add_parser("decide", parents=[common, user, number], help=labels.SV_HELP_DECIDE)
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--grant", action="store_true", help=labels.SV_STEP_LABELS["extension_grant"])
    choice.add_argument("--refuse", action="store_true", help=labels.SV_STEP_LABELS["extension_refuse"])
    decide.add_argument("--note", dest="text", help=labels.SV_FIELD_NOTE)

    due = actions.add_parser("due", parents=[common], help=labels.SV_HELP_DUE_COMMAND)
    due.add_argument("--within", type=int, default=3, help=labels.SV_HELP_WITHIN)
    due.add_argument("--format", default="csv", help=labels.HELP_FORMAT)

    sheet = actions.add_parser("sheet", parents=[common, user, number], help=labels.SV_HELP_SHEET)
    bulletin = actions.add_parser("bulletin", parents=[common, user], help=labels.SV_HELP_BULLETIN)
    bulletin.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    for document in (sheet, bulletin):
        document.add_argument("--out", required=True, metavar="FILE.docx", help=labels.SV_HELP_OUT)
        document.add_argument("--html", metavar="FILE.html", help=labels.SV_HELP_HTML)
        document.add_argument("--pdf", metavar="FILE.pdf", help=labels.SV_HELP_PDF)
        document.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)
    supervise.set_defaults(handler=_handler("supervise", "run_supervise"))


def _add_callback_commands(commands, common: argparse.ArgumentParser) -> None:
    callback = commands.add_parser("callback", help=labels.HELP_CALLBACK_COMMAND)  # --db/--today per action
    actions = _actions(callback, None, labels.HELP_CALLBACK_ACTION)
    draw = actions.add_parser("sample", parents=[common], help=labels.HELP_CALLBACK_SAMPLE)
    draw.add_argument("--period", required=True, help=labels.HELP_PERIOD)
    how = draw.add_mutually_exclusive_group(required=True)
    how.add_argument("--per-department", type=int, help=labels.HELP_SAMPLE_PER_DEPARTMENT)
    how.add_argument("--share", type=float, help=labels.HELP_SAMPLE_SHARE)
    draw.add_argument("--seed", help=labels.HELP_SAMPLE_SEED)
    draw.add_argument(
        "--prefer-doubtful",
        action="store_true",
        help=labels.HELP_SAMPLE_PREFER_DOUBTFUL.format(weight=DOUBT_WEIGHT),
    )
    draw.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    draw.add_argument("--out", required=True, help=labels.HELP_SAMPLE_OUT)
    draw.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)
    draw.add_argument("--user", help=labels.HELP_SAMPLE_USER)
    draw.add_argument("--unmask", action="store_true", help=labels.HELP_SAMPLE_UNMASK)
    draw.set_defaults(handler=_handler("callback", "run_sample"))

    quality = commands.add_parser("quality", parents=[common], help=labels.HELP_QUALITY_COMMAND)
    quality.add_argument(
        "--check", required=True, help=labels.HELP_QUALITY_CHECK.format(checks="、".join(QUALITY_CHECKS))
    )
    quality.add_argument("--period", default=None, help=labels.HELP_QUALITY_PERIOD)
    quality.add_argument("--scope", default=None, help=labels.HELP_SCOPE)
    quality.add_argument("--format", default="csv", help=labels.HELP_FORMAT)
    quality.add_argument("--user", help=labels.HELP_QUALITY_USER)
    _add_output_arguments(quality)
    quality.set_defaults(handler=_handler("callback", "run_quality"))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = _Parser(prog="python -m pipeline", description=labels.HELP_CLI_DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = common_options()
    _add_data_commands(commands, common)
    _add_metrics_commands(commands, common)
    _add_report_commands(commands, common)
    _add_backup_commands(commands, common)
    _add_user_command(commands, common)
    _add_audit_command(commands, common)
    _add_supervise_command(commands, common)
    _add_callback_commands(commands, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status follows CLI.md."""
    from pipeline import safe_files

    safe_files.keep_private()  # whatever a command writes is readable by this system account only
    args = build_parser().parse_args(argv)
    from pipeline import arrow_memory  # after the parsing: --help and a wrong argument load no Arrow

    arrow_memory.use_jemalloc()
    return args.handler(args)
