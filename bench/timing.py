"""Repeated timings and process memory: the two instruments every measurement uses."""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Samples:
    """The values of repeated runs of one measurement (seconds, rows/s, bytes …)."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def max(self) -> float:
        return max(self.values)

    def add(self, value: float) -> None:
        self.values.append(float(value))


def repeat(work: Callable[[], object], runs: int, warmup: int = 1) -> tuple[Samples, object]:
    """Seconds of `runs` calls of work after `warmup` untimed ones; also the last result."""
    result = None
    for _ in range(warmup):
        result = work()
    samples = Samples()
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        samples.add(time.perf_counter() - started)
    return samples, result


# ---------------------------------------------------------------- memory from /proc


def status_kib(pid: int, field_name: str) -> int:
    """A `VmRSS:`/`VmHWM:` line of /proc/<pid>/status in KiB (0 when the process is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def own_peak_bytes() -> int:
    """The high-water mark of this process's resident memory (VmHWM)."""
    return status_kib(os.getpid(), "VmHWM") * 1024


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(p) for p in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue += _children(current)
    return pids


class TreeMemory:
    """Polls the resident memory of a process tree while it runs: the peak of the sum, and each VmHWM.

    The sum catches a parent and a child holding memory at the same time (the .xlsx import parses in
    a child); the per-process high-water marks catch peaks shorter than the polling interval.
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_sum_bytes = 0
        self.peak_hwm_bytes: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        """Read the tree once (also callable by hand, e.g. right before the root exits)."""
        total = 0
        for pid in tree(self.pid):
            total += status_kib(pid, "VmRSS") * 1024
            hwm = status_kib(pid, "VmHWM") * 1024
            self.peak_hwm_bytes[pid] = max(self.peak_hwm_bytes.get(pid, 0), hwm)
        self.peak_sum_bytes = max(self.peak_sum_bytes, total)

    @property
    def peak_bytes(self) -> int:
        """The larger of the polled peak sum and the largest single high-water mark."""
        return max(self.peak_sum_bytes, max(self.peak_hwm_bytes.values(), default=0))
