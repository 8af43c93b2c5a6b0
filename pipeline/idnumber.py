"""Chinese resident ID numbers (GB 11643): check digit, 15 → 18 conversion."""

from __future__ import annotations

import datetime as dt

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def from_15(old: str) -> str:
    """Convert a 15-digit ID to 18 digits: "19" after the area code, then the check digit."""
    body = old[:6] + "19" + old[6:]
    return body + check_char(body)


def birth_date(id18: str) -> dt.date | None:
    """The birth date encoded in an 18-digit ID, or None when it is not a real date."""
    try:
        return dt.date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))
    except ValueError:
        return None


def make(area: str, birth: dt.date, sequence: int) -> str:
    """A valid 18-digit ID from an area code, a birth date and a 3-digit sequence number."""
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)
