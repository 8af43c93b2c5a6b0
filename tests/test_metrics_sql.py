"""The SQL models: layout and header comments, dependencies, bound parameters only."""

from __future__ import annotations

import re

import pytest

from pipeline import db, queries
from pipeline.queries import Scope

MODEL_FILES = sorted(
    path for layer in ("staging", "intermediate", "marts") for path in (db.SQL_DIR / layer).glob("*.sql")
)


def test_there_are_models_in_every_layer():
    layers = {path.parent.name for path in MODEL_FILES}
    assert layers == {"staging", "intermediate", "marts"}


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_model_says_what_one_row_means(path):
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("-- One row per "), first_line
    prefix = {"staging": "stg_", "intermediate": "int_", "marts": "mart_"}[path.parent.name]
    assert path.stem.startswith(prefix)


@pytest.mark.parametrize("path", [p for p in MODEL_FILES if p.parent.name == "staging"], ids=lambda p: p.name)
def test_staging_only_renames_and_casts(path):
    text = re.sub(r"--.*", "", path.read_text(encoding="utf-8")).lower()
    assert " join " not in text and "group by" not in text


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_models_hold_no_python_placeholders(path):
    text = path.read_text(encoding="utf-8")
    assert "{" not in text and "%s" not in text


def test_every_parameter_a_model_uses_is_supplied():
    from pipeline import periods, settings

    quarter = periods.parse_period("2026Q3", "2026-11-28")
    supplied = set(queries._base_parameters([quarter], Scope.all(), settings.DEFAULT_SETTINGS))
    supplied.add("groupings")
    for path in MODEL_FILES:
        used = set(re.findall(r"\$([a-z_][a-z0-9_]*)", path.read_text(encoding="utf-8")))
        # a model of one day takes that day from its caller (quality checks, person search, 报送情况)
        given = supplied | {"as_of"} if path.stem in queries.DAY_MODELS else supplied
        # a reminder mart also takes the day its follow-up ends (and nothing else) from its caller
        given = given | queries.CALLER_PARAMETERS.get(path.stem, frozenset())
        assert used <= given, (path.name, used - given)
    for name, taken in queries.CALLER_PARAMETERS.items():  # each one declared is really used by its mart
        text = (db.SQL_DIR / "marts" / f"{name}.sql").read_text(encoding="utf-8")
        assert taken <= set(re.findall(r"\$([a-z_][a-z0-9_]*)", text)), name


def test_no_mart_reads_a_model_of_one_day():
    for path in MODEL_FILES:
        if path.parent.name == "marts":
            assert not set(queries.model_chain(path.stem)) & queries.DAY_MODELS, path.name


@pytest.mark.parametrize("mart", [p.stem for p in MODEL_FILES if p.parent.name == "marts"])
def test_composition_puts_every_model_after_what_it_reads(mart):
    chain = queries.model_chain(mart)
    assert chain[-1] == mart
    assert len(set(chain)) == len(chain)
    for position, name in enumerate(chain):
        assert set(queries.dependencies(name)) <= set(chain[:position]), name
    # the staging models, and they alone, are inlined where read (a model may inline CTEs of its own)
    composed = queries.compose(mart)
    inlined = {name for name in chain if re.search(rf"(?:^with |,\n){name} as not materialized \(\n", composed)}
    assert inlined == {name for name in chain if name.startswith("stg_")}
    assert not {name for name in chain if re.search(rf"(?:^with |,\n){name} as \(\n", composed)} & inlined


def test_staging_reads_only_stored_tables():
    for path in MODEL_FILES:
        if path.parent.name == "staging":
            assert queries.dependencies(path.stem) == []


def test_scope_text_is_bound_not_spliced(tmp_path):
    con = db.connect(tmp_path / "bound.duckdb")
    hostile = "甲县' or 1=1; drop table beneficiary; --"
    frame = queries.metrics(con, "2026Q3", "overall", Scope.for_county(hostile), today="2026-11-28")
    assert frame["beneficiaries"].tolist() == [0]
    assert con.execute("select count(*) from beneficiary").fetchall() == [(0,)]
    con.close()
