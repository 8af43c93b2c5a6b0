"""A small city for the 回访核查 tests (SPEC §8), loaded through the real import, and its hand-counted callbacks.

| person | county, township | cadre (department)          |
|--------|------------------|-----------------------------|
| A1–A3  | 甲县 甲镇/乙镇/丙镇 | 13800000001 甲干部 (甲局)      |
| B1, B2 | 乙县 丁镇         | 13800000002 乙干部 (乙局)      |
| C1     | 甲县 甲镇         | 13800000003 丙干部 (丙局)      |
| U1     | 甲县 甲镇         | not paired                   |
All pairings from 2025-01-01.
"""

from __future__ import annotations

import datetime as dt

from pipeline import db, idnumber
from pipeline.ingest import load
from tests.ingest_helpers import ROSTER_HEADER, csv_bytes, roster_row

TODAY = dt.date(2026, 11, 28)
PEOPLE = {
    "A1": ("甲县", "甲镇", "13800000001", "甲干部", "甲局"),
    "A2": ("甲县", "乙镇", "13800000001", "甲干部", "甲局"),
    "A3": ("甲县", "丙镇", "13800000001", "甲干部", "甲局"),
    "B1": ("乙县", "丁镇", "13800000002", "乙干部", "乙局"),
    "B2": ("乙县", "丁镇", "13800000002", "乙干部", "乙局"),
    "C1": ("甲县", "甲镇", "13800000003", "丙干部", "丙局"),
    "U1": ("甲县", "甲镇", None, None, None),
}
IDS = {name: idnumber.make("620102", dt.date(1960, 1, 1), n) for n, name in enumerate(PEOPLE, start=11)}
CALLBACK_HEADER = [
    "身份证号",
    "回访日期",
    "回访人",
    "接通情况",
    "是否认识结对干部",
    "近期联系是否属实",
    "对帮扶是否满意",
    "反映问题",
]


def roster_bytes() -> bytes:
    rows = [ROSTER_HEADER]
    for name, (county, township, phone, cadre, department) in PEOPLE.items():
        if phone is None:
            rows.append(roster_row(IDS[name], name=f"对象{name}", county=county, township=township, unpaired=True))
        else:
            rows.append(
                roster_row(
                    IDS[name],
                    name=f"对象{name}",
                    county=county,
                    township=township,
                    cadre=cadre,
                    cadre_phone=phone,
                    department=department,
                    paired_on="2025-01-01",
                )
            )
    return csv_bytes(rows, encoding="utf-8-sig")


def small_city(path) -> db.duckdb.DuckDBPyConnection:
    """A database holding the small city's roster, imported as an office would."""
    con = db.connect(path)
    report = load.import_bytes(con, roster_bytes(), "结对台账.csv", today=TODAY)
    assert report.status == "ok" and report.rejected == 0, report.errors
    return con


# The callbacks of the figures test: (person, date, caller, reach, knows, truth, satisfied)
CALLBACKS = [
    ("A1", "2026-07-10", "王", "接通", "是", "属实", "满意"),
    ("A2", "2026-08-05", "王", "接通", "否", "不属实", "不满意"),
    ("A3", "2026-09-20", "李", "未接通", "", "", ""),
    ("B1", "2026-09-01", "李", "空号停机", "", "", ""),
    ("B2", "2026-09-02", "李", "接通", "是", "记不清", "基本满意"),
    ("C1", "2026-10-03", "王", "接通", "是", "属实", "满意"),
    ("U1", "2026-08-01", "王", "接通", "否", "属实", ""),
]


def callback_bytes(rows=CALLBACKS) -> bytes:
    return csv_bytes([CALLBACK_HEADER, *[[IDS[p], *rest, ""] for p, *rest in rows]], encoding="utf-8-sig")
