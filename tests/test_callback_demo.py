"""The demo city has callbacks for a realistic share of its pairs and a few doubtful cadres (SPEC §8), from its seed."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import db, demo, periods, queries
from pipeline.callbacks import doubtful, sample

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    counts = demo.build(path, "city", seed=11, today=TODAY, size=2_000)
    assert counts["rejected"] == 0, counts["errors"]
    con = db.connect(path)
    yield con
    con.close()


def test_a_few_per_cent_of_the_pairs_are_called_back_each_quarter(built):
    row = queries.metrics(built, "2026Q3", "overall", today=TODAY).iloc[0]
    assert 0.025 * row["paired"] <= row["callbacks"] <= 0.06 * row["paired"]
    assert 0.75 <= row["callback_reach_rate"] <= 0.92
    assert 0.85 <= row["callback_truth_rate"] < 1.0 and 0.8 <= row["callback_know_rate"] < 1.0


def test_a_few_cadres_are_doubtful_for_a_reason(built):
    found = doubtful.find(built, periods.parse_period("2026Q4", TODAY))
    kinds = set(found["rule"])
    assert {"每月同一天联系全部对象", "常有联系却不认识干部", "一天入户多个乡镇"} <= kinds
    everything = doubtful.find(built)
    assert {"期末后集中补录", "退出后仍有联系"} <= set(everything["rule"])
    cadres = everything[["department", "cadre_name", "cadre_phone"]].drop_duplicates()
    pairs = built.execute("select count(distinct cadre_phone) from pairing").fetchall()[0][0]
    assert 3 <= len(cadres) <= 0.02 * pairs  # a realistic share: a few, not many


def test_a_sample_waits_for_the_callers(built):
    (waiting,) = sample.list_samples(built)
    assert waiting.prefer_doubtful and waiting.seed == 11 and waiting.people >= waiting.departments


def test_the_same_seed_gives_the_same_callbacks():
    first = demo.build_frames("city", seed=5, today=TODAY, size=600)
    second = demo.build_frames("city", seed=5, today=TODAY, size=600)
    assert first["callback"].equals(second["callback"])
    assert first["visits"].attrs["late_from"] == second["visits"].attrs["late_from"]
