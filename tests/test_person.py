"""一人一档 (pipeline/person.py): search by name, ID number or phone within a scope, one person's and one cadre's file.

On the example data, 2026-11-28: 马杰 (620122197811200518, 西坪县) was paired with 周超英 (东川县民政局) from
2025-08-01 and handed to 朱明 (西坪县人社局, 13410134623) on 2026-08-15; his last contact was 2026-10-25.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline import access, cadre, db, idnumber, masking, person
from pipeline.queries import ALL, Scope
from pipeline.supervision import items
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


def test_the_cadre_a_person_search_finds_opens_his_file(con):
    searched = person.search_cadres(con, "朱明", today=EXAMPLE_TODAY, masked=False)
    (phone,) = searched["cadre_phone"].tolist()
    found = cadre.cadre_file(con, phone, "2026-11", today=EXAMPLE_TODAY)
    assert searched["pairs"].tolist() == [found.cadre["pairs"]] == [3]
    assert found.cadre["cadre_name"] == "朱明" and found.cadre["cadre_phone"] == "134****4623"
    assert "620122********0518" in set(found.pairs["id_number"])
    # 马杰 came to him from 周超英 without a gap: his run started with the first cadre
    ma_jie = found.pairs.set_index("id_number").loc["620122********0518"]
    assert ma_jie["run_started_on"] == dt.date(2025, 8, 1) and ma_jie["paired_on"] == dt.date(2026, 8, 15)
    assert cadre.phone_for_key(con, found.cadre["cadre_key"], today=EXAMPLE_TODAY) == phone


# ---------------------------------------------------------------- a cadre's file, by hand

A, B, C, D = "13800000001", "13800000002", "13800000003", "13900000004"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Four cadres: A, B and C of 甲局, D of 乙局; p3 went from A to B on 2026-03-01 without a gap.

    Figures of 2026Q3 (as of 09-30): A has p1 (contacted every month) and p2 (only in July: overdue), so
    联系达标率 1/2 and one overdue pair; B has p3 (every month) and p4 (not in August): 1/2, none overdue, and p3's
    issue raised 04-01 still open (overdue); C has p5 (every month): 1/1. p1's issue was raised 09-20 (not overdue).
    """
    path = tmp_path_factory.mktemp("cadre") / "cadre.duckdb"
    con = db.connect(path)
    people = {}
    for number, (county, township) in enumerate(
        [("甲县", "甲镇"), ("乙县", "乙镇"), ("甲县", "甲镇"), ("甲县", "甲镇"), ("甲县", "甲镇"), ("甲县", "甲镇")], 1
    ):
        id_number = idnumber.make("620102", dt.date(2012, 1, 1), number)
        people[f"p{number}"] = id_number
        con.execute(
            "insert into beneficiary values (?, ?, '孤儿', ?, ?, null, null, '1900-01-01', null, 1)",
            [id_number, f"对象{number}", county, township],
        )
    pairings = [
        ("p1", A, "甲局", "2025-01-01", None),
        ("p2", A, "甲局", "2025-01-01", None),
        ("p3", A, "甲局", "2025-01-01", "2026-03-01"),
        ("p3", B, "甲局", "2026-03-01", None),
        ("p4", B, "甲局", "2025-01-01", None),
        ("p5", C, "甲局", "2025-01-01", None),
        ("p6", D, "乙局", "2025-01-01", None),
    ]
    for who, phone, department, paired, unpaired in pairings:
        con.execute(
            "insert into pairing values (?, ?, ?, ?, '一般干部', '属地结对', ?, ?, 1)",
            [people[who], phone, f"干部{phone[-1]}", department, paired, unpaired],
        )
    contacts = {
        "p1": ["2026-07-10", "2026-08-10", "2026-09-20"],
        "p2": ["2026-07-10"],
        "p3": ["2026-02-10", "2026-07-05", "2026-08-05", "2026-09-05"],
        "p4": ["2026-07-15", "2026-09-15"],
        "p5": ["2026-07-03", "2026-08-03", "2026-09-03"],
    }
    for who, days in contacts.items():
        for day in days:
            con.execute(
                "insert into contact values (?, null, ?, ?, '电话', null, null, ?, '满意', 2)",
                [f"{who}|{day}", people[who], day, f"电话回访，家属电话13912345678（{day}）"],
            )
    issues = [
        ("I1", "p1", "2026-09-20", "待办理", None),
        ("I2", "p3", "2026-01-10", "已解决", "2026-02-20"),
        ("I3", "p3", "2026-04-01", "办理中", None),
        ("I4", "p3", "2025-12-01", "已解决", "2026-04-15"),
    ]
    for number, who, raised, status, closed in issues:
        con.execute(
            "insert into issue values (?, ?, ?, ?, '生活', '困难', '乡镇', null, ?, ?, null, 3)",
            [number, number, people[who], raised, status, closed],
        )
    con.execute(
        "insert into callback values ('k1', ?, '2026-02-15', '王', '接通', '是', '不属实', '满意', null, null, 4)",
        [people["p3"]],
    )
    city = access.User("市办", "city")
    line = {"kind": "pair", "id_number": people["p2"], "beneficiary_name": "对象2", "county": "乙县"}
    line |= {"township": "乙镇", "cadre_name": "干部1", "cadre_phone": A, "summary": "干部1：对象2超期未联系"}
    items.raise_item(con, city, department="甲局", source="overdue_contacts", lines=[line], today=TODAY)
    yield con, people
    con.close()


def _file(office, phone, scope=ALL, masked=False, period="2026Q3"):
    con, _people = office
    return cadre.cadre_file(con, phone, period, scope, masked=masked, today=TODAY)


def test_a_cadres_pairs_current_first_then_past_with_their_dates(office):
    _con, people = office
    found = _file(office, A)
    assert found.cadre | {"cadre_key": None} == {
        "cadre_name": "干部1",
        "cadre_phone": A,
        "cadre_key": None,
        "departments": "甲局",
        "cadre_level": "一般干部",
        "pairs": 2,
        "pairings": 3,
    }
    rows = found.pairs[["id_number", "is_current", "paired_on", "unpaired_on"]].values.tolist()
    assert rows == [
        [people["p2"], True, dt.date(2025, 1, 1), None],  # 乙县 sorts before 甲县
        [people["p1"], True, dt.date(2025, 1, 1), None],
        [people["p3"], False, dt.date(2025, 1, 1), dt.date(2026, 3, 1)],
    ]
    assert found.pair_ids == [people["p2"], people["p1"], people["p3"]]
    # today (11-28) both current pairs are overdue: last contacts 07-10 and 09-20
    assert found.pairs["is_overdue_contact"].tolist()[:2] == [True, True]
    # p3 is B's now: his run began with A, the handover did not restart it
    taken_over = _file(office, B).pairs.set_index("id_number").loc[people["p3"]]
    assert taken_over["run_started_on"] == dt.date(2025, 1, 1) and taken_over["paired_on"] == dt.date(2026, 3, 1)


def test_a_cadres_contacts_are_those_made_while_the_pairs_were_his_the_untrue_one_marked(office):
    _con, people = office
    contacts = _file(office, A).contacts
    assert len(contacts) == 5  # p1 three, p2 one, p3 the one before the handover
    assert contacts["contact_date"].tolist()[0] == dt.date(2026, 9, 20)  # latest first
    untrue = contacts[contacts["callback_untrue"] != ""]
    assert untrue[["id_number", "contact_date"]].values.tolist() == [[people["p3"], dt.date(2026, 2, 10)]]
    assert len(_file(office, B).contacts) == 5  # p3's three after the handover, p4's two
    assert (_file(office, B).contacts["callback_untrue"] == "").all()


def test_a_cadres_issues_are_those_open_while_the_pairs_were_his(office):
    assert _file(office, A).issues[["issue_no", "is_open"]].values.tolist() == [
        ["I1", True],
        ["I2", False],  # raised and closed while p3 was A's
        ["I4", False],  # raised under A, closed under B: both had it
    ]
    # I2 closed before B took p3 over; I3 raised after A had let him go
    assert _file(office, B).issues["issue_no"].tolist() == ["I3", "I4"]


def test_a_cadres_rank_among_his_departments_cadres(office):
    standing = _file(office, A).standing.set_index("figure")
    assert standing.loc["on_standard_rate"].to_dict() == {
        "department": "甲局",
        "value": 0.5,
        "rank": 2,  # C 1/1 first, A and B 1/2 share the second place
        "ranked": 3,  # D is 乙局's
        "department_value": pytest.approx(3 / 5),  # p1, p3, p5 of five pairs due
    }
    assert standing.loc["overdue_contact", ["value", "rank", "ranked", "department_value"]].tolist() == [1, 3, 3, 1]
    assert standing.loc["issues_overdue", ["value", "rank", "ranked", "department_value"]].tolist() == [0, 1, 3, 1]
    b = _file(office, B).standing.set_index("figure")
    assert b.loc["overdue_contact", "rank"] == 1 and b.loc["issues_overdue", "rank"] == 3
    # a period whose as_of has him without pairs: no standing
    assert _file(office, A, period="2024Q4").standing.empty


def test_a_cadres_callbacks_and_supervision_lines(office):
    _con, people = office
    found = _file(office, A)
    assert found.callbacks[["id_number", "contact_truth"]].values.tolist() == [[people["p3"], "不属实"]]
    assert _file(office, B).callbacks.empty  # the callback was made before p3 was his
    lines = found.supervision
    assert lines[["number_text", "state_label", "id_number", "done_label"]].values.tolist() == [
        ["督办〔2026〕第1号", "已交办", people["p2"], "未落实"]
    ]
    assert _file(office, C).supervision.empty


def test_a_cadres_file_stays_within_the_scope(office):
    con, people = office
    key = masking.phone_key(A)
    # a department user opens his own department's cadres only
    assert _file(office, A, Scope(department="乙局")) is None
    assert cadre.phone_for_key(con, key, Scope(department="乙局"), today=TODAY) is None
    assert cadre.phone_for_key(con, key, Scope(department="甲局"), today=TODAY) == A
    assert _file(office, D, Scope(department="甲局")) is None
    # a county user sees a cadre with pairs in his county, and only those pairs
    in_yi = _file(office, A, Scope(county="乙县"))
    assert in_yi.pair_ids == [people["p2"]] and len(in_yi.contacts) == 1 and in_yi.issues.empty
    assert _file(office, C, Scope(county="乙县")) is None
    assert cadre.phone_for_key(con, "0" * 20, today=TODAY) is None


def test_a_cadres_file_is_masked_by_default(office):
    con, people = office
    found = cadre.cadre_file(con, A, "2026Q3", today=TODAY)
    assert found.cadre["cadre_phone"] == "138****0001"
    assert found.pairs["id_number"].tolist()[0] == masking.mask_id(people["p2"])
    assert found.pairs["beneficiary_name"].tolist()[0] == "对*2"
    assert "13912345678" not in "".join(found.contacts["summary"]) and "139****5678" in found.contacts["summary"][0]
    assert found.supervision["id_number"].tolist() == [masking.mask_id(people["p2"])]
    assert found.pair_ids[0] == people["p2"]  # kept aside to open the person's file, never drawn
    assert found.cadre["cadre_key"] == masking.phone_key(A) != A


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
