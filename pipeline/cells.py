"""A cell's text made safe for a spreadsheet: never run as a formula, nothing a workbook cannot hold.

Apart from pipeline/export.py (which builds workbooks with openpyxl), so that the CSV writers of the command
line neutralise their cells without loading openpyxl.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The control characters a workbook cannot hold: openpyxl's own ILLEGAL_CHARACTERS_RE (a test holds them equal).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def neutralize(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe-like quote.

    Control characters that a workbook cannot hold (openpyxl refuses them) are dropped.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value
