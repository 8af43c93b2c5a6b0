"""报送情况 (pipeline/status.submissions): who has sent the month's contact log, and each unit's last imports.

Two counties with two people each, one department each; on 2026-12-06 the month reported on is November.
甲县's office imported a contact log with November contacts; 乙县 sent only October's.
"""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest

from pipeline import contact_state, db, idnumber, status
from pipeline.ingest.load import import_file
from pipeline.queries import Scope

TODAY = dt.date(2026, 12, 6)
ID = [idnumber.make("620102", dt.date(2012, 1, 1), n) for n in range(1, 5)]
ID_NONE = idnumber.make("620102", dt.date(2012, 1, 1), 9)  # 丙县, no contact at all


def _csv(path, header, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def con(tmp_path):
    roster = _csv(
        tmp_path / "结对台账.csv",
        ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", "干部电话", "干部单位", "结对日期"],
        [
            [ID[0], "甲一", "孤儿", "甲县", "甲镇", "干部一", "13800000001", "甲局", "2026-01-01"],
            [ID[1], "甲二", "孤儿", "甲县", "甲镇", "干部一", "13800000001", "甲局", "2026-01-01"],
            [ID[2], "乙一", "孤儿", "乙县", "乙镇", "干部二", "13800000002", "乙局", "2026-01-01"],
            [ID[3], "乙二", "孤儿", "乙县", "乙镇", "干部二", "13800000002", "乙局", "2026-01-01"],
        ],
    )
    header = ["身份证号", "走访日期", "联系方式"]
    jia = _csv(tmp_path / "甲县走访.csv", header, [[ID[0], "2026-11-12", "电话"], [ID[1], "2026-10-03", "电话"]])
    yi = _csv(tmp_path / "乙县走访.csv", header, [[ID[2], "2026-10-20", "电话"]])
    connection = db.connect(tmp_path / "s.duckdb")
    assert import_file(connection, roster, today=TODAY, user="市办").rejected == 0
    assert import_file(connection, jia, today=TODAY, user="甲县办").rejected == 0
    assert import_file(connection, yi, today=TODAY, user="乙县办").rejected == 0
    yield connection
    connection.close()


def test_the_month_reported_on_is_the_last_that_ended(con):
    month, _rows = status.submissions(con, TODAY)
    assert month.text == "2026-11"


def test_who_has_sent_the_months_log(con):
    _month, rows = status.submissions(con, TODAY)
    by_unit = rows.set_index(["unit_kind", "unit"])
    assert by_unit.loc[("county", "甲县"), "pairs_contacted_in_month"] == 1
    assert bool(by_unit.loc[("county", "甲县"), "has_month_log"])
    assert not bool(by_unit.loc[("county", "乙县"), "has_month_log"])
    assert not bool(by_unit.loc[("department", "乙局"), "has_month_log"])
    assert by_unit.loc[("county", "甲县"), "visits_user"] == "甲县办"
    assert by_unit.loc[("county", "乙县"), "visits_user"] == "乙县办"
    assert by_unit.loc[("county", "乙县"), "roster_user"] == "市办"
    # the units that have not sent it come first within each kind
    counties = rows[rows["unit_kind"] == "county"]
    assert counties["unit"].tolist() == ["乙县", "甲县"]


def test_a_county_user_sees_only_his_people(con):
    _month, rows = status.submissions(con, TODAY, Scope(county="甲县"))
    assert set(zip(rows["unit_kind"], rows["unit"], strict=True)) == {("county", "甲县"), ("department", "甲局")}


def test_each_unit_gets_its_last_contact_import_however_many_came_after(con, tmp_path):
    """A unit gets its own last import of contacts however many imports for other units came after it (乙县's, three
    imports back), and a unit whose people have no contact at all gets none."""
    roster = _csv(
        tmp_path / "丙县结对.csv",
        ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", "干部电话", "干部单位", "结对日期"],
        [[ID_NONE, "丙一", "孤儿", "丙县", "丙镇", "干部三", "13800000003", "丙局", "2026-01-01"]],
    )
    assert import_file(con, roster, today=TODAY, user="丙县办").rejected == 0
    for n in range(3):
        later = _csv(
            tmp_path / f"甲县走访{n}.csv", ["身份证号", "走访日期", "联系方式"], [[ID[0], f"2026-11-2{n}", "电话"]]
        )
        assert import_file(con, later, today=TODAY, user=f"甲县办{n}").inserted == 1
    _month, rows = status.submissions(con, TODAY)
    visits = rows.set_index(["unit_kind", "unit"])["visits_user"]
    assert visits[("county", "甲县")] == visits[("department", "甲局")] == "甲县办2"
    assert visits[("county", "乙县")] == visits[("department", "乙局")] == "乙县办"
    assert pd.isna(visits[("county", "丙县")]) and pd.isna(visits[("department", "丙局")])
    assert rows.set_index(["unit_kind", "unit"]).loc[("county", "丙县"), "roster_user"] == "丙县办"


def _visits_users(con) -> dict[tuple[str, str], object]:
    _month, rows = status.submissions(con, TODAY)
    return rows.set_index(["unit_kind", "unit"])["visits_user"].to_dict()


def test_each_units_last_contact_import_is_read_from_the_kept_rows(con):
    """报送情况 reads each person's last import of contacts from contact_state while it holds: a row changed behind
    the contacts' back (the mark still matches) changes the unit's last import, which is why every import keeps it
    (tests/test_contact_state.py)."""
    assert _visits_users(con)[("county", "甲县")] == "甲县办"
    roster_batch = con.execute("select min(batch_id) from import_batch").fetchall()[0][0]
    con.execute("update contact_state set last_batch_id = ? where id_number in (?, ?)", [roster_batch, ID[0], ID[1]])
    assert contact_state.ok(con)
    users = _visits_users(con)
    assert users[("county", "甲县")] == users[("department", "甲局")] == "市办"
    assert users[("county", "乙县")] == "乙县办"


def test_a_contact_written_by_hand_sends_it_to_the_contacts(con):
    """A contact written outside an import leaves the kept rows behind: the units' last imports come from the
    contacts themselves, the new one included (stamped here with 乙县's later batch, for one of 甲县's people)."""
    yi_batch = con.execute("select batch_id from import_batch where user_name = '乙县办'").fetchall()[0][0]
    con.execute(
        "insert into contact (contact_key, id_number, contact_date, method, batch_id) values (?, ?, ?, '电话', ?)",
        [f"{ID[1]}|2026-10-21|by hand", ID[1], dt.date(2026, 10, 21), yi_batch],
    )
    assert not contact_state.ok(con)
    users = _visits_users(con)
    assert users[("county", "甲县")] == users[("department", "甲局")] == "乙县办"
    assert users[("county", "乙县")] == "乙县办"
