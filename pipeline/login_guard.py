"""How often a password may be checked: per client, per account, and how many checks run at once.

A password check is scrypt at 128 MiB and about 0.3 s, so the number of checks is what an attacker spends and
what the server pays. pipeline/access.py decides each login with these pieces:

- `Throttle`: attempts per client in the last minute (one Streamlit session, one client address); past the
  limit an attempt is refused before anything else happens.
- `check_slot`: at most a few password checks at the same moment in the whole process; the others wait
  their turn (or are refused after a while), so that parallel logins cannot take every core and gigabytes.
- `Failures` / `lock_until`: the lock-out. A failed login is a (time, client) pair; a client that failed
  five times within 15 minutes is locked out of that account for 15 minutes after the fifth, and an account
  that failed twenty times within 15 minutes from all clients together is locked for everyone. The slot is
  taken before the password is checked (access.authenticate), so checks already under way count too.
- `UnknownNames`: the same record for names that have no account, kept in memory only, so that an unknown
  name is answered exactly as a real one (also "locked" after five failures).
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import hashlib
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

Failure = tuple[dt.datetime, str]  # when, and the client's key ("" when the client's address is unknown)


def client_key(address: str | None) -> str:
    """What the lock-out keeps of a client's address: a short hash ("" when the address is unknown)."""
    if not isinstance(address, str) or not address.strip():
        return ""
    return hashlib.sha256(address.strip().encode("utf-8")).hexdigest()[:16]


def _lock_from(times: list[dt.datetime], threshold: int, window: dt.timedelta, duration: dt.timedelta):
    """The end of the latest lock that `threshold` failures within one window set, or None."""
    times = sorted(times)
    until = None
    for last in range(threshold - 1, len(times)):
        if times[last] - times[last - threshold + 1] < window:
            candidate = times[last] + duration
            until = candidate if until is None or candidate > until else until
    return until


@dataclass(frozen=True)
class Policy:
    """The lock-out's numbers: failures per client and per account within a window, and how long a lock lasts."""

    per_client: int
    per_account: int
    window: dt.timedelta
    duration: dt.timedelta

    @property
    def kept(self) -> dt.timedelta:
        """How long a failure can still matter: it may start a window whose lock is not over yet."""
        return self.window + self.duration

    def recent(self, failures: Iterable[Failure], when: dt.datetime) -> list[Failure]:
        """The failures that can still count at `when`, oldest first."""
        return sorted(f for f in failures if f[0] > when - self.kept)

    def lock_until(self, failures: Iterable[Failure], client: str, when: dt.datetime) -> dt.datetime | None:
        """Until when `client` may not try this account (None when it may): its own lock, or the account's."""
        failures = list(failures)
        own = _lock_from([t for t, c in failures if c == client], self.per_client, self.window, self.duration)
        everyone = self.account_lock(failures)
        ends = [end for end in (own, everyone) if end is not None and end > when]
        return max(ends) if ends else None

    def account_lock(self, failures: Iterable[Failure]) -> dt.datetime | None:
        """The end of the lock of the account for every client (None when there is none)."""
        return _lock_from([t for t, _ in failures], self.per_account, self.window, self.duration)

    def count(self, failures: Iterable[Failure], client: str, when: dt.datetime) -> int:
        """The client's failures inside the window ending at `when`."""
        return sum(1 for t, c in failures if c == client and t > when - self.window)


# ---------------------------------------------------------------- names without an account


class UnknownNames:
    """Failures of names that have no account, by database and a hash of the name (never the name itself)."""

    def __init__(self, capacity: int = 10_000):
        self._capacity = capacity
        self._failures: collections.OrderedDict[tuple[str, str], list[Failure]] = collections.OrderedDict()

    @staticmethod
    def _key(database: str, name: str) -> tuple[str, str]:
        return database, hashlib.sha256(name.encode("utf-8")).hexdigest()

    def failures(self, database: str, name: str) -> list[Failure]:
        return list(self._failures.get(self._key(database, name), ()))

    def store(self, database: str, name: str, failures: list[Failure]) -> None:
        key = self._key(database, name)
        self._failures[key] = failures
        self._failures.move_to_end(key)
        while len(self._failures) > self._capacity:
            self._failures.popitem(last=False)


# ---------------------------------------------------------------- attempts per client, checks at once


class Throttle:
    """Attempts per key (a session, a client address) in the last `window` seconds, on the monotonic clock."""

    def __init__(self, window: float = 60.0, capacity: int = 10_000):
        self._window = window
        self._capacity = capacity
        self._lock = threading.Lock()
        self._seen: collections.OrderedDict[str, collections.deque[float]] = collections.OrderedDict()
        self._refused: dict[str, float] = {}

    def admit(self, limits: dict[str, int], now: float | None = None) -> tuple[bool, bool]:
        """Count one attempt under every key unless one of them is at its limit: (admitted, first refusal)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key, limit in limits.items():
                seen = self._seen.get(key)
                if seen is None:
                    continue
                while seen and seen[0] <= now - self._window:
                    seen.popleft()
                if len(seen) >= limit:
                    first = self._refused.get(key, float("-inf")) <= now - self._window
                    if first:
                        self._refused[key] = now
                    return False, first
            for key in limits:
                self._seen.setdefault(key, collections.deque()).append(now)
                self._seen.move_to_end(key)
            while len(self._seen) > self._capacity:
                old, _ = self._seen.popitem(last=False)
                self._refused.pop(old, None)
            return True, False


class CheckSlots:
    """At most `size` password checks at the same moment in this process."""

    def __init__(self, size: int):
        self.size = size
        self._slots = threading.BoundedSemaphore(size)

    @contextlib.contextmanager
    def slot(self, wait_seconds: float) -> Iterator[bool]:
        """Yields True with a slot taken (given back afterwards), or False when none came free in time."""
        taken = self._slots.acquire(timeout=wait_seconds)
        try:
            yield taken
        finally:
            if taken:
                self._slots.release()
