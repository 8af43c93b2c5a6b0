"""Arrow's allocator: jemalloc in the processes of the dashboard (the command line, the app), unless Arrow's own
setting names another pool."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

from tests.conftest import EXAMPLE_TODAY, ROOT, app_test

# prints the pool a fresh process uses after the call, and what the call said
USE = (
    "import pyarrow as pa; from pipeline import arrow_memory; "
    "print(arrow_memory.use_jemalloc(), pa.default_memory_pool().backend_name)"
)
# runs the command line's main() with the arguments after -c's, then names the pool on stderr
MAIN = (
    "import sys, pyarrow as pa; from pipeline.cli import main; code = main(sys.argv[1:]); "
    "print(pa.default_memory_pool().backend_name, file=sys.stderr); sys.exit(code)"
)


def _python(code: str, *argv: str, pool: str | None = None) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name != "ARROW_DEFAULT_MEMORY_POOL"}
    if pool is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = pool
    return subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_fresh_process_starts_on_arrows_default_and_the_call_makes_it_jemalloc():
    before = _python("import pyarrow as pa; print(pa.default_memory_pool().backend_name)")
    assert before.stdout.split() != ["jemalloc"]  # else the call below would prove nothing
    after = _python(USE)
    assert after.returncode == 0, after.stderr
    assert after.stdout.split() == ["jemalloc", "jemalloc"]


@pytest.mark.parametrize("pool", ["system", "mimalloc"])
def test_a_pool_named_in_arrows_own_setting_is_kept(pool):
    result = _python(USE, pool=pool)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [pool, pool]


def test_the_command_line_runs_its_command_on_jemalloc(module_example_path):
    argv = ["metrics", "--db", str(module_example_path), "--today", EXAMPLE_TODAY.isoformat(), "--period", "2026Q3"]
    result = _python(MAIN, *argv, "--by", "county")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[0].startswith("\ufeffcounty,beneficiaries,")
    assert result.stderr.splitlines()[-1] == "jemalloc"


def test_the_app_runs_on_jemalloc(read_only_example_db):
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        at = app_test()
        at.run()
        assert not at.exception
        assert pa.default_memory_pool().backend_name == "jemalloc"
    finally:
        pa.set_memory_pool(before)
