"""How many rows each data-quality check and the 疑点 found, for what this process has already computed.

数据质量 runs the check of its open tab only (at five times a province the checks of all records together take half a
minute); its cards show the count of every other check whose rows this process has found before (its tab opened
earlier, the warming thread, the button that counts them all) and "—" for the rest. A count is never computed for its
card alone, and a key holds the data version and everything the rows depend on, so a count is never one of other data.
The cached functions that compute the rows (app_ui.upload_data, app_ui.callback_data) remember their counts here.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

KEPT = 4096  # counts kept, the oldest forgotten first: a few hundred a data version and scope at most

_lock = threading.Lock()  # the warming thread remembers counts while pages read them
_counts: OrderedDict[tuple, tuple[int, tuple[str, ...]]] = OrderedDict()


def remember(key: tuple, count: int, together: tuple[str, ...] = ()) -> None:
    """The number of rows found for this key; `together`: the checks whose rows were found with them, in one call
    (upload_data.scoped_checks), empty for rows found on their own."""
    with _lock:
        _counts[key] = (count, together)
        _counts.move_to_end(key)
        while len(_counts) > KEPT:
            _counts.popitem(last=False)


def get(key: tuple) -> int | None:
    """The number of rows found for this key, or None when they were not computed in this process."""
    with _lock:
        found = _counts.get(key)
    return None if found is None else found[0]


def found_with(key: tuple) -> tuple[str, ...]:
    """The checks whose rows were found together with this key's (none: found on its own, or not yet)."""
    with _lock:
        found = _counts.get(key)
    return () if found is None else found[1]


def check_key(version: tuple, name: str, as_of, county: str | None, department: str | None, max_pairs: int) -> tuple:
    """The key of one check's rows in a scope."""
    return ("check", version, name, as_of, county or None, department or None, int(max_pairs))


def doubts_key(version: tuple, view) -> tuple:
    """The key of the 疑点 of a view (its period and scope)."""
    return ("doubtful", version, view)


def clear() -> None:
    """Forget every count (the tests start each case from none)."""
    with _lock:
        _counts.clear()
