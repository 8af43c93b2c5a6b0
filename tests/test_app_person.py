"""The 一人一档 page: search within the user's scope, open a person's file, full numbers only with the permission."""

from __future__ import annotations

import re

from app_ui import escape, filters, person_view
from pipeline import cadre, db, labels, masking
from tests.conftest import EXAMPLE_TODAY, ROOT, app_test
from tests.drill_helpers import FULL_PHONE, open_page, pick, rendered_text, table
from tests.test_quality import NAMES, P, build_quality_db

PAGE = ROOT / "app_pages" / "person.py"
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")


def _texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.text] + [e.value for e in at.caption]
    parts += [e.value for e in at.subheader]
    parts += [str(e.value) for e in at.info] + [str(e.value) for e in at.warning] + [e.value for e in at.title]
    return "\n".join(str(p) for p in parts)


def test_a_name_opens_the_only_person_it_finds(read_only_example_db):
    at = app_test(PAGE)
    at.run()
    at.text_input(key="person_page_text").set_value("马杰").run()
    assert not at.exception
    shown = _texts(at)
    assert "马杰（困难重度残疾人）" in shown
    assert "620122********0518" in shown and not FULL_ID.search(shown)
    assert "本轮连续结对自2025-08-01起" in shown
    frames = [frame.value for frame in at.dataframe]
    pairings = next(f for f in frames if "paired_on" in f.columns and "cadre_level" in f.columns)
    assert pairings["cadre_name"].tolist() == ["周超英", "朱明"]


def test_a_county_user_does_not_find_another_countys_person(read_only_example_db):
    at = app_test(PAGE, user="县区测试")  # 东川县; 马杰 lives in 西坪县
    at.run()
    at.text_input(key="person_page_text").set_value("马杰").run()
    assert not at.exception
    assert "没有找到" in _texts(at)
    assert "马杰（" not in _texts(at)


def test_a_full_id_is_looked_up_only_for_users_who_may_see_it(read_only_example_db):
    plain = app_test(PAGE)
    plain.run()
    plain.text_input(key="person_page_text").set_value("620122197811200518").run()
    assert "没有找到" in _texts(plain)
    allowed = app_test(PAGE, user="市级可查看")
    allowed.run()
    allowed.text_input(key="person_page_text").set_value("620122197811200518").run()
    assert "马杰（困难重度残疾人）" in _texts(allowed)


# ---------------------------------------------------------------- a cadre's file, and the links that open files


def _open_row(at, key: str, row: int):
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_cadre_is_searched_picked_and_his_file_shows_his_pairs_and_rank(read_only_example_db):
    at = app_test(PAGE)
    at.run()
    at.text_input(key="person_page_text").set_value("朱明").run()
    cadres = table(at, "person_cadres")
    assert cadres[["cadre_name", "cadre_phone", "department"]].values.tolist() == [
        ["朱明", "134****4623", "西坪县人社局"]
    ]
    _open_row(at, "person_cadres", 0)
    shown = _texts(at)
    assert "干部档案：朱明" in shown
    assert "目前结对3人" in shown
    pairs = table(at, "cadre_file_pairs")
    assert "620122********0518" in pairs["id_number"].tolist()
    assert pairs["is_current"].tolist()[:3] == [True, True, True]
    # his place among 西坪县人社局's cadres, as the pipeline works it out for the page's period
    period = at.session_state[filters.VIEW_KEY].period
    with db.session(read_only_example_db) as con:
        standing = cadre.cadre_file(con, "13410134623", period, today=EXAMPLE_TODAY).standing
    overdue = standing.set_index("figure").loc["overdue_contact"]
    sentence = labels.CADRE_STANDING_RANK.format(
        figure=labels.METRIC_LABELS["overdue_contact"],
        value=int(overdue["value"]),
        department="西坪县人社局",
        total=overdue["ranked"],
        rank=overdue["rank"],
    )
    assert sentence in shown
    assert not FULL_PHONE.search(rendered_text(at)) and not FULL_ID.search(rendered_text(at))
    # a pair opens the person's file, and his pairings open a cadre's file again
    _open_row(at, "cadre_file_pairs", pairs["id_number"].tolist().index("620122********0518"))
    assert "马杰（困难重度残疾人）" in _texts(at)
    pairings = table(at, "person_pairings")
    _open_row(at, "person_pairings", pairings["cadre_name"].tolist().index("朱明"))
    assert "干部档案：朱明" in _texts(at)


def test_a_department_user_cannot_open_another_departments_cadre(read_only_example_db):
    at = app_test(PAGE, user="单位测试")  # 市教育局
    at.run()
    at.session_state[person_view.CADRE_KEY] = masking.phone_key("13410134623")  # 西坪县人社局's 朱明
    at.run()
    assert not at.exception
    assert labels.CADRE_NOT_IN_SCOPE in _texts(at)
    assert "干部档案" not in _texts(at)


def test_from_the_quality_page_a_person_and_a_cadre_open_their_files(tmp_path, monkeypatch):
    build_quality_db(tmp_path, "app.duckdb").close()
    monkeypatch.setenv("GUANAI_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    at = app_test()
    at.run()
    at.switch_page("app_pages/quality.py")
    at.run()
    never = table(at, "quality_never_contacted")
    assert never["身份证号"].tolist()[0] == masking.mask_id(P[5])
    _open_row(at, "quality_never_contacted", 0)
    assert f"{NAMES[5]}（孤儿）" in _texts(at)  # his 一人一档, on the 一人一档 page
    assert at.session_state[person_view.PERSON_KEY] == P[5]
    at.switch_page("app_pages/quality.py")
    at.session_state["quality_part"] = labels.QUALITY_CHECK_TITLES["busy_cadres"]  # only the open tab runs
    at.run()
    busy = table(at, "quality_busy_cadres")
    _open_row(at, "quality_busy_cadres", busy["结对干部"].tolist().index("黄静"))
    assert "干部档案：黄静" in _texts(at)
    assert len(table(at, "cadre_file_pairs")) == 6


def test_the_department_page_opens_the_chosen_cadres_file(read_only_example_db):
    at = open_page("department", "2026Q3")
    at = pick(at, "department_pick", "西坪县人社局")
    option = next(o for o in at.selectbox(key="cadre_pick").options if o.startswith("朱明"))
    at = pick(at, "cadre_pick", option)
    at.button(key="department_cadre_file").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "干部档案：朱明" in _texts(at)


def test_a_doubt_on_the_quality_page_opens_the_cadres_and_the_persons_file(read_only_example_db):
    """The example's 李华 left the programme on 2026-08-31, yet a visit on 11-18 is recorded: a 疑点 of 朱明's."""
    at = app_test()
    at.run()
    at.switch_page("app_pages/quality.py")
    at.session_state["quality_part"] = labels.QUALITY_DOUBT_TAB  # only the open tab runs
    at.run()
    doubts = table(at, "quality_doubtful")
    row = doubts["结对干部"].tolist().index("朱明")
    _open_row(at, "quality_doubtful", row)
    person = labels.QUALITY_OPEN_PERSON.format(id_number=escape.md("620122********0187"))
    assert [b.label for b in at.button if b.key and b.key.startswith("quality_doubt_open")] == [
        labels.QUALITY_OPEN_CADRE.format(name="朱明"),
        person,
    ]
    next(b for b in at.button if b.label == person).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "李华（事实无人抚养儿童）" in _texts(at)
    at.switch_page("app_pages/quality.py")
    at.run()
    _open_row(at, "quality_doubtful", row)
    next(b for b in at.button if b.label == labels.QUALITY_OPEN_CADRE.format(name="朱明")).click()
    at.run()
    assert "干部档案：朱明" in _texts(at)
