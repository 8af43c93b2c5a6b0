"""`python -m pipeline backup --out FILE` and `… restore --from FILE [--force]`: see pipeline/backup.py.

Exit status 0 when the copy was written, 2 when it was refused or failed (the database busy past the
wait, a file that exists, a file that is not a backup, a backup bringing accounts the current database does
not have or has disabled, listed, without --keep-accounts); the message goes to stderr in Chinese, the
rows per table as one JSON object on stdout. Both write an audit record (--user names who; default 命令行).
"""

from __future__ import annotations

import json
import sys

from pipeline import backup, config, db, labels
from pipeline.cli.parser import EXIT_OK, fail


def run_backup(args) -> int:
    """Write a backup of the database to --out."""
    return _run(
        lambda: backup.backup(args.db, args.out, force=args.force, user=args.user),
        lambda counts: labels.MSG_BACKUP_DONE.format(
            db=config.db_path(args.db), out=args.out, tables=len(counts), rows=sum(counts.values())
        ),
        {"db": str(config.db_path(args.db)), "backup": args.out},
    )


def run_restore(args) -> int:
    """Restore the database at --db from the backup file --from."""
    return _run(
        lambda: backup.restore(
            args.db, args.source, force=args.force, keep_accounts=args.keep_accounts, user=args.user
        ),
        lambda counts: labels.MSG_RESTORE_DONE.format(
            file=args.source, db=config.db_path(args.db), tables=len(counts), rows=sum(counts.values())
        ),
        {"db": str(config.db_path(args.db)), "backup": args.source},
    )


def _run(action, done_message, summary: dict) -> int:
    try:
        counts = action()
    except (backup.BackupError, db.DatabaseBusy) as exc:
        return fail(str(exc))
    print(json.dumps({**summary, "tables": counts}, ensure_ascii=False))
    print(done_message(counts), file=sys.stderr)
    return EXIT_OK
