"""一人一档 (pipeline/person.py): search by name, ID number or phone within a scope, one person's and one cadre's file.

On the example data, 2026-11-28: 马杰 (620122197811200518, 西坪县) was paired with 周超英 (东川县民政局) from
2025-08-01 and handed to 朱明 (西坪县人社局, 13410134623) on 2026-08-15; his last contact was 2026-10-25.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import db, person
from pipeline.queries import Scope
from tests.conftest import EXAMPLE_TODAY

MA_JIE = "620122197811200518"


@pytest.fixture(scope="module")
def con(module_example_path):
    connection = db.connect(module_example_path, read_only=True)
    yield connection
    connection.close()


def _search(con, text, **options):
    return person.search_people(con, text, today=EXAMPLE_TODAY, **options)


def test_a_part_of_a_name_finds_the_people_masked(con):
    found = _search(con, "马杰")
    assert found["name"].tolist() == ["马杰"]
    assert found["id_number"].tolist() == ["620122********0518"]
    assert found["cadre_name"].tolist() == ["朱明"]  # the cadre of today
    assert len(_search(con, "马")) >= 5


def test_a_masked_id_finds_the_person_for_everybody_a_full_one_only_with_the_permission(con):
    assert _search(con, "620122********0518")["name"].tolist() == ["马杰"]
    assert _search(con, MA_JIE).empty  # a full number is not looked up for a user who may not see it
    assert _search(con, MA_JIE, may_unmask=True)["name"].tolist() == ["马杰"]
    assert _search(con, "620122197811200518", may_unmask=True, masked=False)["id_number"].tolist() == [MA_JIE]


def test_cadres_are_found_by_name_or_masked_phone(con):
    found = person.search_cadres(con, "134****4623", today=EXAMPLE_TODAY)
    assert found[["cadre_name", "cadre_phone", "department"]].values.tolist() == [
        ["朱明", "134****4623", "西坪县人社局"]
    ]
    assert person.search_cadres(con, "13410134623", today=EXAMPLE_TODAY).empty
    assert not person.search_cadres(con, "13410134623", may_unmask=True, today=EXAMPLE_TODAY).empty


def test_a_search_stays_within_the_scope(con):
    assert _search(con, "马杰", scope=Scope(county="东川县")).empty
    assert _search(con, "马杰", scope=Scope(county="西坪县"))["name"].tolist() == ["马杰"]
    # a department sees the people paired with it today: not 马杰's former cadre's department
    assert _search(con, "马杰", scope=Scope(department="东川县民政局")).empty
    assert not _search(con, "马杰", scope=Scope(department="西坪县人社局")).empty


def test_text_that_is_no_name_id_or_phone_finds_nothing(con):
    for text in ("", "   ", "12345", "1**4", "620122**"):
        assert _search(con, text).empty, text


def test_one_persons_file(con):
    found = person.person_file(con, MA_JIE, today=EXAMPLE_TODAY)
    assert found.person["name"] == "马杰" and found.person["id_number"] == "620122********0518"
    assert found.pairings["cadre_name"].tolist() == ["周超英", "朱明"]
    assert found.pairings["cadre_phone"].tolist() == ["136****9190", "134****4623"]
    assert found.run_started_on == dt.date(2025, 8, 1)  # the handover did not restart the run
    assert len(found.contacts) > 0
    assert found.contacts["contact_date"].is_monotonic_decreasing
    # on 11-28 his last contact (10-25) is 34 days old: on the 督办 list, and in the reminder
    assert len(found.overdue_contact) == 1
    assert found.reminder_texts == [
        "困难重度残疾人马*（西坪县西坪街道）已超过30天未联系（最近联系：2026-10-25，已超期4天），请尽快联系。"
    ]


def test_a_file_outside_the_scope_is_not_given(con):
    assert person.person_file(con, MA_JIE, Scope(county="东川县"), today=EXAMPLE_TODAY) is None
    assert person.person_file(con, "110101199003070000", today=EXAMPLE_TODAY) is None


def test_one_cadres_file_with_his_rank(con):
    found = person.cadre_file(con, "西坪县人社局", "朱明", "134****4623", "2026-11", today=EXAMPLE_TODAY)
    searched = person.search_cadres(con, "朱明", today=EXAMPLE_TODAY)
    assert searched["pairs"].tolist() == [len(found.pairs)] == [3]
    assert 1 <= found.rank <= found.cadres_in_department
    assert found.cadre["cadre"] == "朱明"
    assert set(found.pairs["id_number"]) >= {"620122********0518"}


def test_the_state_history_of_an_issue(tmp_path):
    """A ledger sent twice, the issue closed in the second: the file shows both states and who sent them."""
    from pipeline.ingest.load import import_file

    roster = tmp_path / "结对台账.csv"
    roster.write_text(
        "身份证号,姓名,对象类别,县区,乡镇,结对干部,干部电话,干部单位,结对日期\n"
        f"{MA_JIE},马杰,困难重度残疾人,西坪县,西坪街道,朱明,13410134623,西坪县人社局,2026-01-01\n",
        encoding="utf-8",
    )
    header = "问题编号,身份证号,提出日期,问题类别,问题描述,办理状态,办结日期\n"
    first, second = tmp_path / "问题台账10月.csv", tmp_path / "问题台账11月.csv"
    first.write_text(header + f"W1,{MA_JIE},2026-10-02,住房,房屋漏雨,办理中,\n", encoding="utf-8")
    second.write_text(header + f"W1,{MA_JIE},2026-10-02,住房,房屋漏雨,已解决,2026-11-10\n", encoding="utf-8")
    with db.session(tmp_path / "h.duckdb") as con:
        assert import_file(con, roster, today=EXAMPLE_TODAY).rejected == 0
        assert import_file(con, first, today=EXAMPLE_TODAY, user="县办").rejected == 0
        assert import_file(con, second, today=EXAMPLE_TODAY, user="市办").rejected == 0
        found = person.person_file(con, MA_JIE, today=EXAMPLE_TODAY)
    history = found.issue_history
    assert history["status"].tolist() == ["办理中", "已解决"]
    assert history["imported_by"].tolist() == ["县办", "市办"]
    assert history["file_name"].tolist() == ["问题台账10月.csv", "问题台账11月.csv"]
