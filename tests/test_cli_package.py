"""The command line as a package: one parser, help texts from labels, and a start that loads no engine."""

from __future__ import annotations

import argparse
import re
import string
import subprocess
import sys

import pytest

from pipeline import labels
from pipeline.cli import build_parser, parser
from tests.conftest import EXAMPLE_TODAY, ROOT

# What the parser must never load: the data stack, the workbooks and the charts.
HEAVY = ("pandas", "duckdb", "numpy", "pyarrow", "openpyxl", "plotly")
CJK = re.compile(r"[\u3400-\u9fff]")


def _parsers(root: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every parser of the tree with the words that lead to it."""
    yield path, root
    for action in root._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _texts(root: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(where, text) of every description, help text and metavar of the tree (argparse's own -h left out)."""
    found = []
    for path, sub in _parsers(root):
        where = " ".join(path) or "python -m pipeline"
        found.append((f"{where}: description", sub.description))
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            name = "/".join(action.option_strings) or action.dest
            found.append((f"{where} {name}: help", action.help))
            metavars = action.metavar if isinstance(action.metavar, tuple) else (action.metavar,)
            found += [(f"{where} {name}: metavar", metavar) for metavar in metavars]
            if isinstance(action, argparse._SubParsersAction):
                found += [(f"{where} {choice.dest}: help", choice.help) for choice in action._choices_actions]
    return [(where, text) for where, text in found if text is not None]


def _label_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _label_strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _label_strings(item)]
    return []


def _labels() -> tuple[set[str], list[re.Pattern]]:
    """The strings of labels, and its templates ("分组：{allowed}") as patterns whose fields match any text."""
    texts = {text for name, value in vars(labels).items() if name.isupper() for text in _label_strings(value)}
    templates = []
    for text in texts:
        parts = list(string.Formatter().parse(text))
        literal = "".join(part[0] for part in parts)
        if any(field is not None for _, field, _, _ in parts) and CJK.search(literal):
            pattern = "".join(re.escape(text) + ("(.+)" if field is not None else "") for text, field, _, _ in parts)
            templates.append(re.compile(pattern, re.DOTALL))
    return texts, templates


def _from_labels(text: str, texts: set[str], templates: list[re.Pattern]) -> bool:
    return text in texts or any(template.fullmatch(text) for template in templates)


def test_every_help_text_of_the_parser_comes_from_labels():
    texts, templates = _labels()
    found = _texts(build_parser())
    helps = [text for where, text in found if where.endswith(": help")]
    assert len(helps) > 150  # the walk reached the actions of every command
    checked = [(where, text) for where, text in found if not where.endswith(": metavar") or CJK.search(text)]
    inline = [f"{where} = {text!r}" for where, text in checked if not _from_labels(text, texts, templates)]
    assert inline == []
    # the check itself: a text written in the parser is caught, a filled-in template of labels is not
    assert not _from_labels("生成示范城市数据（新）", texts, templates)
    assert not _from_labels("数据库文件（默认：data/other.duckdb）", texts, templates)
    assert _from_labels(labels.HELP_GROUPING.format(allowed="county"), texts, templates)


def test_db_and_today_are_declared_once_and_offered_by_every_command():
    tree = list(_parsers(build_parser()))
    leaves = {
        " ".join(path): {option for action in sub._actions for option in action.option_strings}
        for path, sub in tree
        if path and not any(isinstance(action, argparse._SubParsersAction) for action in sub._actions)
    }
    assert {"demo", "import", "metrics", "report", "snapshot list", "user add", "supervise open"} <= set(leaves)
    assert [name for name, options in leaves.items() if not {"--db", "--today"} <= options] == []
    for option in ("--db", "--today"):
        actions = {id(action) for _, sub in tree for action in sub._actions if option in action.option_strings}
        assert len(actions) == 1, option  # one action, shared by every command through its parent parser


def test_the_values_the_parser_names_are_the_engines():
    from pipeline import quality, queries
    from pipeline.callbacks import sample

    assert parser.GROUPINGS == queries.GROUPINGS
    assert parser.QUALITY_CHECKS == quality.CHECKS
    assert parser.DOUBT_WEIGHT == sample.DOUBT_WEIGHT


def test_the_cells_of_a_csv_are_neutralised_as_a_workbooks_are():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from pipeline import cells, export

    assert cells.ILLEGAL_CHARACTERS_RE.pattern == ILLEGAL_CHARACTERS_RE.pattern
    assert export.neutralize is cells.neutralize
    assert cells.neutralize("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cells.neutralize("张\x07三") == "张三" and cells.neutralize(12) == 12


def test_the_old_command_line_modules_are_gone():
    assert not (ROOT / "pipeline" / "cli.py").exists()
    assert sorted(path.name for path in (ROOT / "pipeline").glob("*cli*.py")) == []


def _imported(*argv: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `python -X importtime -m pipeline …`; the result and the top-level packages it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipeline", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return result, modules


@pytest.mark.parametrize(
    ("argv", "code"),
    [(["--help"], 0), (["metrics", "--help"], 0), (["supervise", "open", "--help"], 0), (["metrics"], 2)],
)
def test_help_and_wrong_arguments_load_no_engine(argv, code):
    result, modules = _imported(*argv)
    assert result.returncode == code, result.stderr[-2000:]
    assert "pipeline.cli.parser" in modules  # importtime did list the imports
    assert sorted(name for name in modules if name.split(".")[0] in HEAVY) == []
    # of the project: the parser, the labels (and the catalog they read), and main()'s file permissions
    light = {"pipeline", "pipeline.cli", "pipeline.cli.parser", "pipeline.labels", "pipeline.catalog"}
    light |= {"pipeline.safe_files", "pipeline.config"}
    assert sorted(name for name in modules if name.split(".")[0] == "pipeline" and name not in light) == []


def test_metrics_of_a_stored_quarter_loads_no_report_workbook_or_import_code(module_example_path):
    result, modules = _imported(
        "metrics",
        "--db",
        str(module_example_path),
        "--today",
        EXAMPLE_TODAY.isoformat(),
        "--period",
        "2026Q3",
        "--by",
        "county",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines()[0].startswith("\ufeffcounty,beneficiaries,")
    assert {"pandas", "duckdb", "pipeline.queries", "pipeline.cli.common"} <= modules  # the figures need these
    unneeded = ("openpyxl", "plotly", "pipeline.report", "pipeline.export", "pipeline.ingest", "pipeline.cli.report")
    assert sorted(name for name in modules if name.startswith(unneeded)) == []
