"""`python -m pipeline …`, the command line of CLI.md.

parser.py holds the one argument parser, the exit codes and the error handling; each group of commands has
its module, imported only when one of its commands runs: data.py (demo, import, refresh, template),
metrics.py (metrics, overdue), report.py (report, snapshot), backup.py (backup, restore), user.py, audit.py,
supervise.py, callback.py (callback sample, quality); common.py the pieces they share (the database, --today,
--period, --scope, the CSV and JSON output) and records.py the audit records the commands write.
"""

from pipeline.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
