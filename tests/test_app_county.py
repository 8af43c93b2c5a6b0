"""The 县区 page: county figures equal the pipeline's, and county → township → pairs leads to the right rows."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import db, labels, queries
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY
from tests.drill_helpers import (
    FULL_ID,
    FULL_PHONE,
    open_page,
    pick,
    rendered_text,
    select_row,
    shown_text,
    table,
    table_with,
)
from tests.test_metrics_edges import Ledger


@pytest.fixture
def example_db(read_only_example_db):
    return read_only_example_db


@pytest.fixture
def two_townships(tmp_path, monkeypatch):
    """甲县 with two townships whose pairs differ, and 乙县 beside it."""
    book = Ledger(tmp_path / "townships.duckdb")
    people = {}
    for county, township, phone, days in (
        ("甲县", "甲镇", "13800000001", ["2026-07-03", "2026-08-04", "2026-09-05"]),
        ("甲县", "甲镇", "13800000002", []),
        ("甲县", "乙镇", "13800000003", ["2026-09-20"]),
        ("乙县", "丙镇", "13800000004", ["2026-07-10"]),
    ):
        person = book.person(county=county, township=township)
        book.pair(person, phone, "甲局" if county == "甲县" else "乙局")
        for day in days:
            book.contact(person, day)
        people.setdefault((county, township), []).append(person)
    book.issue(people[("甲县", "乙镇")][0], "2026-06-01")  # still open, and overdue, on 09-30
    book.person(county="甲县", township="乙镇")  # not paired
    book.con.close()
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "townships.duckdb"))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return tmp_path / "townships.duckdb"


def test_county_table_shows_the_pipeline_figures(example_db):
    at = open_page("county")
    shown = table(at, "county_table")
    with db.session(example_db, read_only=True) as con:
        expected = queries.metrics(con, "2026Q3", "county", today=EXAMPLE_TODAY)
    # best 综合得分 first, as the departments are ranked
    expected = expected.sort_values("score", ascending=False, na_position="last", kind="stable")
    assert shown["county"].tolist() == expected["county"].tolist()
    for column in queries.METRIC_COLUMNS:
        assert shown[column].tolist() == pytest.approx(expected[column].tolist(), nan_ok=True), column
    texts = shown_text(at, "county_table").set_index("county")
    # expected_2026Q3_county.csv, 东川县: contact_rate 0.55, pairing_rate 0.9524, score 45.881 (red band)
    assert texts.loc["东川县", "contact_rate"] == "55.0%"
    assert texts.loc["东川县", "pairing_rate"] == "95.2%"
    assert texts.loc["东川县", "score_band"] == "红灯"
    assert labels.COUNTY_PICK_HINT in [i.value for i in at.info]  # nothing selected yet: says what to do


def test_selecting_a_county_row_shows_its_townships(two_townships):
    at = open_page("county")
    counties = table(at, "county_table")["county"].tolist()
    assert counties == ["乙县", "甲县"]
    select_row(at, "county_table", counties.index("甲县"))
    assert at.selectbox(key="county_pick").value == "甲县"
    townships = table(at, "township_table")
    with db.session(two_townships, read_only=True) as con:
        expected = queries.metrics(con, "2026Q3", "township", Scope.for_county("甲县"), today=EXAMPLE_TODAY)
    expected = expected.sort_values("score", ascending=False, na_position="last", kind="stable")  # best first
    assert townships["township"].tolist() == expected["township"].tolist() == ["甲镇", "乙镇"]
    assert townships["beneficiaries"].tolist() == expected["beneficiaries"].tolist() == [2, 2]
    assert townships["contact_rate"].tolist() == expected["contact_rate"].tolist() == [0.5, 1.0]


def test_the_selectbox_drives_the_drill_as_well(two_townships):
    at = pick(open_page("county"), "county_pick", "乙县")
    assert table(at, "township_table")["township"].tolist() == ["丙镇"]
    # a newer row selection in the table wins over the earlier choice in the selectbox
    select_row(at, "county_table", table(at, "county_table")["county"].tolist().index("甲县"))
    assert table(at, "township_table")["township"].tolist() == ["甲镇", "乙镇"]  # best 综合得分 first


def test_a_township_lists_exactly_its_pairs(two_townships):
    at = pick(open_page("county"), "county_pick", "甲县")
    county_pairs = table_with(at, "id_number", "open_issues")
    assert len(county_pairs) == 4  # the whole county until a township is chosen
    select_row(at, "township_table", 0)  # 乙镇
    assert at.selectbox(key="township_pick").value == "乙镇"
    pairs = table_with(at, "id_number", "open_issues")
    with db.session(two_townships, read_only=True) as con:
        expected = queries.drill_rows(con, "2026Q3", "township", ("甲县", "乙镇"), "beneficiaries", today=EXAMPLE_TODAY)
    assert sorted(pairs["id_number"]) == sorted(expected["id_number"])
    assert len(pairs) == 2
    paired = pairs[pairs["cadre_name"] != labels.UNPAIRED_LABEL].iloc[0]
    assert paired["last_contact_on"].isoformat() == "2026-09-20"
    assert (paired["contacts"], paired["open_issues"], paired["issues_overdue"]) == (1, 1, 1)
    assert "*" in paired["id_number"] and "*" in paired["cadre_phone"]


def test_pair_filters_match_the_county_figures(example_db):
    at = pick(open_page("county"), "county_pick", "东川县")
    # expected_2026Q3_county.csv, 东川县: beneficiaries 21, paired 20, contacted 11, home_visited 8, overdue 11
    expected = {"all": 21, "unpaired": 1, "not_contacted": 9, "not_home_visited": 12, "overdue_contact": 11}
    for which, count in expected.items():
        pick(at, "pair_filter", which)
        assert len(table_with(at, "id_number", "open_issues")) == count, which
        assert f"共{count}人" in " ".join(c.value for c in at.caption)


def test_a_table_too_large_to_colour_is_drawn_plain(example_db):
    # pandas refuses to style more cells than styler.render.max_elements (a county of 20,000 people passes the
    # default); here the limit is lowered below the 21 pairs of 东川县, above the table of counties
    limit = 150
    pd.set_option("styler.render.max_elements", limit)
    try:
        at = pick(open_page("county"), "county_pick", "东川县")
    finally:
        pd.reset_option("styler.render.max_elements")
    assert not at.exception, at.exception
    pairs = table_with(at, "id_number", "open_issues")
    assert len(pairs) == 21 and pairs.size > limit
    assert labels.TABLE_TOO_LARGE_TO_COLOUR.format(rows=21) in [c.value for c in at.caption]
    # a smaller table keeps its colours and its 55.0%
    assert table(at, "county_table").size <= limit
    assert shown_text(at, "county_table").set_index("county").loc["东川县", "contact_rate"] == "55.0%"


def test_a_filter_that_leaves_nobody_is_explained(example_db):
    with db.session(example_db, read_only=True) as con:
        empty = queries.metrics(con, "2026Q3", "overall", Scope("临河区", "东川县民政局"), today=EXAMPLE_TODAY)
    assert empty["beneficiaries"].tolist() == [0]
    at = open_page("county", county="临河区", department="东川县民政局")
    assert [i.value for i in at.info] == [labels.STATUS_NO_ROWS]
    assert not at.dataframe


def test_a_pair_filter_without_rows_says_so(two_townships):
    at = pick(pick(open_page("county"), "county_pick", "乙县"), "pair_filter", "unpaired")
    assert at.selectbox(key="township_pick").value == "丙镇"  # a county of one township: chosen for the user
    assert labels.PAIRS_EMPTY.format(place="乙县丙镇", filter=labels.PAIR_FILTER_LABELS["unpaired"]) in [
        i.value for i in at.info
    ]


def test_no_full_id_number_or_phone_is_rendered(example_db):
    at = pick(open_page("county"), "county_pick", "东川县")
    text = rendered_text(at)
    with db.session(example_db, read_only=True) as con:
        ids, phones = zip(*con.execute("select id_number, cadre_phone from pairing").fetchall(), strict=True)
    # the check can fail: the pairs of 东川县 are on the page, masked
    masked_ids = table_with(at, "id_number", "open_issues")["id_number"]
    assert len(masked_ids) == 21 and any(i[:6] + "********" + i[-4:] in text for i in ids)
    assert FULL_ID.search(text) is None
    assert FULL_PHONE.search(text) is None
    assert not any(p in text for p in phones)


def test_pair_rows_look_back_past_the_period_for_the_last_contact(tmp_path):
    book = Ledger(tmp_path / "pairs.duckdb")
    silent = book.person()
    book.pair(silent, "13800000001", "甲局", "2025-01-01")
    book.contact(silent, "2026-01-15")  # long before the window of 2026Q3
    book.issue(silent, "2026-07-01", "已解决", "2026-10-05")  # solved after as_of: still open on 09-30
    book.issue(silent, "2026-07-01", "已解决", "2026-07-20")
    never = book.person()
    book.pair(never, "13800000002", "甲局", "2025-01-01")
    unpaired = book.person()
    book.contact(unpaired, "2026-08-01")  # a contact without a pairing: shown, not counted
    rows = queries.pair_rows(book.con, "2026Q3", "overall", None, today=EXAMPLE_TODAY).set_index("cadre_name")
    book.con.close()
    assert str(rows.loc["干部0001", "last_contact_on"])[:10] == "2026-01-15"
    assert rows.loc["干部0001", "days_since_contact"] == 258
    assert (rows.loc["干部0001", "open_issues"], rows.loc["干部0001", "issues_overdue"]) == (1, 1)
    assert pd.isna(rows.loc["干部0002", "last_contact_on"])
    assert str(rows.loc[labels.UNPAIRED_LABEL, "last_contact_on"])[:10] == "2026-08-01"
    assert rows.loc[labels.UNPAIRED_LABEL, "contacts"] == 0
    assert rows["is_overdue_contact"].tolist() == [True, True, False]
