"""The layout rules: the pipeline runs without the UI, and pages do not reach into the database directly."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_pipeline_never_imports_streamlit():
    modules = sorted(
        "pipeline." + ".".join(p.relative_to(ROOT / "pipeline").with_suffix("").parts)
        for p in (ROOT / "pipeline").rglob("*.py")
        if p.name not in {"__init__.py", "__main__.py"}
    )
    assert "pipeline.ingest.load" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_legacy_pages_folder():
    # a folder named pages/ beside app.py switches Streamlit to its legacy multipage mode
    assert not (ROOT / "pages").exists()
    assert (ROOT / "app_pages").is_dir()


def test_streamlit_config_is_hardened():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableStaticServing"] is False
    assert 0 < config["server"]["maxUploadSize"] <= 200  # MB, the same cap as pipeline.config.MAX_FILE_BYTES
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"  # tracebacks never reach the office's screen
    # a table's own "Download as CSV" would hand over its rows unaudited, unmasked by choice and with live formulas
    assert config["client"]["disableDataExport"] is True


# Path fragments that would make the project read a file outside its own folder.
_OUTSIDE_PATTERNS = (
    re.compile(r"""["']\.\./"""),  # a relative path that climbs out, written as text
    re.compile(r"""["']\.\.["']"""),  # ".." as a path component
    re.compile(r"ROOT\.parent\b"),
    re.compile(r"\bparents\[\d\]"),
    re.compile(r"""["']shared["']\s*/"""),
    re.compile(r"/work/"),
    re.compile(r"Path\.home\(\)|expanduser\("),
)
_CODE_SUFFIXES = {".py", ".sql", ".toml", ".cfg", ".ini", ".sh", ".txt"}
# The one place allowed to mention "..": the test that a crafted SQL path cannot climb out of pipeline/sql/.
_ALLOWED = {("tests/test_quality.py", '"../schema"')}
_NOT_SCANNED = {"tests/test_architecture.py"}  # this file: the patterns themselves


def _tracked_files() -> list[str]:
    # -z: names as they are (without it git quotes a path with Chinese characters)
    result = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [name for name in result.stdout.split("\0") if name and (ROOT / name).exists()]


def test_nothing_in_the_repository_refers_to_a_path_outside_it():
    offending = []
    for name in _tracked_files():
        path = ROOT / name
        if not (path.suffix in _CODE_SUFFIXES or path.name in {"Makefile", "run"}) or name in _NOT_SCANNED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern in _OUTSIDE_PATTERNS:
                found = pattern.search(line)
                allowed = any(name == allowed_name and text in line for allowed_name, text in _ALLOWED)
                if found and not allowed:
                    offending.append(f"{name}:{number}: {line.strip()}")
    assert offending == []


def test_the_scan_catches_a_path_outside_the_repository():
    # the patterns above must catch the ways such a path has been written here before (a folder beside the
    # project, reached by climbing out of it)
    beside = "spec"
    samples = (f'EXAMPLE_DIR = ROOT.parent / "{beside}"', f'open("../{beside}/SPEC.md")', "p.parents[2]")
    assert all(any(p.search(sample) for p in _OUTSIDE_PATTERNS) for sample in samples)


@pytest.mark.slow
def test_a_copy_of_the_repository_alone_passes_the_example_tests(tmp_path):
    """The tracked files copied into an empty folder, nothing beside them, run the tests that read the example data."""
    clone = tmp_path / "alone" / "main"
    for name in _tracked_files():
        target = clone / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    assert [path.name for path in clone.parent.iterdir()] == [clone.name]  # nothing beside the copy
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_metrics.py", "tests/test_cli.py"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "error" not in result.stdout.splitlines()[-1]


def test_the_formatter_formats_everything():
    """No code asks the formatter to look away: it is written so that the formatted form reads well."""
    marker = "fmt: " + "skip"
    skipped = [name for name in _tracked_files() if name.endswith(".py") and marker in (ROOT / name).read_text("utf-8")]
    assert skipped == []


# pipeline/ingest/ in the order a file passes through it: each module imports none of those given here.
_INGEST_READING = {"read", "parse_child", "archive", "stream", "headers", "clean"}
_INGEST_ABOVE_READING = {"rows", "validate", "checks", "keys", "merge", "load", "chunked", "preview", "progress_rules"}
_INGEST_MUST_NOT_IMPORT = {
    **{name: _INGEST_ABOVE_READING for name in _INGEST_READING},  # reading knows nothing of rows and rules
    "rows": _INGEST_ABOVE_READING - {"rows"},  # the row model sits under every rule
    "keys": {"validate", "checks", "merge", "load", "chunked", "preview", "progress_rules"},
    "validate": {"checks", "merge", "load", "chunked", "preview", "progress_rules"},  # the file by itself
    "progress_rules": {"checks", "merge", "load", "chunked", "preview"},
    "checks": {"validate", "merge", "load", "chunked", "preview"},  # against the stored state
    "merge": {"read", "stream", "archive", "validate", "load", "chunked", "preview"},  # rows already read and checked
    "preview": {"checks", "merge", "load", "chunked"},  # nothing is written
}


def _ingest_imports(path) -> set[str]:
    """The pipeline/ingest modules a file imports, anywhere in it (an import inside a function counts)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name.split(".")[2] for name in names if name.startswith("pipeline.ingest."))
    return found


def test_each_ingest_module_keeps_its_job():
    folder = ROOT / "pipeline" / "ingest"
    modules = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    assert set(_INGEST_MUST_NOT_IMPORT) | {"load", "chunked"} == modules  # a new module gets its rule here
    imports = {name: _ingest_imports(folder / f"{name}.py") & modules for name in modules}
    crossings = {name: sorted(imports[name] & banned) for name, banned in _INGEST_MUST_NOT_IMPORT.items()}
    assert {name: found for name, found in crossings.items() if found} == {}
    # merging is reached through load.py alone, and load.py hands the reading and the rules to the others
    assert sorted(name for name, found in imports.items() if "merge" in found) == ["load"]
    assert {"read", "validate", "merge"} <= imports["load"]
    assert imports["chunked"] >= {"load", "validate"} and "merge" not in imports["chunked"]


def test_the_ingest_import_rule_sees_lazy_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from pipeline.ingest import clean, merge\n"
        "def late():\n"
        "    from pipeline.ingest.load import import_file\n"
        "    import pipeline.ingest.validate\n",
        encoding="utf-8",
    )
    assert _ingest_imports(sample) >= {"clean", "merge", "load", "validate"}


# A transaction written by hand: a statement that begins, commits or rolls back, or DuckDB's own methods.
_HAND_TRANSACTION = (
    re.compile(r"""\.(execute|sql)\(\s*f?["']\s*(begin|start\s+transaction|commit|rollback|abort|end)\b""", re.I),
    re.compile(r"\.(begin|commit|rollback)\(\s*\)"),
)
_HAND_TRANSACTION_SQL = re.compile(r"^\s*(begin|start\s+transaction|commit|rollback|abort)\b[^;]*;", re.I | re.M)


def test_only_db_writes_a_transaction_by_hand():
    """Every transaction of the pipeline goes through db.transaction(), which ends it the same way everywhere."""
    written = {}
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = [match.group(0) for pattern in _HAND_TRANSACTION for match in pattern.finditer(text)]
        if found:
            written[path.relative_to(ROOT).as_posix()] = found
    for path in sorted((ROOT / "pipeline" / "sql").rglob("*.sql")):
        found = [match.group(0) for match in _HAND_TRANSACTION_SQL.finditer(path.read_text(encoding="utf-8"))]
        if found:
            written[path.relative_to(ROOT).as_posix()] = found
    assert set(written) == {"pipeline/db.py"}, written  # db.py is where transaction() writes them
    samples = ('con.execute("begin transaction")', "con.execute('COMMIT')", "cursor.rollback()", 'con.sql("begin")')
    assert all(any(p.search(sample) for p in _HAND_TRANSACTION) for sample in samples)
    assert _HAND_TRANSACTION_SQL.search("insert into t values (1);\nCOMMIT;\n")
