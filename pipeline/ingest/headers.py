"""Finding the header row of a sheet, recognising its kind and mapping its columns (SPEC §2, §3)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline import config, labels

_REMOVED = re.compile(r"[\s()\[\]{}【】〔〕<>《》]")
_GROUP_SUFFIXES = ("基本信息", "信息", "情况", "基本")
_CADRE_WORDS = ("干部", "责任人", "帮扶人")
_PERSON_WORDS = ("对象", "帮扶对象", "群众")


def normalize_header(value: object) -> str:
    """A header as compared with the aliases: no spaces, line breaks, brackets or trailing '*'."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _REMOVED.sub("", text)
    return text.strip("*")


def _alias_index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in labels.COLUMNS[kind]:
        for name in (column.label, *column.aliases):
            index.setdefault(normalize_header(name), column.field)
    return index


ALIASES = {kind: _alias_index(kind) for kind in labels.COLUMNS}


@dataclass
class HeaderMatch:
    """Where the header of a sheet is and what its columns mean."""

    kind: str
    row_index: int  # 0-based index into the sheet's rows
    columns: dict[int, str]  # column index -> field
    headers: dict[int, str]  # column index -> header text as written (for messages and raw rows)
    unknown: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def missing_required(self) -> list[str]:
        """Canonical labels of required columns the sheet lacks."""
        present = set(self.columns.values())
        return [c.label for c in labels.COLUMNS[self.kind] if c.required and c.field not in present]


def _candidates(parent: str, child: str) -> list[str]:
    """Header texts to try for one column, given the (merged) cell above it."""
    names: list[str] = []
    if child:
        if parent and parent != child:
            names.append(parent + child)
            core = parent
            for suffix in _GROUP_SUFFIXES:
                core = core.removesuffix(suffix)
            if core != parent:
                names.append(core + child)
            if any(word in parent for word in _CADRE_WORDS):
                names.append("干部" + child)
            elif any(word in parent for word in _PERSON_WORDS):
                names.append("对象" + child)
        names.append(child)
    elif parent:
        names.append(parent)
    return names


def _cell_text(row: list[object], index: int) -> str:
    return normalize_header(row[index]) if index < len(row) else ""


def _match_row(rows: list[list[object]], r: int, kind: str, grouped: bool) -> tuple[dict[int, str], dict[int, str]]:
    """Map the columns of row r for one kind; `grouped` reads row r-1 as group cells above it."""
    index = ALIASES[kind]
    row = rows[r]
    above = rows[r - 1] if r > 0 else []
    columns: dict[int, str] = {}
    headers: dict[int, str] = {}
    taken: set[str] = set()
    for c in range(max(len(row), len(above))):
        child = _cell_text(row, c)
        parent = _cell_text(above, c)
        names = _candidates(parent, child) if grouped else ([child] if child else [parent] if parent else [])
        for name in names:
            target = index.get(name)
            if target == "method" and kind == "visits" and _holds_phones(rows, r, c):
                # many ledgers head a column of phone numbers 联系方式: read it as a phone column
                target = "cadre_phone"
            if target and target not in taken:
                columns[c] = target
                headers[c] = str(row[c]).strip() if child else str(above[c]).strip()
                taken.add(target)
                break
    return columns, headers


# When a sheet has every required column of two kinds, the kind whose rows are events wins: a
# contact log often repeats the person's name and place, a roster never has 走访日期 or 提出日期.
_KIND_PRIORITY = {"callback": 3, "issues": 2, "visits": 1, "roster": 0}


def _score(kind: str, columns: dict[int, str]) -> tuple[int, int, int, int]:
    fields = set(columns.values())
    required = [c.field for c in labels.COLUMNS[kind] if c.required]
    matched = sum(1 for f in required if f in fields)
    complete = matched == len(required)
    return int(complete), _KIND_PRIORITY[kind] if complete else -1, matched, len(fields)


def find_header(rows: list[list[object]], sheet: str, kind: str | None = None) -> HeaderMatch | None:
    """The first row among the first 15 with ≥3 known columns, its kind and its column map."""
    kinds = [kind] if kind else list(labels.COLUMNS)
    limit = min(config.HEADER_SCAN_ROWS, len(rows))
    for r in range(limit):
        best = _best_kind(rows, r, kinds)
        if best is None:
            continue
        # A two-level header: the row below may carry the sub-columns of merged group cells.
        if r + 1 < len(rows):
            below = _best_kind(rows, r + 1, kinds)
            if below and _score(below[0], below[1]) > _score(best[0], best[1]):
                r, best = r + 1, below
        found_kind, columns, headers = best
        return _finish(rows, r, found_kind, columns, headers)
    return None


def _best_kind(rows, r, kinds) -> tuple[str, dict[int, str], dict[int, str]] | None:
    best = None
    for candidate in kinds:
        for grouped in (False, True):  # plain first: a title row above is not a group header
            columns, headers = _match_row(rows, r, candidate, grouped)
            if len(set(columns.values())) < config.HEADER_MIN_MATCHES:
                continue
            if best is None or _score(candidate, columns) > _score(best[0], best[1]):
                best = (candidate, columns, headers)
    return best


def _finish(rows, r, kind, columns, headers) -> HeaderMatch:
    row = rows[r]
    unknown = []
    for c, value in enumerate(row):
        text = str(value).strip() if value is not None else ""
        if text and c not in columns:
            unknown.append(text)
    return HeaderMatch(kind, r, columns, headers, unknown)


PHONE_LIKE = re.compile(r"^\+?[\d\s\-]{7,16}$")
_SAMPLE_ROWS = 200
# The rows find_header can look at: a header among the first HEADER_SCAN_ROWS (or the row below it,
# for a two-level header) and up to _SAMPLE_ROWS rows under it in _holds_phones.
ROWS_LOOKED_AT = config.HEADER_SCAN_ROWS + 2 + _SAMPLE_ROWS


def _holds_phones(rows: list[list[object]], r: int, c: int) -> bool:
    """Whether the cells below row r in column c are mostly phone numbers."""
    values = [row[c] for row in rows[r + 1 : r + 1 + _SAMPLE_ROWS] if c < len(row) and str(row[c]).strip() != ""]
    if not values:
        return False
    phones = sum(1 for v in values if isinstance(v, (int, float)) or PHONE_LIKE.match(str(v).strip()))
    return phones / len(values) >= 0.8
