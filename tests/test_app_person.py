"""The 一人一档 page: search within the user's scope, open a person's file, full numbers only with the permission."""

from __future__ import annotations

import re

from tests.conftest import ROOT, app_test

PAGE = ROOT / "app_pages" / "person.py"
FULL_ID = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")


def _texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.text] + [e.value for e in at.caption]
    parts += [e.value for e in at.subheader]
    parts += [str(e.value) for e in at.info] + [str(e.value) for e in at.warning]
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
