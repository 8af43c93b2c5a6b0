"""The workbook-parsing child process, and the column encoding it shares with the parent.

calamine is native code that aborts the whole process on some crafted files, so read.py runs
`child_main` in a child process with a memory and a time limit. This module is what that child
imports: it stays light (no numpy, pyarrow or duckdb), since a child starts for every workbook.

The child answers without a Python object per cell. A sheet (or a column) whose cells are all
text, as in most ledgers, goes as one UTF-8 string with a separator after each cell, which the
parent splits and encodes with Arrow. A column of other cells (numbers, dates) goes as one code
per row (packed 32-bit integers) and the column's distinct cells: a ledger column holds few
distinct values (one date per day, one ID number per person), so this is a fraction of the bytes
of the row lists. Either way the parent gets each column as codes into its distinct cells, the
form in which it cleans each distinct value once.
"""

from __future__ import annotations

import array
import contextlib
import io
import itertools
import pickle
import sys
from collections.abc import Iterable, Sequence

CODE_TYPE = "i"  # array.array type of the codes: a C int, 32 bits on every platform Python supports
TEXT_END = "\x00"  # ends each cell of text_cells; XML cannot hold it, so a workbook cell hardly ever does


def encode_column(cells: Sequence[object]) -> tuple[array.array, list[object]]:
    """(code of each cell, the distinct cells in order of first appearance).

    Cells are told apart by type and value, as the cleaning cache always did: 1, 1.0 and True are
    equal in Python but clean differently. The loops are the C ones of dict and array.
    """
    distinct = dict.fromkeys(cells)
    # Cells are str, numbers, bools, dates and times, and no such value equals a str: when every
    # distinct key is a str, so is every cell, and the cells themselves are the keys.
    keys: Sequence[object] = cells
    if not all(type(key) is str for key in distinct):
        keys = list(zip(map(type, cells), cells, strict=True))
        distinct = dict.fromkeys(keys)
        if any(kind is float and cell == 0 for kind, cell in distinct):
            # 0.0 == -0.0, yet str() of the two differs (a header cell is read with str())
            keys = [(kind, cell, repr(cell)) if kind is float else (kind, cell, "") for kind, cell in keys]
            distinct = dict.fromkeys(keys)
    index = dict(zip(distinct, range(len(distinct)), strict=True))
    codes = array.array(CODE_TYPE, map(index.__getitem__, keys))
    values = list(distinct) if keys is cells else [key[1] for key in distinct]
    return codes, values


def text_cells(cells: Iterable[object], count: int) -> bytes | None:
    """`count` cells, every one a str, as UTF-8 with a TEXT_END after each; None when some cell is not.

    None too when a cell holds a TEXT_END itself (or a lone surrogate, which has no UTF-8), so that
    splitting the bytes at each TEXT_END gives the cells back exactly (read._text_columns does).
    A join and an encode run in C: far cheaper than a dictionary lookup per cell (encode_column).
    """
    try:
        text = TEXT_END.join(itertools.chain(cells, ("",)))  # the "" puts a TEXT_END after the last cell too
    except TypeError:  # a number, a date, a bool, …: not all text
        return None
    if not count or text.count(TEXT_END) != count:
        return None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def encode_rows(rows: list[list[object]]) -> tuple[int, int, bytes | None, bytes | list[bytes | tuple[bytes, list]]]:
    """A sheet's rows as (height, width, row lengths or None when all rows are full, cells).

    The cells are, when every cell of the sheet is a str (as in most ledgers), the text_cells of
    the rows one after the other; else a list with, per column, the column's text_cells when all
    its cells are str, or its encode_column (packed codes, distinct cells). Short rows are padded
    with "" (what a missing cell reads as); their real lengths go along so that the rows can be
    rebuilt exactly.
    """
    height = len(rows)
    lengths = [len(row) for row in rows]
    width = max(lengths, default=0)
    packed_lengths = None
    if any(length != width for length in lengths):
        packed_lengths = array.array(CODE_TYPE, lengths).tobytes()
        rows = [row if len(row) == width else [*row, *[""] * (width - len(row))] for row in rows]
    whole = text_cells(itertools.chain.from_iterable(rows), height * width)
    if whole is not None:
        return height, width, packed_lengths, whole
    columns: list[bytes | tuple[bytes, list]] = []
    for cells in zip(*rows, strict=True) if rows else ():
        text = text_cells(cells, height)
        if text is None:
            codes, distinct = encode_column(cells)
            columns.append((codes.tobytes(), distinct))
        else:
            columns.append(text)
    return height, width, packed_lengths, columns


def fill_merged(rows: list[list[object]], merged: list) -> None:
    """Give every cell of a merged range the value of its top-left cell."""
    width = max((len(row) for row in rows), default=0)
    for (top, left), (bottom, right) in merged:
        right = min(right, width - 1)  # past the last used column a merge adds only empty cells, 16,384 a row
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if r != top or c != left:
                    row[c] = value


def parse_workbook(data: bytes, max_rows: int, max_cells: int) -> tuple:
    """Parse with calamine: ("ok", [(sheet, height, width, lengths, columns)]) or why the file is refused."""
    import python_calamine  # only the child parses workbooks

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets, total_rows = [], 0
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            height, width = sheet.total_height, sheet.total_width
            if height > max_rows + 100 or height * width > max_cells:
                return ("too_big", name, height, width)
            rows = sheet.to_python(skip_empty_area=False)
            total_rows += len(rows)
            if total_rows > max_rows + 100:
                return ("too_many_rows",)
            if rows and type(rows[0]) is not list:  # filled in place below
                rows = [list(row) for row in rows]
            fill_merged(rows, list(sheet.merged_cell_ranges or []))
            del sheet  # calamine's copy of the cells: not needed once they are Python values
            sheets.append((name, *encode_rows(rows)))
            del rows
    except MemoryError:
        return ("limit",)
    except BaseException:  # calamine's own errors, and its panics on damaged files (a BaseException)
        return ("corrupt",)
    return ("ok", sheets)


def child_main() -> None:
    """Entry of the parsing child: workbook bytes on stdin, the pickled outcome of parse_workbook on stdout."""
    import gc

    # Millions of cells are made and kept until the answer is written: the cycle collector would
    # walk them again and again for nothing (nothing here makes cycles), so it stays off.
    gc.disable()
    memory, max_rows, max_cells = (int(value) for value in sys.argv[2:5])
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    outcome = parse_workbook(sys.stdin.buffer.read(), max_rows, max_cells)
    pickle.dump(outcome, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
