"""Arrow's allocator for the processes of the dashboard: jemalloc, where this build of Arrow has it.

Arrow's default pool (mimalloc) made the imports slower and larger here: the province's 100,000-row contact CSV
imported in 1.31 s with it and 1.02 s with jemalloc, the .xlsx roster in 3.31 and 3.08 s, the CSV roster in 0.83 and
0.80 s, each with a lower peak (436 → 395 MiB for the contact CSV); docs/performance.md has the runs. The pool is the
process's own, so it is chosen where a process of ours starts: the command line (pipeline/cli/parser.main), the app's
script (app.py), and the benchmark's processes that time our code in their own (bench/run.py, bench/scaling.py and the
import child), so that they measure what the office runs. A pool named in $ARROW_DEFAULT_MEMORY_POOL is Arrow's own
setting and is left as it is.
"""

from __future__ import annotations

import os

import pyarrow as pa

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_jemalloc() -> str:
    """Make jemalloc Arrow's default pool (unless $ARROW_DEFAULT_MEMORY_POOL names one, or Arrow lacks it);
    the name of the pool in use after the call."""
    current = pa.default_memory_pool()
    if os.environ.get(POOL_VARIABLE) or current.backend_name == "jemalloc":
        return current.backend_name
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # an Arrow built without jemalloc keeps its default
        return current.backend_name
    return "jemalloc"
