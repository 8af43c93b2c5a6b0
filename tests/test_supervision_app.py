"""督办事项 in the app (AppTest): the loop across the 督办提醒, 督办事项 and 单位 pages, and who sees and does what.

The same hand-built scenario as tests/test_supervision.py, through the pages: the city office raises an item
from the overdue list of 2026-10 on 督办提醒, the department (which lands on its open items) signs and answers,
new contact logs are imported, 销号 is not offered while a line has no evidence and is taken once it has.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app_ui import filters
from pipeline import access, cli, db, labels, masking, queries
from pipeline.queries import Scope
from pipeline.supervision import items, raising
from tests.conftest import app_test
from tests.drill_helpers import FULL_ID, FULL_PHONE, pick, rendered_text, rerun, table, table_with

CITY, COUNTY, DEPARTMENT, READER = "市级测试", "县区测试", "单位测试", "只读测试"
CADRES = ["朱军华", "徐丽", "李明秀"]
PEOPLE = {"朱军华": "620121198307050598", "徐丽": "620102196705020310", "李明秀": "62010219530620007X"}


def signed_in(user: str, page: str | None = None, period: str = "2026-10", **params) -> object:
    """The app as `user` on a view of `period` (and any other address parameters), on `page` when given."""
    at = app_test(user=user)
    for name, value in {**filters.url_params(period), **params}.items():
        at.query_params[name] = value
    rerun(at)
    if page is not None:
        at.switch_page(f"app_pages/{page}.py")
        rerun(at)
    return at


def import_contacts(path, tmp_path, today: str, rows: list[tuple[str, str, str]]) -> None:
    csv = tmp_path / f"走访记录_{today}.csv"
    text = "身份证号,走访日期,联系方式,干部电话,满意度\n" + "".join(f"{i},{d},{w},,\n" for i, d, w in rows)
    csv.write_bytes(text.encode("utf-8-sig"))
    assert cli.main(["import", "--db", str(path), "--today", today, "--user", CITY, str(csv)]) == 0


def take_step(at, item_id: int, step: str, **inputs) -> None:
    """Choose a step in the item's 办理 control, fill its form and submit it."""
    at.segmented_control(key=f"sv_step_{item_id}").set_value(step)
    rerun(at)
    for name, value in inputs.items():
        widget = {"text": at.text_area, "note": at.text_input}.get(name)
        if widget is not None:
            key = f"sv_{step}_{item_id}_text"
            widget(key=key).input(value)
        elif name == "way":
            at.radio(key=f"sv_{step}_{item_id}_way").set_value(value)
    at.button(key=f"sv_{step}_{item_id}_submit").click()
    rerun(at)


def test_the_loop_through_the_pages(example_db, tmp_path, monkeypatch):
    # the city office, on 督办提醒 for 2026-10: 市民政局, three of its cadres
    at = signed_in(CITY, "reminders")
    at.multiselect(key="sv_reminders_departments").set_value(["市民政局"])
    rerun(at)
    at.multiselect(key="sv_reminders_cadres").set_value(CADRES)
    rerun(at)
    requirement = [t.value for t in at.text_area if t.label.startswith("督办要求：市民政局")]
    assert len(requirement) == 1 and requirement[0].startswith("请市民政局于2026年12月11日前")
    assert "朱军华：" in requirement[0] and masking.mask_id(PEOPLE["朱军华"])[:6] not in requirement[0]
    at.button(key="sv_reminders_raise").click()
    rerun(at)
    assert [s.value for s in at.success] == ["已交办：督办〔2026〕第1号"]
    with db.session(example_db) as con:
        (item,) = items.list_items(con, Scope(), dt.date(2026, 11, 28))
    assert (item.department, item.source, item.lines, item.period) == ("市民政局", "overdue_contacts", 3, "2026-10")

    # the department signs in and lands on its open items; signs and answers
    monkeypatch.setenv("GUANAI_TODAY", "2026-11-30")
    at = app_test(user=DEPARTMENT)
    rerun(at)
    assert [t.value for t in at.title] == [labels.PAGE_TITLES["supervision"]]
    assert at.selectbox(key="sv_item").value == item.item_id  # the only one: chosen already
    assert at.segmented_control(key=f"sv_step_{item.item_id}").options == ["签收", "延期申请", "情况说明"]
    take_step(at, item.item_id, "sign")
    assert at.success[0].value.startswith("督办〔2026〕第1号：已签收")
    take_step(at, item.item_id, "feedback", text="已电话督促三名干部，本周内入户走访")
    assert "已反馈" in at.success[0].value

    # two of the three contacted: the city office sees 2/3 and is not offered 销号
    import_contacts(
        example_db,
        tmp_path,
        "2026-12-04",
        [(PEOPLE["朱军华"], "2026-12-02", "入户走访"), (PEOPLE["徐丽"], "2026-12-03", "电话")],
    )
    monkeypatch.setenv("GUANAI_TODAY", "2026-12-04")
    at = signed_in(CITY, "supervision", item=str(item.item_id))
    lines = table_with(at, "done_label", "evidence")
    assert lines["done_label"].tolist() == ["已落实", "已落实", "未落实"]
    assert lines["evidence"].tolist() == ["2026-12-02 入户走访", "2026-12-03 电话", "未落实"]
    assert "销号" not in at.segmented_control(key=f"sv_step_{item.item_id}").options
    assert any("明细已落实2/3项" in i.value for i in at.info)
    take_step(at, item.item_id, "press", way="约谈", note="请本周内完成")
    assert "已催办" in at.success[0].value

    # the third contact is imported: 可销号, and 销号 is offered and taken
    import_contacts(example_db, tmp_path, "2026-12-08", [(PEOPLE["李明秀"], "2026-12-07", "视频")])
    monkeypatch.setenv("GUANAI_TODAY", "2026-12-08")
    at = signed_in(CITY, "supervision", item=str(item.item_id))
    assert any("可以销号" in s.value for s in at.success)
    assert at.metric[3].value == "1"  # 可销号（件）
    take_step(at, item.item_id, "close")
    assert "已销号" in at.success[0].value
    with db.session(example_db) as con:
        records = access.read_audit(con, action="supervise")
        closed = items.get_item(con, item.item_id, Scope(), dt.date(2026, 12, 8))
    assert closed.state == "closed" and closed.closed_on == dt.date(2026, 12, 8)
    steps = [d.split("：", 1)[1].split("，")[0] for d in reversed(records["detail"].tolist())]
    assert steps == ["交办", "签收", "反馈", "催办", "标记可销号", "销号"]
    assert list(reversed(records["user_name"].tolist())) == [CITY, DEPARTMENT, DEPARTMENT, CITY, CITY, CITY]


def _raise(path, department: str, county_user: bool = False) -> int:
    with db.session(path) as con:
        account = access.load_user(con, COUNTY if county_user else CITY)
        lines = [raising.text_line(f"核实{department}的走访台账")]
        return items.raise_item(
            con, account, department=department, source="other", lines=lines, today=dt.date(2026, 11, 28)
        ).item_id


def test_a_department_sees_only_its_own_items_even_by_address(example_db):
    own, other = _raise(example_db, "市民政局"), _raise(example_db, "市教育局")
    at = signed_in(DEPARTMENT, item=str(other))  # lands on its open items, the link asking for another's
    assert [t.value for t in at.title] == [labels.PAGE_TITLES["supervision"]]
    assert any("不存在，或不在您的权限范围内" in w.value for w in at.warning)
    listed = table(at, next(f.key for f in at.dataframe if f.key.startswith("sv_list_")))
    assert listed["department"].tolist() == ["市民政局"]
    assert at.selectbox(key="sv_item").value == own
    assert "市教育局" not in rendered_text(at)
    # a department filter in the address outside the account gives nothing at all
    at = signed_in(DEPARTMENT, "supervision", dept="市教育局")
    assert "市教育局的走访台账" not in rendered_text(at)


def test_a_county_office_sees_and_raises_for_its_county_only(example_db):
    _raise(example_db, "市民政局")  # a city item: several counties, not the county's
    own = _raise(example_db, "东川县民政局", county_user=True)
    at = signed_in(COUNTY, "supervision")
    listed = table(at, next(f.key for f in at.dataframe if f.key.startswith("sv_list_")))
    assert listed["number_text"].tolist() == ["督办〔2026〕第2号"]
    assert at.selectbox(key="sv_item").value == own
    offered = at.selectbox(key="sv_hand_department").options
    with db.session(example_db) as con:
        assert offered == items.departments(con, "东川县")
    # on the 单位 page the raise panel lists the county's overdue pairs only
    at = signed_in(COUNTY, "department")
    at = pick(at, "department_pick", "市民政局")
    text = "\n".join(t.value for t in at.text_area if t.label.startswith("督办要求"))
    assert text and "东川县" in text and "临河区" not in text and "西坪县" not in text


def test_readonly_only_reads(example_db):
    item_id = _raise(example_db, "市民政局")
    at = signed_in(READER, "supervision", item=str(item_id))
    assert at.selectbox(key="sv_item").value == item_id
    assert not [s for s in at.segmented_control if s.key and s.key.startswith("sv_step_")]
    assert not [b for b in at.button if b.key in ("sv_hand_raise",)]
    assert any(c.value == labels.SV_PAGE_READONLY for c in at.caption)
    at = signed_in(READER, "reminders")
    assert not [m for m in at.multiselect if m.key == "sv_reminders_departments"]


@pytest.mark.parametrize("user", [CITY, COUNTY, DEPARTMENT, READER])
def test_no_page_of_the_loop_shows_a_full_identifier(example_db, user):
    with db.session(example_db) as con:
        city = access.load_user(con, CITY)
        frame = queries.overdue(
            con, "2026-10", "contacts", Scope(department="市民政局"), today=dt.date(2026, 11, 28), masked=False
        )
        item = items.raise_item(
            con,
            city,
            department="市民政局",
            source="overdue_contacts",
            lines=raising.lines_from_overdue(frame, "contacts", 30),
            today=dt.date(2026, 11, 28),
        )
    at = signed_in(user, "supervision", item=str(item.item_id))
    text = rendered_text(at)
    assert not FULL_ID.search(text) and not FULL_PHONE.search(text)
    if user in (CITY, DEPARTMENT, READER):
        assert masking.mask_id(PEOPLE["朱军华"]) in text


def test_a_department_without_open_items_lands_on_the_overview(example_db):
    at = app_test(user=DEPARTMENT)
    rerun(at)
    # the overview, titled for the department's own view
    assert [t.value for t in at.title] == [labels.OWN_OVERVIEW_TITLE.format(unit="市民政局")]


def test_the_department_page_shows_the_figures_and_raises_an_item(example_db, downloads):
    at = signed_in(CITY, "department", period="2026Q4")
    at = pick(at, "department_pick", "市民政局")
    assert any(s.value == "督办落实情况：市民政局" for s in at.subheader)
    at.radio(key="sv_dept_市民政局_source").set_value("overdue_issues")
    rerun(at)
    at.button(key="sv_dept_市民政局_raise").click()
    rerun(at)
    with db.session(example_db) as con:
        (item,) = items.list_items(con, Scope(), dt.date(2026, 11, 28))
    assert (item.department, item.source) == ("市民政局", "overdue_issues") and item.lines > 0
    at = signed_in(CITY, "department", period="2026Q4")
    at = pick(at, "department_pick", "市民政局")
    figures = table_with(at, "feedback_on_time_rate", "overdue_open")
    assert figures[["department", "items", "overdue_open", "presses"]].values.tolist() == [["市民政局", 1, 0, 0]]


def test_an_upload_on_the_page_marks_items_whose_lines_are_done(example_db, monkeypatch):
    with db.session(example_db) as con:
        frame = queries.overdue(
            con, "2026-10", "contacts", Scope(department="市民政局"), today=dt.date(2026, 11, 28), masked=False
        )
        lines = raising.lines_from_overdue(frame, "contacts", 30, ["朱军华"])
        city = access.load_user(con, CITY)
        item = items.raise_item(
            con, city, department="市民政局", source="overdue_contacts", lines=lines, today=dt.date(2026, 11, 28)
        )
    monkeypatch.setenv("GUANAI_TODAY", "2026-12-04")
    at = signed_in(CITY, "upload")
    text = "身份证号,走访日期,联系方式,干部电话,满意度\n" + f"{PEOPLE['朱军华']},2026-12-02,入户走访,,\n"
    at.file_uploader[0].set_value(("走访记录_12月.csv", text.encode("utf-8-sig"), "text/csv"))
    rerun(at)
    at.button(key="upload_start").click()
    rerun(at)
    with db.session(example_db) as con:
        marked = items.get_item(con, item.item_id, Scope(), dt.date(2026, 12, 4))
        steps = items.history(con, marked)["action"].tolist()
    assert marked.all_done and marked.ready_on == dt.date(2026, 12, 4)
    assert steps == ["raise", "ready"]
