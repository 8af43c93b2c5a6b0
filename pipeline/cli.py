"""The command-line contract of CLI.md: demo, import, metrics, overdue (and templates)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pipeline import config, db, labels

EXIT_OK, EXIT_SOME_REJECTED, EXIT_FAILED = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code for bad arguments is 2, as CLI.md wants
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, labels.MSG_BAD_ARGUMENT.format(detail=message) + "\n")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="数据库文件（默认：$GUANAI_DB 或 data/guanai.duckdb）")
    common.add_argument("--today", help="固定“今天”的日期 YYYY-MM-DD（默认：$GUANAI_TODAY 或真实日期）")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = _Parser(prog="python -m pipeline", description="结对关爱督导看板：数据导入与统计")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = _common()

    demo = commands.add_parser("demo", parents=[common], help="生成示范城市数据")
    demo.add_argument("--scale", choices=["city", "province"], default="city")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--xlsx-dir", help="同时写出三类上传表格（.xlsx）到此目录")
    demo.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)
    demo.set_defaults(handler=run_demo)

    imp = commands.add_parser("import", parents=[common], help="导入结对台账、走访记录、问题台账")
    imp.add_argument("--kind", choices=list(labels.KIND_LABELS), help="指定表格类型（默认按表头自动识别）")
    imp.add_argument("--all-or-nothing", action="store_true", help="有错误则整体不导入")
    imp.add_argument("--user", default=labels.DEFAULT_USER, help="记入导入记录的操作人")
    imp.add_argument("--allow-reopen", action="store_true", help=labels.HELP_ALLOW_REOPEN)
    imp.add_argument("--full-list", type=_full_list_county, metavar="county=县区名", help=labels.HELP_FULL_LIST)
    imp.add_argument("--confirm", action="store_true", help=labels.HELP_CONFIRM)
    imp.add_argument("files", nargs="+", metavar="FILE", help=labels.HELP_IMPORT_FILES)
    imp.set_defaults(handler=run_import)

    refresh = commands.add_parser("refresh", parents=[common], help=labels.HELP_REFRESH_COMMAND)
    refresh.set_defaults(handler=run_refresh)

    template = commands.add_parser("template", parents=[common], help="写出空白导入模板（.xlsx）")
    template.add_argument("--kind", choices=list(labels.KIND_LABELS), required=True)
    template.add_argument("--out", required=True)
    template.add_argument("--force", action="store_true", help=labels.HELP_FORCE_OUTPUT)
    template.set_defaults(handler=run_template)

    try:
        from pipeline import metrics_cli
    except ImportError:  # the metrics commands arrive with the metrics engine
        metrics_cli = None
    if metrics_cli is not None:
        metrics = commands.add_parser("metrics", parents=[common], help="按分组计算督导指标")
        metrics_cli.add_metrics_arguments(metrics)
        metrics.set_defaults(handler=metrics_cli.run_metrics)
        overdue = commands.add_parser("overdue", parents=[common], help="超期未联系、超期未办结清单")
        metrics_cli.add_overdue_arguments(overdue)
        overdue.set_defaults(handler=metrics_cli.run_overdue)
    from pipeline import report_cli

    report = commands.add_parser("report", parents=[common], help=labels.HELP_REPORT_COMMAND)
    report_cli.add_report_arguments(report)
    report.set_defaults(handler=report_cli.run_report)
    snapshot = commands.add_parser("snapshot", help=labels.HELP_SNAPSHOT_COMMAND)  # --db/--today per action
    report_cli.add_snapshot_arguments(snapshot)
    snapshot.set_defaults(handler=report_cli.run_snapshot)
    from pipeline import backup_cli

    backup = commands.add_parser("backup", parents=[common], help=labels.HELP_BACKUP_COMMAND)
    backup_cli.add_backup_arguments(backup)
    backup.set_defaults(handler=backup_cli.run_backup)
    restore = commands.add_parser("restore", parents=[common], help=labels.HELP_RESTORE_COMMAND)
    backup_cli.add_restore_arguments(restore)
    restore.set_defaults(handler=backup_cli.run_restore)
    from pipeline import user_cli

    user = commands.add_parser("user", help=labels.HELP_USER_COMMAND)  # --db/--today per action
    user_cli.add_user_arguments(user)
    user.set_defaults(handler=user_cli.run_user)
    from pipeline import audit_cli

    audit = commands.add_parser("audit", help=labels.HELP_AUDIT_COMMAND)  # --db/--today per action
    audit_cli.add_audit_arguments(audit)
    audit.set_defaults(handler=audit_cli.run_audit)
    from pipeline import supervise_cli

    supervise = commands.add_parser("supervise", help=labels.SV_HELP_COMMAND)  # --db/--today per action
    supervise_cli.add_supervise_arguments(supervise)
    supervise.set_defaults(handler=supervise_cli.run_supervise)
    from pipeline import callback_cli

    callback = commands.add_parser("callback", help=labels.HELP_CALLBACK_COMMAND)  # --db/--today per action
    callback_cli.add_callback_arguments(callback, common)
    quality = commands.add_parser("quality", parents=[common], help=labels.HELP_QUALITY_COMMAND)
    callback_cli.add_quality_arguments(quality)
    quality.set_defaults(handler=callback_cli.run_quality)
    return parser


def _today(args):
    try:
        return config.today(args.today)
    except ValueError:
        raise SystemExit(_fail(labels.MSG_BAD_ARGUMENT.format(detail=f"--today {args.today}"))) from None


class ProgressBar:
    """The import's progress on one line of stderr (rewritten in place): rows read, bytes, the share done."""

    WIDTH = 24

    def __init__(self, stream) -> None:
        self.stream = stream
        self.open = False  # a line is drawn and not ended yet
        self.started = time.monotonic()

    def __call__(self, step) -> None:
        if step.stage == "read" and not step.rows and not step.bytes_done:
            self.started = time.monotonic()
        if step.stage == "done":
            seconds = time.monotonic() - self.started
            self._draw(labels.PROGRESS_DONE.format(file=step.file, rows=step.rows, seconds=seconds))
            self.finish()
            return
        if step.stage == "write":
            self._draw(labels.PROGRESS_WRITING.format(file=step.file, rows=step.rows))
            return
        done = labels.FILE_SIZE_MB.format(size=step.bytes_done / 1e6)
        if step.fraction is None:
            self._draw(labels.PROGRESS_READING_NO_TOTAL.format(file=step.file, rows=step.rows, done=done))
            return
        total = labels.FILE_SIZE_MB.format(size=step.bytes_total / 1e6)
        filled = round(step.fraction * self.WIDTH)
        text = labels.PROGRESS_READING.format(
            file=step.file, rows=step.rows, done=done, total=total, percent=100 * step.fraction
        )
        self._draw(f"[{'#' * filled}{'-' * (self.WIDTH - filled)}] {text}")

    def _draw(self, text: str) -> None:
        self.stream.write("\r\033[K" + text)  # back to the start of the line, and clear it
        self.stream.flush()
        self.open = True

    def finish(self) -> None:
        """End the line drawn, if any (before the next file's, or a message)."""
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_FAILED


def _full_list_county(text: str) -> str:
    """The county of --full-list county=X."""
    key, _, county = text.partition("=")
    if key.strip() != "county" or not county.strip():
        raise argparse.ArgumentTypeError(labels.MSG_FULL_LIST_FORMAT.format(value=text))
    return county.strip()


# Statuses that leave the exit code at 0: the same bytes imported before (nothing to do), and a complete
# list whose missing people are listed for the uploader to confirm with --confirm (nothing changed yet).
_NOTHING_TO_DO = ("already_imported", "needs_confirmation")


def run_import(args) -> int:
    """Import each file in its own transaction; one JSON line per file on stdout."""
    from pipeline import cli_audit, materialized
    from pipeline.ingest.load import ImportReport, import_file
    from pipeline.ingest.progress_rules import FullList

    if args.confirm and not args.full_list:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=labels.MSG_CONFIRM_WITHOUT_FULL_LIST))
    if args.full_list and len(args.files) != 1:
        return _fail(labels.MSG_BAD_ARGUMENT.format(detail=labels.MSG_FULL_LIST_ONE_FILE))
    full_list = FullList(args.full_list, confirmed=args.confirm) if args.full_list else None
    today = _today(args)
    worst = EXIT_OK
    changed = False
    try:
        con = db.connect(args.db)
    except db.DatabaseBusy as exc:
        return _fail(str(exc))
    try:
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None  # a bar only for a person watching
        for name in args.files:
            path = Path(name)
            if not path.is_file():
                report = ImportReport(file=name, status="failed", message=labels.MSG_FILE_NOT_FOUND.format(file=name))
            else:
                report = import_file(
                    con,
                    path,
                    kind=args.kind,
                    all_or_nothing=args.all_or_nothing,
                    user=args.user,
                    today=today,
                    allow_reopen=args.allow_reopen,
                    full_list=full_list,
                    progress=bar,
                )
            if bar is not None:
                bar.finish()
            print(json.dumps(report.summary(), ensure_ascii=False, default=str), flush=True)
            cli_audit.record_import(con, args.user, report)  # one audit record per file, as the upload page
            if report.message:
                print(report.message, file=sys.stderr)
            if report.status in _NOTHING_TO_DO:
                pass
            elif report.status != "ok":
                worst = EXIT_FAILED
            elif report.rejected:
                worst = max(worst, EXIT_SOME_REJECTED)
            changed = changed or report.batch_id is not None
        if changed:
            # the figures of the common periods are stored for the pages; a failure only costs their speed
            print(materialized.refresh_after_change(con, today)[1], file=sys.stderr)
            _mark_supervision_ready(con, today, args.user)
    finally:
        con.close()
    return worst


def _mark_supervision_ready(con, today, user: str) -> None:
    """督办事项 whose lines the imported data now shows all done are marked 可销号 (SPEC §7)."""
    from pipeline.supervision import items

    message = items.mark_ready_after_import(con, today, user)
    if message:
        print(message, file=sys.stderr)


def run_refresh(args) -> int:
    """Store the city's metrics of the common periods (also done after every import)."""
    from pipeline import materialized

    today = _today(args)
    try:
        con = db.connect(args.db)
    except db.DatabaseBusy as exc:
        return _fail(str(exc))
    try:
        done, message = materialized.refresh_after_change(con, today)
    finally:
        con.close()
    if done is None:
        return _fail(message)
    summary = {"computed": done.computed, "kept": done.kept, "rows": done.rows, "seconds": round(done.seconds, 3)}
    print(json.dumps(summary, ensure_ascii=False))
    print(message, file=sys.stderr)
    return EXIT_OK


def run_demo(args) -> int:
    """Build the demo city (or province) into the database."""
    from pipeline import demo, safe_files

    path = config.db_path(args.db)
    if args.xlsx_dir and Path(args.xlsx_dir).is_dir():  # the ledgers it writes are named by kind (and part)
        for kind in labels.KIND_LABELS.values():
            for existing in sorted(Path(args.xlsx_dir).glob(f"{kind}*.xlsx")):
                try:
                    safe_files.check_output(existing, args.db, args.force)
                except safe_files.OutputRefused as exc:
                    return _fail(str(exc))
    try:
        counts = demo.build(path, scale=args.scale, seed=args.seed, today=_today(args), xlsx_dir=args.xlsx_dir)
    except db.DatabaseBusy as exc:
        return _fail(str(exc))
    print(json.dumps(counts, ensure_ascii=False, default=str))
    return EXIT_OK


def run_template(args) -> int:
    """Write the blank upload template of a kind (never over an existing file without --force); audited."""
    from pipeline import cli_audit, safe_files, templates

    try:
        safe_files.check_output(args.out, args.db, args.force)
    except safe_files.OutputRefused as exc:
        return _fail(str(exc))
    content = templates.template_bytes(args.kind)
    path = config.db_path(args.db)
    if path.is_file():  # without a database there is nothing to record it in (and no data in a blank template)
        try:
            con = db.connect(path)
        except db.DatabaseBusy as exc:
            return _fail(str(exc))
        try:
            what = labels.AUDIT_WHAT_TEMPLATE.format(kind=labels.KIND_LABELS[args.kind])
            cli_audit.record_export(con, what, [args.out])
        finally:
            con.close()
    try:
        safe_files.write_output(args.out, content, args.db, args.force)
    except safe_files.OutputRefused as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(labels.MSG_FILE_WRITE_FAILED.format(path=args.out, detail=exc))
    print(labels.MSG_OUTPUT_WRITTEN.format(path=args.out), file=sys.stderr)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit status follows CLI.md."""
    from pipeline import safe_files

    safe_files.keep_private()  # whatever a command writes is readable by this system account only
    args = build_parser().parse_args(argv)
    return args.handler(args)
