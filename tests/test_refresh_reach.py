"""An import refreshes only the stored periods it can have changed (import_batch.touched_from).

Each scenario imports a small change into the stored example database, checks the first day the batch
says it touched, checks which standard periods the refresh computes and which it keeps, and then checks
the point of it all: every stored period still gives exactly the figures computed from the ledgers.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeline import db, materialized, queries
from pipeline.ingest.load import import_bytes, import_file
from tests.conftest import EXAMPLE_DIR, EXAMPLE_TODAY, build_example_database

TODAY = EXAMPLE_TODAY  # 2026-11-28
NOTHING = dt.date(9999, 12, 31)
EVERYTHING = {
    "2026-11@2026-11-28",
    "2026-10@2026-10-28",
    "2026-10@2026-10-31",
    "2026-09@2026-09-30",
    "2026Q4@2026-11-28",
    "2026Q3@2026-08-28",
    "2026Q3@2026-09-30",
    "2026Q2@2026-06-30",
    "2026@2026-11-28",
    "2025@2025-11-28",
    "2025@2025-12-31",
    "2024@2024-12-31",
    # the overview's trend: the twelve months up to this one (2026-10, 2026-09 and this month are above)
    "2025-12@2025-12-31",
    "2026-01@2026-01-31",
    "2026-02@2026-02-28",
    "2026-03@2026-03-31",
    "2026-04@2026-04-30",
    "2026-05@2026-05-31",
    "2026-06@2026-06-30",
    "2026-07@2026-07-31",
    "2026-08@2026-08-31",
}


@pytest.fixture
def stored_db(tmp_path):
    path = build_example_database(tmp_path / "reach.duckdb")
    with db.session(path) as con:
        done = materialized.refresh(con, TODAY)
    assert len(done.computed) == len(EVERYTHING) == 21
    return path


def _named(done: materialized.Refreshed, which: str) -> set[str]:
    """The periods a refresh computed (or kept) as text@as_of: the cut and the whole 2026-10 differ."""
    return {f"{period.text}@{period.as_of}" for period in getattr(done, which + "_periods")}


def _touched(con, batch_id: int) -> dt.date | None:
    return con.execute("select touched_from from import_batch where batch_id = ?", [batch_id]).fetchall()[0][0]


def _stored_equals_computed(con) -> None:
    """Every standard period read from the store equals the same period computed from the ledgers."""
    for period in materialized.standard_periods(TODAY):
        stored = queries.metrics_many(con, period, queries.GROUPINGS, today=TODAY)
        computed = queries.metrics_many(con, period, queries.GROUPINGS, today=TODAY, stored=False)
        for grouping in queries.GROUPINGS:
            pd.testing.assert_frame_equal(stored[grouping], computed[grouping], check_exact=True)
    assert len(materialized.stored_periods(con)) == len(EVERYTHING)


def _contacts() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE_DIR / "走访记录.csv", dtype=str, keep_default_na=False)


def _import(con, frame: pd.DataFrame, path):
    frame.to_csv(path, index=False)
    report = import_file(con, path, today=TODAY)
    assert report.batch_id is not None, report.summary()
    return report


def test_a_new_contact_this_month_recomputes_only_the_running_periods(stored_db, tmp_path):
    row = _contacts().iloc[[0]].copy()
    row["走访日期"] = "2026-11-20"
    with db.session(stored_db) as con:
        report = _import(con, row, tmp_path / "本月补录.csv")
        assert report.inserted == 1
        assert _touched(con, report.batch_id) == dt.date(2026, 11, 20)
        # before the refresh the periods that end earlier are read from the store already
        assert len(materialized.stored_periods(con)) == len(EVERYTHING) - 3
        done = materialized.refresh(con, TODAY)
        assert _named(done, "computed") == {"2026-11@2026-11-28", "2026Q4@2026-11-28", "2026@2026-11-28"}
        assert _named(done, "kept") == EVERYTHING - _named(done, "computed")
        _stored_equals_computed(con)


def test_a_file_that_changes_nothing_recomputes_nothing(stored_db, tmp_path):
    shuffled = _contacts().iloc[::-1]  # the same rows in another order: another file, the same contacts
    with db.session(stored_db) as con:
        report = _import(con, shuffled, tmp_path / "重报走访.csv")
        assert (report.inserted, report.updated) == (0, 0)
        assert report.unchanged == len(shuffled)
        assert _touched(con, report.batch_id) == NOTHING
        done = materialized.refresh(con, TODAY)
        assert done.computed == []
        assert _named(done, "kept") == EVERYTHING
        _stored_equals_computed(con)


def test_an_edited_old_contact_recomputes_the_periods_from_its_day_on(stored_db, tmp_path):
    contacts = _contacts()
    edited = contacts[contacts["走访日期"] == "2026-05-02"].iloc[[0]].copy()
    edited["满意度"] = "满意" if edited["满意度"].iloc[0] != "满意" else "基本满意"
    with db.session(stored_db) as con:
        report = _import(con, edited, tmp_path / "更正走访.csv")
        assert report.updated == 1
        assert _touched(con, report.batch_id) == dt.date(2026, 5, 2)
        done = materialized.refresh(con, TODAY)
        assert _named(done, "kept") == {
            "2025@2025-11-28",
            "2025@2025-12-31",
            "2024@2024-12-31",
            "2025-12@2025-12-31",
            "2026-01@2026-01-31",
            "2026-02@2026-02-28",
            "2026-03@2026-03-31",
            "2026-04@2026-04-30",
        }
        _stored_equals_computed(con)


def _roster() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE_DIR / "结对台账.csv", dtype=str, keep_default_na=False)


def test_an_exit_recomputes_from_its_day_and_a_new_county_recomputes_everything(stored_db, tmp_path):
    roster = _roster()
    person = roster[(roster["退出日期"] == "") & (roster["解除日期"] == "")].iloc[[0]].copy()
    person["退出日期"] = "2026-11-02"
    with db.session(stored_db) as con:
        report = _import(con, person, tmp_path / "退出.csv")
        assert report.updated == 1, report.summary()
        assert _touched(con, report.batch_id) == dt.date(2026, 11, 2)
        done = materialized.refresh(con, TODAY)
        assert _named(done, "computed") == {"2026-11@2026-11-28", "2026Q4@2026-11-28", "2026@2026-11-28"}
        _stored_equals_computed(con)

        renamed = roster[roster["身份证号"] == person["身份证号"].iloc[0]].copy()
        renamed["退出日期"] = "2026-11-02"
        renamed["乡镇"] = renamed["乡镇"] + "（新）"  # a person's place counts in every period
        report = _import(con, renamed, tmp_path / "改乡镇.csv")
        assert report.updated >= 1, report.summary()
        assert _touched(con, report.batch_id) == dt.date(1, 1, 1)
        done = materialized.refresh(con, TODAY)
        assert _named(done, "computed") == EVERYTHING
        _stored_equals_computed(con)


def test_a_new_issue_raised_last_quarter_recomputes_from_its_day(stored_db, tmp_path):
    issues = pd.read_csv(EXAMPLE_DIR / "问题台账.csv", dtype=str, keep_default_na=False)
    row = issues.iloc[[0]].copy()
    row["问题编号"] = ""
    row["提出日期"] = "2026-09-10"
    row["问题描述"] = "补录的一个问题"
    row["办理状态"] = "办理中"
    row["办结日期"] = ""
    row["群众评价"] = ""
    with db.session(stored_db) as con:
        report = _import(con, row, tmp_path / "补录问题.csv")
        assert report.inserted == 1, report.summary()
        assert _touched(con, report.batch_id) == dt.date(2026, 9, 10)
        done = materialized.refresh(con, TODAY)
        # the periods that end before 2026-09-10 keep their rows
        assert _named(done, "kept") == {
            "2026Q3@2026-08-28",
            "2026Q2@2026-06-30",
            "2025@2025-11-28",
            "2025@2025-12-31",
            "2024@2024-12-31",
            "2025-12@2025-12-31",
            "2026-01@2026-01-31",
            "2026-02@2026-02-28",
            "2026-03@2026-03-31",
            "2026-04@2026-04-30",
            "2026-05@2026-05-31",
            "2026-06@2026-06-30",
            "2026-07@2026-07-31",
            "2026-08@2026-08-31",
        }
        _stored_equals_computed(con)


def test_an_upload_in_memory_reaches_back_as_far_as_a_streamed_file(stored_db):
    # the upload page reads the whole file (merge.py), the command line streams a CSV (chunked.py): one rule
    contacts = _contacts()
    edited = contacts[contacts["走访日期"] == "2026-05-02"].iloc[[0]].copy()
    edited["满意度"] = "满意" if edited["满意度"].iloc[0] != "满意" else "基本满意"
    added = contacts.iloc[[1]].copy()
    added["走访日期"] = "2026-11-21"
    data = pd.concat([added, edited]).to_csv(index=False).encode("utf-8")
    with db.session(stored_db) as con:
        report = import_bytes(con, data, "网页上传走访.csv", today=TODAY)
        assert (report.inserted, report.updated) == (1, 1), report.summary()
        assert _touched(con, report.batch_id) == dt.date(2026, 5, 2)
        again = import_bytes(con, data + b"\n", "再传一次.csv", today=TODAY)  # other bytes, the same rows
        assert (again.inserted, again.updated) == (0, 0)
        assert _touched(con, again.batch_id) == NOTHING
        materialized.refresh(con, TODAY)
        _stored_equals_computed(con)


def test_a_numbered_contact_whose_date_is_corrected_is_updated_not_added(stored_db, tmp_path):
    """The lookup by key and date finds unchanged rows reading only their days; a contact with 记录编号 whose
    date was corrected is found again by its number alone, and updated in place."""
    contacts = _contacts()
    base = contacts.iloc[[0, 1]].copy()
    numbered = base.assign(记录编号=["JL-1", "JL-2"], 走访日期=["2026-11-20", "2026-11-21"])
    with db.session(stored_db) as con:
        first = _import(con, numbered, tmp_path / "编号走访.csv")
        assert (first.inserted, first.updated) == (2, 0)
        before = con.execute("select count(*) from contact").fetchall()[0][0]
        corrected = numbered.assign(走访日期=["2026-11-18", "2026-11-21"])  # JL-1 was on the 18th
        fresh = contacts.iloc[[2]].assign(走访日期="2026-11-25", 记录编号="")  # a new contact without a number
        again = contacts.iloc[[3]].assign(记录编号="")  # a stored contact sent again, no number
        report = _import(con, pd.concat([corrected, fresh, again]), tmp_path / "更正编号走访.csv")
        assert (report.inserted, report.updated, report.unchanged) == (1, 1, 2)
        assert con.execute("select count(*) from contact").fetchall()[0][0] == before + 1
        rows = con.execute(
            "select contact_date from contact where record_no = 'JL-1' and id_number = ?", [base.iloc[0]["身份证号"]]
        ).fetchall()
        assert rows == [(dt.date(2026, 11, 18),)]
        assert _touched(con, report.batch_id) == dt.date(2026, 11, 18)
        materialized.refresh(con, TODAY)
        _stored_equals_computed(con)


def test_one_file_updates_contacts_found_by_key_and_date_and_by_number_alone(stored_db, tmp_path):
    """The updates of one file go in two parts (merge._lookups): a contact without 记录编号 is found by its key and
    day, one with 记录编号 whose date was corrected by its number alone; both are overwritten, nothing is added."""
    contacts = _contacts()
    numbered = contacts.iloc[[0]].assign(记录编号="JL-9", 走访日期="2026-11-20")
    with db.session(stored_db) as con:
        _import(con, numbered, tmp_path / "编号走访.csv")
        before = con.execute("select count(*) from contact").fetchall()[0][0]
        edited = contacts[contacts["走访日期"] == "2026-05-02"].iloc[[0]].copy()
        satisfaction = "满意" if edited["满意度"].iloc[0] != "满意" else "基本满意"
        edited["满意度"] = satisfaction
        corrected = numbered.assign(走访日期="2026-11-17")
        report = _import(con, pd.concat([edited, corrected]), tmp_path / "两种更正.csv")
        assert (report.inserted, report.updated, report.unchanged) == (0, 2, 0), report.summary()
        assert con.execute("select count(*) from contact").fetchall()[0][0] == before
        day = con.execute(
            "select contact_date, batch_id from contact where record_no = 'JL-9' and id_number = ?",
            [numbered.iloc[0]["身份证号"]],
        ).fetchall()
        assert day == [(dt.date(2026, 11, 17), report.batch_id)]
        kept = con.execute(
            "select satisfaction, batch_id from contact where id_number = ? and contact_date = '2026-05-02' "
            "and method = ? and batch_id = ?",
            [edited.iloc[0]["身份证号"], edited.iloc[0]["联系方式"], report.batch_id],
        ).fetchall()
        assert kept == [(satisfaction, report.batch_id)]
        assert _touched(con, report.batch_id) == dt.date(2026, 5, 2)
        materialized.refresh(con, TODAY)
        _stored_equals_computed(con)
