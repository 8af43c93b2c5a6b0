"""The 督办提醒 page through AppTest: the pipeline's reminders, the department filter, empty states, masking."""

from __future__ import annotations

import datetime as dt
import re

from streamlit.testing.v1 import AppTest

from app_ui import filters
from pipeline import db, labels, periods, queries, reminders, settings
from tests.conftest import EXAMPLE_TODAY, app_test
from tests.test_issue_stats import add_beneficiary, add_contact, add_pairing

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
KPIS = (
    labels.REMINDERS_KPI_CADRES,
    labels.REMINDERS_KPI_CONTACTS,
    labels.REMINDERS_KPI_ISSUES,
    labels.REMINDERS_KPI_DEPARTMENTS,
)
# worked by hand from the example CSVs (see tests/test_reminders.py)
GUO_TEXT = (
    "郭强静同志：截至2026年9月30日，您结对的对象中有以下2项事项需要抓紧办理：\n"
    "1. 孤儿罗*英（西坪县西坪街道）已超过30天未联系（结对以来尚无联系记录，结对日期：2026-01-21，已超期222天），"
    "请尽快联系。\n"
    "2. 孤儿何*刚（东川县东川乡）反映的生活方面问题（编号WT0017，2026-07-11提出）已超期未办结（已超期51天），"
    "请抓紧推动解决。\n"
    "领导小组办公室\n2026年11月28日"
)


def pipeline_reminders(path, period: str) -> reminders.Reminders:
    """The reminders computed without the app."""
    with db.session(path) as con:
        target = periods.parse_period(period, EXAMPLE_TODAY)
        config = settings.read_settings(con)
        contacts = queries.overdue(con, target, "contacts", config=config)
        issues = queries.overdue(con, target, "issues", config=config)
    return reminders.build(contacts, issues, config.overdue_days, EXAMPLE_TODAY, target.as_of)


def run_page(period: str, **query: str) -> AppTest:
    at = app_test()
    for name, value in {**filters.url_params(period), **query}.items():
        at.query_params[name] = value
    at.switch_page("app_pages/reminders.py")
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == labels.PAGE_TITLES["reminders"]
    return at


def open_tab(at: AppTest, label: str) -> AppTest:
    """Choose a tab of the page: only the open tab runs."""
    at.session_state["reminders_part"] = label
    at.run()
    assert not at.exception, at.exception
    return at


TABS = (
    labels.REMINDERS_TEXTS,
    labels.REMINDERS_BY_DEPARTMENT,
    labels.REMINDER_SHEETS["contacts"],
    labels.REMINDER_SHEETS["issues"],
    labels.REPORT_PAGE_REMINDERS,
)


def kpis(at: AppTest) -> list[str]:
    shown = {m.label: m.value for m in at.metric}
    return [shown[label] for label in KPIS]


def rendered_text(at: AppTest) -> str:
    """Every text the page shows, tables included."""
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "code", "info", "success", "warning"):
        parts += [str(element.value) for element in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [frame.value.astype(str).to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def test_figures_and_texts_equal_the_pipeline(example_db):
    at = run_page("2026Q3")
    expected = pipeline_reminders(example_db, "2026Q3")
    # expected_2026Q3_overall.csv: 29 overdue contacts, 10 overdue issues (one of an unpaired beneficiary)
    assert kpis(at) == ["27", "29", "10", "6"]
    assert len(expected.cadres) == 27
    codes = [c.value for c in at.code]
    assert codes == expected.cadres["reminder_text"].tolist()[:20]  # the first page
    assert GUO_TEXT in codes
    assert labels.REMINDERS_PAST_PERIOD.format(as_of="2026-09-30") in [w.value for w in at.warning]
    assert not at.dataframe  # the texts' tab is open: the lists wait for their own
    (by_department,) = (frame.value for frame in open_tab(at, labels.REMINDERS_BY_DEPARTMENT).dataframe)
    (contacts,) = (frame.value for frame in open_tab(at, labels.REMINDER_SHEETS["contacts"]).dataframe)
    issues, unassigned = (frame.value for frame in open_tab(at, labels.REMINDER_SHEETS["issues"]).dataframe)
    assert labels.REMINDERS_UNASSIGNED.format(count=1) in [w.value for w in at.warning]
    assert by_department["overdue_contact"].sum() == 29 and len(contacts) == 29
    assert len(issues) == 9 and len(unassigned) == 1
    assert by_department["department"].tolist() == reminders.by_department(expected.cadres)["department"].tolist()
    assert contacts["days_overdue"].tolist() == sorted(expected.contacts["days_overdue"], reverse=True)
    assert sorted(contacts["id_number"]) == sorted(expected.contacts["id_number"])


def test_the_second_page_shows_the_rest(example_db):
    at = run_page("2026Q3")
    at.number_input[0].set_value(2).run()
    assert not at.exception
    expected = pipeline_reminders(example_db, "2026Q3")
    assert [c.value for c in at.code] == expected.cadres["reminder_text"].tolist()[20:]


def test_department_filter_narrows_the_list(example_db):
    at = run_page("2026Q3")
    at.selectbox(key="rdept").set_value("东川县民政局").run()
    assert not at.exception
    narrowed = pipeline_reminders(example_db, "2026Q3").for_department("东川县民政局")
    assert 0 < len(narrowed.cadres) < 27
    assert kpis(at) == [str(len(narrowed.cadres)), str(len(narrowed.contacts)), str(len(narrowed.issues)), "1"]
    assert [c.value for c in at.code] == narrowed.cadres["reminder_text"].tolist()
    assert GUO_TEXT in [c.value for c in at.code]
    headings = [m.value for m in at.markdown if "｜" in m.value]
    assert headings and all(h.startswith("**东川县民政局｜") for h in headings)
    (contacts,) = open_tab(at, labels.REMINDER_SHEETS["contacts"]).dataframe
    assert set(contacts.value["department"]) == {"东川县民政局"} and len(contacts.value) == len(narrowed.contacts)
    # the filter is in the link too
    linked = run_page("2026Q3", rdept="东川县民政局")
    assert kpis(linked) == kpis(at)


def test_finding_a_cadre_by_name(example_db):
    at = run_page("2026Q3")
    at.text_input(key="rcadre").input("郭强静").run()
    assert [c.value for c in at.code] == [GUO_TEXT]
    at.text_input(key="rcadre").input("没有这个人").run()
    assert not at.code
    assert labels.REMINDERS_NO_MATCH in [i.value for i in at.info]


def test_a_period_without_overdue_items_says_so(example_db):
    # January 2025: people are enrolled, nobody is paired yet and no issue was raised
    at = run_page("2025-01-01..2025-01-31")
    assert [s.value for s in at.success] == [labels.REMINDERS_NONE.format(as_of="2025-01-31", days=30)]
    assert not at.code and not at.metric and not at.warning


def test_everyone_in_touch_says_so(tmp_path, monkeypatch):
    path = tmp_path / "fine.duckdb"
    with db.session(path) as con:
        person = add_beneficiary(con, 1)
        add_pairing(con, person, "张三", "13800001234", "市民政局", dt.date(2026, 1, 1))
        add_contact(con, person, dt.date(2026, 11, 20))
    monkeypatch.setenv("GUANAI_DB", str(path))
    monkeypatch.setenv("GUANAI_TODAY", EXAMPLE_TODAY.isoformat())
    at = run_page("2026Q4")
    assert [s.value for s in at.success] == [labels.REMINDERS_NONE.format(as_of="2026-11-28", days=30)]
    assert not at.warning  # a running period: the facts are today's


def test_no_full_id_or_phone_on_the_page(example_db):
    at = run_page("2026Q3")
    texts = [rendered_text(open_tab(at, label)) for label in TABS]
    assert "郭强静" in texts[0] and "郭强静" in texts[2]  # his text, and his overdue pair
    for text in texts:
        assert not FULL_ID.search(text)
        assert not FULL_PHONE.search(text)


def test_the_open_tab_stays_open_when_the_department_changes(example_db):
    at = open_tab(run_page("2026Q3"), labels.REMINDER_SHEETS["contacts"])
    assert len(at.dataframe[0].value) == 29
    at.selectbox(key="rdept").set_value("东川县民政局").run()
    assert not at.exception, at.exception
    assert not at.code  # still the list, not the texts
    narrowed = pipeline_reminders(example_db, "2026Q3").for_department("东川县民政局")
    assert len(at.dataframe[0].value) == len(narrowed.contacts) < 29


def test_reminder_effectiveness_tab_equals_the_pipeline(example_db):
    from pipeline import snapshots

    at = run_page("2026-10")
    with db.session(example_db) as con:
        expected = snapshots.reminder_effectiveness(con, "2026-10", queries.ALL, EXAMPLE_TODAY)
    assert not expected.empty
    assert not [frame for frame in at.dataframe if list(frame.value.columns) == list(expected.columns)]
    open_tab(at, labels.REPORT_PAGE_REMINDERS)
    shown = [frame.value for frame in at.dataframe if list(frame.value.columns) == list(expected.columns)]
    assert len(shown) == 1
    assert shown[0].reset_index(drop=True).equals(expected.reset_index(drop=True))
