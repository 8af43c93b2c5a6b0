"""A .zip or .gz holding one sheet file (SPEC §4): the upload takes them, and so does the command line.

A contact log of 200 MB packs to about a sixth, under the upload's cap. An archive is opened only
when it holds exactly one .csv/.txt/.xlsx/.xlsm/.xls file (folders and the files macOS and Windows add
on their own are not counted); several files, none, an archive inside the archive, a file of another
kind, a password, or a file that unpacks to more than MAX_ZIP_RATIO times its packed size (or, for an
upload, to more than MAX_UNZIPPED_BYTES) are refused with a message naming the archive and the file.
The limits are those config.py sets for the parts of an .xlsx. The sheet file is unpacked as it is
read (Member.open), never written to disk, and its name in the report is "走访记录.zip › 走访记录.csv".

A .gz is recognised by its bytes. A zip is an archive when it is named .zip and is not itself a
workbook (an .xlsx is a zip too): a zip named .xlsx that is not a workbook stays a damaged workbook.
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline import config, labels

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SHEET_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".rar", ".7z", ".bz2", ".xz", ".z")
SEPARATOR = " › "  # between the archive's name and the sheet file's, in reports and messages
# Parts that mark a zip as an Office file (a workbook, possibly damaged or encrypted), not an archive to open.
_OFFICE_PARTS = ("[Content_Types].xml", "xl/", "EncryptionInfo", "EncryptedPackage", "_rels/.rels", "docProps/")
_SYSTEM_FILES = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
_BOMB_FLOOR = 2**20  # the ratio is judged on files that unpack to more than this


@dataclass
class Member:
    """The one sheet file of an archive."""

    name: str  # its own name, without folders
    display: str  # "archive › name"
    size: int | None  # bytes once unpacked, as the zip declares them (None for a .gz)
    packed: int  # bytes of the archive
    workbook: bool  # an .xlsx/.xls (by its first bytes), not text
    open: Callable[[], Guarded]  # its bytes from the start, unpacked as they are read


class Guarded:
    """The unpacked bytes of a member, refused past the ratio or the size limit, corruption as a ReadError."""

    def __init__(self, raw: BinaryIO, archive_name: str, packed: int, limit: int | None, counted=None) -> None:
        self._raw = raw
        self._archive = archive_name
        self._packed = max(packed, 1)
        self._limit = limit
        self._counted = counted  # the packed file, when its position is the progress (a .gz)
        self.unpacked = 0

    @property
    def done(self) -> int:
        """Bytes of the archive read so far (a .gz), or bytes unpacked so far (a zip member)."""
        if self._counted is not None:
            try:
                return self._counted.tell()
            except (OSError, ValueError):
                return 0
        return self.unpacked

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._raw.read(size)
        except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError, ValueError) as exc:
            raise _read_error(labels.MSG_ARCHIVE_CORRUPT.format(file=self._archive)) from exc
        self.unpacked += len(data)
        if self.unpacked > _BOMB_FLOOR and self.unpacked > config.MAX_ZIP_RATIO * self._packed:
            detail = labels.ZIP_RATIO_DETAIL.format(ratio=self.unpacked / self._packed)
            raise _read_error(labels.MSG_ZIP_BOMB.format(file=self._archive, detail=detail))
        if self._limit is not None and self.unpacked > self._limit:
            detail = labels.ZIP_SIZE_DETAIL.format(size_gb=self.unpacked / 2**30)
            raise _read_error(labels.MSG_ZIP_BOMB.format(file=self._archive, detail=detail))
        return data

    def read_all(self, cap: int, display: str) -> bytes:
        """Every byte (for a workbook, parsed whole), refused past `cap` bytes."""
        parts, total = [], 0
        while chunk := self.read(2**20):
            total += len(chunk)
            if total > cap:
                raise _read_error(
                    labels.MSG_FILE_TOO_BIG.format(file=display, size_mb=total / 2**20, cap_mb=cap // 2**20)
                )
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self._raw.close()
        if self._counted is not None:
            self._counted.close()


def _read_error(message: str):
    from pipeline.ingest.read import ReadError  # read.py imports this module

    return ReadError(message)


def _suffix(name: str) -> str:
    return os.path.splitext(name.lower())[1]


def _is_office_zip(names: list[str]) -> bool:
    return any(name == part or name.startswith(part) for name in names for part in _OFFICE_PARTS)


def _opener(source: bytes | Path) -> Callable[[], BinaryIO]:
    if isinstance(source, bytes | bytearray | memoryview):
        return lambda: io.BytesIO(source)
    return lambda: open(source, "rb")


def open_archive(source: bytes | Path, file_name: str, *, max_unpacked: int | None = None) -> Member | None:
    """The sheet file inside `source` (the bytes or the path of a file named `file_name`), or None when it
    is not an archive; a ReadError when it is one that cannot be imported."""
    opener = _opener(source)
    with opener() as probe:
        head = probe.read(8)
        packed = probe.seek(0, io.SEEK_END)
    if head.startswith(GZIP_MAGIC):
        return _gzip_member(opener, file_name, packed, max_unpacked)
    if head.startswith(b"PK") and _suffix(file_name) == ".zip":  # an empty zip starts with its end record
        return _zip_member(opener, file_name, packed, max_unpacked)
    return None


def display_name(source: bytes | Path, file_name: str) -> str:
    """The name a report gives the file: "archive › sheet file" for an archive that can be opened."""
    from pipeline.ingest.read import ReadError

    try:
        member = open_archive(source, file_name)
    except ReadError:
        return file_name
    return member.display if member is not None else file_name


def _check_member(archive_name: str, member: str, open_member: Callable[[], Guarded]) -> bool:
    """Whether the member is a workbook (by its first bytes; else text); a ReadError for an archive inside the
    archive or a file of another kind. A zip inside named like a sheet file is taken for a workbook (read.py
    judges it, as it judges an upload); one without a suffix only when it holds a workbook's parts."""
    suffix = _suffix(member)
    stream = open_member()
    try:
        head = stream.read(8)
        nested = suffix in ARCHIVE_SUFFIXES or head.startswith(GZIP_MAGIC)
        if not nested and not suffix and head.startswith(b"PK"):
            data = head + stream.read_all(config.MAX_FILE_BYTES, archive_name + SEPARATOR + member)
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    nested = not _is_office_zip(inner.namelist())
            except (zipfile.BadZipFile, OSError, ValueError, EOFError):
                nested = False  # a damaged workbook, as read.py will say
    finally:
        stream.close()
    if nested:
        raise _read_error(labels.MSG_ARCHIVE_NESTED.format(file=archive_name, member=member))
    if suffix and suffix not in SHEET_SUFFIXES:
        raise _read_error(labels.MSG_ARCHIVE_NOT_SHEET.format(file=archive_name, member=member))
    return head.startswith((b"PK", OLE_MAGIC))


class _Closing:
    """A zip member's stream that closes its archive and file with it."""

    def __init__(self, raw: BinaryIO, *others) -> None:
        self._raw = raw
        self._others = others

    def read(self, size: int = -1) -> bytes:
        return self._raw.read(size)

    def close(self) -> None:
        self._raw.close()
        for other in self._others:
            other.close()


def _zip_member(opener, file_name: str, packed: int, max_unpacked: int | None) -> Member | None:
    corrupt = labels.MSG_ARCHIVE_CORRUPT.format(file=file_name)
    try:
        with opener() as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise _read_error(corrupt) from exc
    if _is_office_zip([info.filename for info in infos]):
        return None  # a workbook named .zip: read as one
    files = [info for info in infos if not info.is_dir() and not any(m in info.filename for m in _SYSTEM_FILES)]
    if not files:
        raise _read_error(labels.MSG_ARCHIVE_EMPTY.format(file=file_name))
    if len(files) > 1:
        shown = "、".join(os.path.basename(info.filename.rstrip("/")) for info in files[:5])
        more = labels.ARCHIVE_MORE_FILES if len(files) > 5 else ""
        raise _read_error(labels.MSG_ARCHIVE_SEVERAL.format(file=file_name, count=len(files), names=shown + more))
    info = files[0]
    member = os.path.basename(info.filename)
    if info.flag_bits & 0x1:
        raise _read_error(labels.MSG_ARCHIVE_ENCRYPTED.format(file=file_name))
    if info.file_size > _BOMB_FLOOR and info.file_size > config.MAX_ZIP_RATIO * max(info.compress_size, 1):
        detail = labels.ZIP_RATIO_DETAIL.format(ratio=info.file_size / max(info.compress_size, 1))
        raise _read_error(labels.MSG_ZIP_BOMB.format(file=file_name, detail=detail))
    if max_unpacked is not None and info.file_size > max_unpacked:
        detail = labels.ZIP_SIZE_DETAIL.format(size_gb=info.file_size / 2**30)
        raise _read_error(labels.MSG_ZIP_BOMB.format(file=file_name, detail=detail))

    def open_member() -> Guarded:
        handle = opener()
        try:
            archive = zipfile.ZipFile(handle)
            raw = archive.open(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError) as exc:
            handle.close()
            raise _read_error(corrupt) from exc
        return Guarded(_Closing(raw, archive, handle), file_name, info.compress_size, max_unpacked)

    workbook = _check_member(file_name, member, open_member)
    return Member(member, file_name + SEPARATOR + member, info.file_size, packed, workbook, open_member)


def _gzip_name(opener, file_name: str) -> str:
    """The name stored in the .gz header (FNAME), else the archive's name without .gz."""
    with opener() as handle:
        header = handle.read(10)
        if len(header) == 10 and header[3] & 0x08:  # FNAME
            if header[3] & 0x04:  # FEXTRA comes first
                (extra,) = struct.unpack("<H", handle.read(2))
                handle.read(extra)
            name = bytearray()
            while (byte := handle.read(1)) not in (b"", b"\x00") and len(name) < 1024:
                name += byte
            for encoding in ("utf-8", "gb18030", "latin-1"):  # the header says latin-1; tools write what they use
                try:
                    text = bytes(name).decode(encoding)
                except UnicodeDecodeError:
                    continue
                if text:
                    return os.path.basename(text.replace("\\", "/"))
    base = os.path.basename(file_name)
    lower = base.lower()
    if lower.endswith(".tgz"):
        return base[:-4] + ".tar"
    return base[:-3] if lower.endswith(".gz") else base


def _gzip_member(opener, file_name: str, packed: int, max_unpacked: int | None) -> Member:
    member = _gzip_name(opener, file_name)

    def open_member() -> Guarded:
        handle = opener()
        return Guarded(gzip.GzipFile(fileobj=handle, mode="rb"), file_name, packed, max_unpacked, counted=handle)

    workbook = _check_member(file_name, member, open_member)
    return Member(member, file_name + SEPARATOR + member, None, packed, workbook, open_member)
