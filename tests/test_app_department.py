"""The 单位 page: the ranking equals the pipeline's, departments behind say why, department → cadre → his work."""

from __future__ import annotations

import json

import pytest

from app_ui import escape
from pipeline import catalog, db, labels, queries, settings
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY
from tests.drill_helpers import (
    FULL_ID,
    FULL_PHONE,
    open_page,
    pick,
    rendered_text,
    rerun,
    select_row,
    shown_text,
    table,
    table_with,
)
from tests.test_metrics_edges import Ledger

WORST_FIRST = "department_table_worst_0"


@pytest.fixture
def example_db(read_only_example_db):
    return read_only_example_db


@pytest.fixture
def one_behind(tmp_path, monkeypatch):
    """甲局 keeps in touch every month and solves its issue; 乙局 never calls: only 乙局 is behind."""
    book = Ledger(tmp_path / "behind.duckdb")
    good = book.person()
    book.pair(good, "13800000001", "甲局")
    for day in ("2026-07-05", "2026-08-05", "2026-09-05"):
        book.contact(good, day, "入户走访", "满意")
    book.issue(good, "2026-07-01", "已解决", "2026-07-10", "满意")
    poor = book.person()
    book.pair(poor, "13800000002", "乙局")
    book.con.close()
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "behind.duckdb"))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    return tmp_path / "behind.duckdb"


def test_ranking_shows_the_pipeline_figures_worst_first(example_db):
    at = open_page("department")
    shown = table(at, WORST_FIRST)
    with db.session(example_db, read_only=True) as con:
        expected = queries.metrics(con, "2026Q3", "department", today=EXAMPLE_TODAY)
    expected = expected[expected["department"] != labels.UNPAIRED_LABEL].sort_values("score")
    assert shown["department"].tolist() == expected["department"].tolist()
    for column in ("score", "paired", *catalog.shown_in("ranking"), "overdue_contact", "issues_overdue"):
        assert shown[column].tolist() == pytest.approx(expected[column].tolist(), nan_ok=True), column
    # expected_2026Q3_department.csv: 市卫健委 44.97 is the lowest score, 市残联 53.29 the highest
    assert (shown["department"].iloc[0], shown["rank"].iloc[0]) == ("市卫健委", 6)
    assert (shown["department"].iloc[-1], shown["rank"].iloc[-1]) == ("市残联", 1)
    texts = shown_text(at, WORST_FIRST).set_index("department")
    assert texts.loc["市教育局", "contact_rate"] == "81.8%"
    assert labels.DEPARTMENT_UNPAIRED_NOTE.format(count=4) in [c.value for c in at.caption]


def test_departments_behind_say_why(example_db):
    at = open_page("department")
    shown = table(at, WORST_FIRST).set_index("department")
    # every example department scores below 75; 市教育局: on_standard 0.0909, home_visit 0.4545,
    # satisfaction 0.6154, resolution 0.7143 are red, contact_rate 0.8182 is amber and pairing_rate 1.0 green
    assert set(shown["is_behind"]) == {labels.BEHIND_FLAG}
    assert set(shown["score_band"]) == {"红灯"}
    assert shown.loc["市教育局", "behind_reason"] == (
        "联系达标率9.1%，低于75%；入户覆盖率45.5%，低于75%；群众满意率61.5%，低于75%；问题解决率71.4%，低于75%"
    )
    assert [w.value for w in at.warning] == [
        labels.DEPARTMENT_SUMMARY.format(total=6, behind=6, threshold="75", rate="75%")
    ]


def test_only_the_department_behind_is_flagged(one_behind):
    at = open_page("department")
    shown = table(at, WORST_FIRST)
    assert shown["department"].tolist() == ["乙局", "甲局"]
    assert shown["is_behind"].tolist() == [labels.BEHIND_FLAG, ""]
    assert shown["behind_reason"].tolist()[1] == ""
    assert shown["score"].tolist()[1] == pytest.approx(100.0)
    at.toggle(key="department_only_behind").set_value(True)
    assert table(rerun(at), "department_table_worst_1")["department"].tolist() == ["乙局"]
    at.button_group(key="department_order").set_value("best")
    at.toggle(key="department_only_behind").set_value(False)
    assert table(rerun(at), "department_table_best_0")["department"].tolist() == ["甲局", "乙局"]


def test_behind_reason_follows_the_bands_in_force():
    row = {"contact_rate": 0.61, "on_standard_rate": 0.5, "resolution_rate": None, "satisfaction_rate": 0.95}
    assert queries.behind_reason(row) == "联系达标率50.0%，低于75%；联系覆盖率61.0%，低于75%"
    stricter = settings.Settings(30, settings.DEFAULT_SETTINGS.weights, rag_green=0.98, rag_amber=0.96)
    assert queries.behind_reason(row, stricter).endswith("群众满意率95.0%，低于96%")


def test_selecting_a_department_lists_its_cadres(example_db):
    at = open_page("department")
    assert labels.DEPARTMENT_PICK_HINT in [i.value for i in at.info]
    departments = table(at, WORST_FIRST)["department"].tolist()
    select_row(at, WORST_FIRST, departments.index("市教育局"))
    assert at.selectbox(key="department_pick").value == "市教育局"
    cadres = table(at, "cadre_table_市教育局")
    with db.session(example_db, read_only=True) as con:
        expected = queries.metrics(con, "2026Q3", "cadre", today=EXAMPLE_TODAY)
    expected = expected[expected["department"] == "市教育局"].set_index(["cadre", "cadre_phone_masked"])
    shown = cadres.set_index(["cadre", "cadre_phone_masked"])
    assert sorted(shown.index) == sorted(expected.index)
    assert len(shown) == 7
    for column in (
        "paired",
        "contacts",
        "contacted",
        "home_visited",
        "on_standard_rate",
        "overdue_contact",
        "issues_overdue",
    ):
        assert shown[column].to_dict() == pytest.approx(expected.loc[shown.index, column].to_dict()), column
    # most overdue first: the cadres a reminder goes to lead the list
    assert cadres["overdue_contact"].tolist() == sorted(cadres["overdue_contact"], reverse=True)
    assert labels.DEPARTMENT_BEHIND_DETAIL.split("：")[0].format(department="市教育局") in at.error[0].value


def test_selecting_a_cadre_shows_his_contacts_and_issues(example_db):
    at = pick(open_page("department"), "department_pick", "市教育局")
    cadres = table(at, "cadre_table_市教育局")
    row = cadres.index[cadres["cadre"] == "郭斌"][0]
    select_row(at, "cadre_table_市教育局", int(row))
    phone = cadres.loc[row, "cadre_phone_masked"]
    assert at.selectbox(key="cadre_pick").value == f"郭斌（{phone}）"
    key = ("市教育局", "郭斌", phone)
    with db.session(example_db, read_only=True) as con:
        contacts = queries.drill_rows(con, "2026Q3", "cadre", key, "contacts", today=EXAMPLE_TODAY)
        issues = queries.drill_rows(con, "2026Q3", "cadre", key, "issues_total", today=EXAMPLE_TODAY)
        pairs = queries.pair_rows(con, "2026Q3", "cadre", key, today=EXAMPLE_TODAY)
    assert len(contacts) == 9 and len(issues) >= 1  # the cadre's row: 9 contacts, an open issue
    shown_contacts = table_with(at, "contact_date", "method")
    assert sorted(zip(shown_contacts["contact_date"].astype(str), shown_contacts["method"], strict=True)) == sorted(
        zip(contacts["contact_date"].dt.date.astype(str), contacts["method"], strict=True)
    )
    assert sorted(table_with(at, "issue_no", "status")["issue_no"]) == sorted(issues["issue_no"])
    assert sorted(table_with(at, "id_number", "open_issues")["id_number"]) == sorted(pairs["id_number"])
    timeline = json.loads(at.get("plotly_chart")[-1].proto.spec)
    points = [(x[:10], trace["name"]) for trace in timeline["data"] for x in trace["x"]]
    assert sorted(points) == sorted(zip(contacts["contact_date"].dt.date.astype(str), contacts["method"], strict=True))
    assert {trace["name"] for trace in timeline["data"]} <= set(labels.CONTACT_METHODS)


def test_a_cadre_without_contacts_or_issues_is_explained(example_db):
    at = pick(open_page("department"), "department_pick", "市教育局")
    cadres = table(at, "cadre_table_市教育局")
    quiet = cadres[(cadres["contacts"] == 0) & (cadres["open_issues"] == 0)].iloc[0]
    choice = labels.CADRE_OPTION.format(name=quiet["cadre"], phone=quiet["cadre_phone_masked"])
    at = pick(at, "cadre_pick", choice)
    infos = [i.value for i in at.info]
    assert labels.CADRE_TIMELINE_EMPTY.format(cadre=escape.md(choice)) in infos  # the masked phone's * as text
    assert not [c for c in at.get("plotly_chart") if "contact_date" in c.proto.spec or "入户走访" in c.proto.spec]


def test_a_filter_that_leaves_nobody_is_explained(example_db):
    with db.session(example_db, read_only=True) as con:
        empty = queries.metrics(con, "2026Q3", "overall", Scope("临河区", "东川县民政局"), today=EXAMPLE_TODAY)
    assert empty["beneficiaries"].tolist() == [0]
    at = open_page("department", county="临河区", department="东川县民政局")
    assert [i.value for i in at.info] == [labels.STATUS_NO_ROWS]
    assert not at.dataframe


def test_the_department_filter_gives_that_departments_own_view(example_db):
    at = open_page("department", department="市教育局")
    # one department: no one-row ranking and no "1个单位中有…" verdict, its place among all departments instead
    assert not [f.key for f in at.dataframe if f.key and f.key.startswith("department_table")]
    assert not any("个单位中有" in str(w.value) for w in at.warning)
    assert any("在全市" in m.value and "个单位中排第" in m.value for m in at.markdown)
    assert at.subheader[0].value == labels.TODO_HEADER  # what it must do comes first
    assert len(table(at, "cadre_table_市教育局")) == 7


def test_no_full_id_number_or_phone_is_rendered(example_db):
    at = pick(open_page("department"), "department_pick", "市教育局")
    cadres = table(at, "cadre_table_市教育局")
    at = pick(
        at,
        "cadre_pick",
        labels.CADRE_OPTION.format(name="郭斌", phone=cadres.set_index("cadre").loc["郭斌", "cadre_phone_masked"]),
    )
    text = rendered_text(at)
    with db.session(example_db, read_only=True) as con:
        ids, phones = zip(*con.execute("select id_number, cadre_phone from pairing").fetchall(), strict=True)
    # the check can fail: the cadres' phones and the pairs' IDs are on the page, masked
    assert any(p[:3] + "****" + p[-4:] in text for p in phones)
    assert any(i[:6] + "********" + i[-4:] in text for i in ids)
    assert FULL_ID.search(text) is None
    assert FULL_PHONE.search(text) is None


def test_cadre_rows_add_up_the_pairs_of_each_cadre(tmp_path):
    book = Ledger(tmp_path / "cadres.duckdb")
    for day in ("2026-01-15", "2026-09-10"):
        person = book.person()
        book.pair(person, "13800000001", "甲局", "2025-01-01")
        book.contact(person, day)
    book.issue(person, "2026-07-01")
    other = book.person()
    book.pair(other, "13800000002", "乙局", "2025-01-01")
    rows = queries.cadre_rows(book.con, "2026Q3", "甲局", today=EXAMPLE_TODAY)
    book.con.close()
    assert rows["cadre_phone_masked"].tolist() == ["138****0001"]
    row = rows.iloc[0]
    assert (row["paired"], row["contacts"], row["contacted"], row["overdue_contact"]) == (2, 1, 1, 1)
    assert (row["open_issues"], row["issues_overdue"]) == (1, 1)
    assert str(row["last_contact_on"])[:10] == "2026-09-10"
    assert "cadre_phone" not in rows.columns  # only the masked phone leaves the query
