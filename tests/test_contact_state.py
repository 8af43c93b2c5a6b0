"""Each person's first and last contact and last import of contacts, kept by the imports (pipeline/contact_state.py,
migrations 013 and 014).

The rows must always be what the contacts say: after the example's import, after new contacts (a file read whole and
one read in chunks), after a corrected date, after an import that lands nothing; and a contact written by hand must
send the queries back to the contacts. A tampered row shows which of the two the queries read.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from pipeline import contact_state, db, periods, quality, queries
from pipeline.ingest.load import import_file
from tests.conftest import EXAMPLE_DIR, EXAMPLE_TODAY, ROOT, build_example_database

TODAY = EXAMPLE_TODAY  # 2026-11-28
OLD_RELEASE = ROOT / "tests" / "data" / "release-0.1" / "guanai.duckdb"
FROM_CONTACTS = (
    "select id_number, min(contact_date) as first_contact_on, max(contact_date) as last_contact_on,"
    " max(batch_id) as last_batch_id from contact group by id_number order by id_number"
)


@pytest.fixture
def example(tmp_path):
    return build_example_database(tmp_path / "state.duckdb")


def _kept(con) -> pd.DataFrame:
    return con.sql("select * from contact_state order by id_number").df()


def _holds(con) -> None:
    """The kept rows are what the contacts say, and say they account for every contact."""
    pd.testing.assert_frame_equal(_kept(con), con.sql(FROM_CONTACTS).df(), check_dtype=False)
    assert contact_state.ok(con)


def _contacts() -> pd.DataFrame:
    return pd.read_csv(EXAMPLE_DIR / "走访记录.csv", dtype=str, keep_default_na=False)


def _import(con, frame: pd.DataFrame, path, **options):
    frame.to_csv(path, index=False)
    return import_file(con, path, today=TODAY, **options)


def _first_and_last(con, id_number: str) -> tuple:
    return con.execute(
        "select first_contact_on, last_contact_on from contact_state where id_number = ?", [id_number]
    ).fetchall()[0]


def test_the_example_import_keeps_a_row_for_every_person_contacted(example):
    with db.session(example) as con:
        _holds(con)
        people = con.execute("select count(distinct id_number) from contact").fetchall()[0][0]
        assert len(_kept(con)) == people > 0


def _no_rebuild(monkeypatch) -> None:
    """An import keeps the rows of its own people: rebuilding every person's row would be right but slow."""

    def rebuild(con):
        raise AssertionError("every person's row was worked out again")

    monkeypatch.setattr(contact_state, "rebuild", rebuild)


@pytest.mark.parametrize("chunk_rows", [None, 2], ids=["read whole", "read in chunks"])
def test_new_contacts_move_a_persons_first_and_last_contact(example, tmp_path, chunk_rows, monkeypatch):
    _no_rebuild(monkeypatch)
    contacts = _contacts()
    person = contacts["身份证号"].iloc[0]
    with db.session(example) as con:
        first, last = _first_and_last(con, person)
        assert last < dt.date(2026, 11, 27)
        earlier = contacts.iloc[[0]].assign(走访日期=str(first - dt.timedelta(days=3)))
        later = contacts.iloc[[0]].assign(走访日期="2026-11-27")
        other = contacts.iloc[[5]].assign(走访日期="2026-11-26")
        options = {} if chunk_rows is None else {"chunk_rows": chunk_rows}
        report = _import(con, pd.concat([earlier, later, other]), tmp_path / "补录.csv", **options)
        assert report.inserted == 3, report.summary()
        assert _first_and_last(con, person) == (first - dt.timedelta(days=3), dt.date(2026, 11, 27))
        _holds(con)


def test_a_corrected_date_works_the_persons_row_out_again(example, tmp_path, monkeypatch):
    _no_rebuild(monkeypatch)
    contacts = _contacts()
    person = contacts["身份证号"].iloc[0]
    numbered = contacts.iloc[[0]].assign(记录编号="JL-1", 走访日期="2026-01-03")
    with db.session(example) as con:
        # a changed contact without 记录编号 keeps its date (its key holds it)
        rated = contacts.iloc[[1]].assign(满意度="满意" if contacts["满意度"].iloc[1] != "满意" else "基本满意")
        assert _import(con, rated, tmp_path / "满意度.csv").updated == 1
        _holds(con)
        assert _import(con, numbered, tmp_path / "编号.csv").inserted == 1
        assert _first_and_last(con, person)[0] == dt.date(2026, 1, 3)
        # the same record, its date corrected: the person's first contact is no longer 2026-01-03
        corrected = numbered.assign(走访日期="2026-11-24")
        report = _import(con, corrected, tmp_path / "更正.csv")
        assert (report.inserted, report.updated) == (0, 1), report.summary()
        assert _first_and_last(con, person)[0] > dt.date(2026, 1, 3)
        _holds(con)


def test_an_import_that_lands_nothing_leaves_the_rows_as_they_were(example, tmp_path):
    contacts = _contacts()
    new = contacts.iloc[[0]].assign(走访日期="2026-11-27")
    broken = contacts.iloc[[1]].assign(身份证号="123")
    with db.session(example) as con:
        before = _kept(con)
        report = _import(con, pd.concat([new, broken]), tmp_path / "整批.csv", all_or_nothing=True)
        assert report.status == "rolled_back", report.summary()
        pd.testing.assert_frame_equal(_kept(con), before)
        _holds(con)


def _never_contacted(con) -> set[str]:
    rows = quality.run_check(con, "never_contacted", as_of=TODAY, masked=False)
    return set(rows["id_number"])


def _last_contacts(con, period: str) -> dict[str, object]:
    rows = queries.pair_rows(con, periods.parse_period(period, TODAY), "overall", None, today=TODAY, masked=False)
    days = [None if pd.isna(value) else pd.Timestamp(value).date() for value in rows["last_contact_on"]]
    return dict(zip(rows["id_number"], days, strict=True))


def test_a_contact_written_by_hand_sends_the_queries_to_the_contacts(example):
    with db.session(example) as con:
        waiting = sorted(_never_contacted(con))
        assert waiting, "the example has paired people never contacted"
        person = waiting[0]
        con.execute(
            "insert into contact (contact_key, id_number, contact_date, method, batch_id) values (?, ?, ?, '电话', 1)",
            [f"{person}|2026-11-02|by hand", person, dt.date(2026, 11, 2)],
        )
        assert not contact_state.ok(con)
        assert person not in _never_contacted(con)  # read from the contacts: the new one counts
        assert _last_contacts(con, "2026-11")[person] == dt.date(2026, 11, 2)
        found = _never_contacted(con)
        contact_state.rebuild(con)
        _holds(con)
        assert _never_contacted(con) == found


def test_the_queries_read_the_kept_rows_while_they_hold(example):
    """A kept row changed behind the contacts' back (the mark still matches) changes what the queries say: proof
    that they read it, which is why every import must keep it (the tests above)."""
    with db.session(example) as con:
        last = _last_contacts(con, "2026Q3")
        # someone whose last contact up to 2026-09-30 lies before the quarter's window: it comes from his row
        person, day = next(
            (id_number, value)
            for id_number, value in sorted(last.items())
            if value is not None and value < dt.date(2026, 6, 1) and _first_and_last(con, id_number)[1] == value
        )
        con.execute("update contact_state set last_contact_on = ? where id_number = ?", [day - dt.timedelta(1), person])
        assert contact_state.ok(con)
        assert _last_contacts(con, "2026Q3")[person] == day - dt.timedelta(1)
        # someone in the programme and paired today, with contacts: without his row he looks never contacted
        person = con.execute(
            "select beneficiary.id_number from beneficiary join pairing using (id_number)"
            " where enrolled_on <= $day and (exited_on is null or exited_on > $day)"
            " and paired_on <= $day and (unpaired_on is null or unpaired_on > $day)"
            " and id_number in (select id_number from contact_state) order by 1 limit 1",
            {"day": TODAY},
        ).fetchall()[0][0]
        assert person not in _never_contacted(con)
        con.execute("delete from contact_state where id_number = ?", [person])
        assert contact_state.ok(con)
        assert person in _never_contacted(con)


def test_an_upgraded_database_gets_its_rows_from_its_contacts(tmp_path):
    path = tmp_path / "guanai.duckdb"
    shutil.copy2(OLD_RELEASE, path)
    with db.session(path) as con:
        _holds(con)
        assert len(_kept(con)) > 0
