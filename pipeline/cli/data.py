"""`python -m pipeline demo`, `… import`, `… refresh` and `… template` (CLI.md): data into the database.

`import` prints one JSON line per file on stdout; exit status 0 when every file landed whole (or had nothing
to do), 1 when some rows were rejected, 2 when a file could not be imported at all or an argument is wrong.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pipeline import config, db, labels
from pipeline.cli.parser import EXIT_FAILED, EXIT_OK, EXIT_SOME_REJECTED, bad_argument, fail


def _today(args):
    """--today; a malformed one ends the command with exit status 2."""
    try:
        return config.today(args.today)
    except ValueError:
        raise SystemExit(bad_argument(f"--today {args.today}")) from None


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


# Statuses that leave the exit code at 0: the same bytes imported before (nothing to do), and a complete
# list whose missing people are listed for the uploader to confirm with --confirm (nothing changed yet).
_NOTHING_TO_DO = ("already_imported", "needs_confirmation")


def run_import(args) -> int:
    """Import each file in its own transaction; one JSON line per file on stdout."""
    from pipeline import materialized
    from pipeline.cli import records
    from pipeline.ingest.load import ImportReport, import_file
    from pipeline.ingest.progress_rules import FullList

    if args.confirm and not args.full_list:
        return bad_argument(labels.MSG_CONFIRM_WITHOUT_FULL_LIST)
    if args.full_list and len(args.files) != 1:
        return bad_argument(labels.MSG_FULL_LIST_ONE_FILE)
    full_list = FullList(args.full_list, confirmed=args.confirm) if args.full_list else None
    today = _today(args)
    worst = EXIT_OK
    changed = False
    try:
        con = db.connect(args.db)
    except db.DatabaseBusy as exc:
        return fail(str(exc))
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
            records.record_import(con, args.user, report)  # one audit record per file, as the upload page
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
        return fail(str(exc))
    try:
        done, message = materialized.refresh_after_change(con, today)
    finally:
        con.close()
    if done is None:
        return fail(message)
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
                    return fail(str(exc))
    try:
        counts = demo.build(path, scale=args.scale, seed=args.seed, today=_today(args), xlsx_dir=args.xlsx_dir)
    except db.DatabaseBusy as exc:
        return fail(str(exc))
    print(json.dumps(counts, ensure_ascii=False, default=str))
    return EXIT_OK


def run_template(args) -> int:
    """Write the blank upload template of a kind (never over an existing file without --force); audited."""
    from pipeline import safe_files, templates
    from pipeline.cli import records

    try:
        safe_files.check_output(args.out, args.db, args.force)
    except safe_files.OutputRefused as exc:
        return fail(str(exc))
    content = templates.template_bytes(args.kind)
    path = config.db_path(args.db)
    if path.is_file():  # without a database there is nothing to record it in (and no data in a blank template)
        try:
            con = db.connect(path)
        except db.DatabaseBusy as exc:
            return fail(str(exc))
        try:
            what = labels.AUDIT_WHAT_TEMPLATE.format(kind=labels.KIND_LABELS[args.kind])
            records.record_export(con, what, [args.out])
        finally:
            con.close()
    try:
        safe_files.write_output(args.out, content, args.db, args.force)
    except safe_files.OutputRefused as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(labels.MSG_FILE_WRITE_FAILED.format(path=args.out, detail=exc))
    print(labels.MSG_OUTPUT_WRITTEN.format(path=args.out), file=sys.stderr)
    return EXIT_OK
