"""Files the system writes: private to its own account, and never over something they should not replace.

Permissions. The database, its write-ahead log (which DuckDB deletes at every checkpoint and creates again at
the next write), its spill folder, backups and every file a command writes hold personal data of vulnerable
people. `keep_private` sets the process's umask to 077 whenever a database is opened or a command runs,
so that whatever the process creates from then on is readable by its own system account only (0600 files,
0700 folders), whenever and by whichever library it is created; `make_private` tightens a file or folder
that existed before.

Outputs. A command that writes a file (`template --out`, `report --out/--html/--pdf`, `metrics/overdue --out`,
`audit list --out`, `backup --out`) goes through `check_output`: a file that exists is refused unless the
command was given --force, a folder is refused, and the database in use, its .wal and its spill folder are
refused even with --force. `write_output` then writes through a temporary file renamed into place, so that
a failed write never leaves half a file, and a symbolic link at the target is replaced, not followed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from pipeline import config, labels

PRIVATE_UMASK = 0o077


class OutputRefused(ValueError):
    """A file a command may not write; the message is the Chinese text for stderr."""


def keep_private() -> None:
    """From now on every file and folder this process creates is its own account's only (umask 077)."""
    os.umask(PRIVATE_UMASK)


def make_private(path: Path, folder: bool = False) -> None:
    """Tighten an existing file to 0600 (a folder to 0700) when it is ours; leave anything else alone."""
    with contextlib.suppress(OSError):  # not ours (another account's file): nothing this process may change
        if path.exists() and path.stat().st_uid == os.geteuid():
            os.chmod(path, 0o700 if folder else 0o600)


def database_files(db_path: str | os.PathLike | None) -> list[Path]:
    """The database in use and the files DuckDB keeps beside it (its log and its spill folder)."""
    path = config.db_path(db_path)
    return [path, path.with_name(path.name + ".wal"), path.with_name(path.name + ".tmp")]


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same resolved path, or (for links) the same inode."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_output(path: str | os.PathLike, db_path: str | os.PathLike | None, force: bool, others: tuple = ()) -> Path:
    """The output path, or OutputRefused: the database and its files never, an existing file only with --force."""
    target = Path(path)
    for protected in database_files(db_path):
        if _same(target, protected):
            raise OutputRefused(labels.MSG_OUTPUT_IS_DATABASE.format(path=path))
    for other in others:
        if other is not None and _same(target, Path(other)):
            raise OutputRefused(labels.MSG_OUTPUT_TWICE.format(path=path))
    if target.is_dir():
        raise OutputRefused(labels.MSG_OUTPUT_IS_DIRECTORY.format(path=path))
    if (target.exists() or target.is_symlink()) and not force:
        raise OutputRefused(labels.MSG_OUTPUT_EXISTS.format(path=path))
    return target


def write_output(path: str | os.PathLike, data: bytes, db_path: str | os.PathLike | None, force: bool) -> Path:
    """Write `data` to a checked output path (see check_output), private, via a temporary file renamed into place.

    Without --force the name is taken with an exclusive create, so that a file appearing meanwhile is not
    overwritten either.
    """
    keep_private()
    target = check_output(path, db_path, force)
    if not force:
        with open(target, "xb") as handle:
            handle.write(data)
        return target
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(partial, "xb") as handle:
            handle.write(data)
        check_output(path, db_path, force)  # once more: the database may have appeared under the name meanwhile
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target
