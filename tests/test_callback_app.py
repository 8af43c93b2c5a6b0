"""The page 回访核查 through AppTest (SPEC §8): draw a sample, enter answers, the figures follow; who may do what and
sees whom; a reported problem becomes an issue; the data-quality page's 疑点; the report's sheet."""

from __future__ import annotations

import io
import json

import openpyxl

from app_ui import auth, tables
from pipeline import db, labels, queries, report
from pipeline.callbacks import entry, sample, sheet
from tests.conftest import EXAMPLE_TODAY, app_test
from tests.drill_helpers import open_page as drill_page
from tests.drill_helpers import pick, table_with

PAGE_SIZE = 10  # forms per page on 回访核查


def open_page(user: str | None = None):
    at = app_test() if user is None else app_test(user=user)
    at.run()
    at.switch_page("app_pages/callbacks.py")
    at.run()
    assert not at.exception, at.exception
    return at


def button(at, label: str, index: int = 0):
    return [b for b in at.button if b.label == label][index]


def metric_value(at, label: str):
    return next(m.value for m in at.metric if m.label == label)


def stored(path, sql: str, params=()):
    with db.session(path) as con:
        return con.execute(sql, list(params)).fetchall()


def sample_lines(at) -> list:
    """The tables of the sample's people the page shows."""
    return [f.value for f in at.dataframe if "line_no" in f.value.columns]


def open_tab(at, label: str):
    """Choose a tab of the page: only the open tab's part runs."""
    at.session_state["cb_part"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def draw(at, count: int = 1, seed: str = "5"):
    at.number_input(key="cb_count").set_value(count)
    at.text_input(key="cb_seed").set_value(seed)
    button(at, labels.CB_PAGE_DRAW_BUTTON).click()
    at.run()
    assert not at.exception, at.exception
    return at


def test_draw_a_sample_enter_answers_and_the_figures_follow(example_db):
    at = open_page()
    assert any(labels.CB_PAGE_FIGURES_NONE.split("{")[0] in i.value or "还没有回访记录" in i.value for i in at.info)
    infos = [i.value for i in at.info]  # "no sample yet" once; the entry tab says what to do first
    assert infos.count(labels.CB_PAGE_SAMPLES_NONE) == 1 and labels.CB_PAGE_ENTRY_NO_SAMPLE in infos
    at = draw(at, count=1, seed="5")
    assert any("已抽取第1号回访样本" in s.value for s in at.success)
    ((sample_id, seed, people),) = stored(
        example_db,
        "select s.sample_id, s.seed, count(*) from callback_sample s "
        "join callback_sample_line using (sample_id) group by all",
    )
    assert (sample_id, seed) == (1, 5) and people == 6  # one per department of the example
    # the first person answers: reached, does not know the cadre, the contacts did not happen, satisfied
    key = "cb_1_1"
    at.radio(key=f"{key}_knows").set_value("否")
    at.radio(key=f"{key}_truth").set_value("不属实")
    at.radio(key=f"{key}_satisfied").set_value("满意")
    at.text_area(key=f"{key}_issue").set_value("冬天取暖煤不够")
    button(at, labels.CB_PAGE_ENTRY_SAVE).click()
    at.run()
    assert not at.exception, at.exception
    assert any("已保存1号" in s.value for s in at.success)
    rows = stored(
        example_db,
        "select reach, knows_cadre, contact_truth, satisfaction, reported_issue, sample_id, "
        "callback_date from callback",
    )
    assert rows == [("接通", "否", "不属实", "满意", "冬天取暖煤不够", 1, EXAMPLE_TODAY)]
    assert metric_value(at, labels.METRIC_LABELS["callbacks"]) == "1"
    assert metric_value(at, labels.METRIC_LABELS["callback_truth_rate"]) == "0.0%"
    # the page entry is an import batch of its own, with its audit record
    batches = stored(example_db, "select kind, file_name, user_name from import_batch where kind = 'callback'")
    assert batches == [("callback", labels.CB_PAGE_ENTRY_FILE.format(sample=1, line=1), "市级测试")]
    actions = [a for (a,) in stored(example_db, "select action from audit_log order by audit_id")]
    assert "callback" in actions and actions[-1] == "import"
    # the second person was not reached: whatever the radios showed, no answers are kept
    at.radio(key="cb_1_2_reach").set_value("未接通")
    at.radio(key="cb_1_2_knows").set_value("是")
    button(at, labels.CB_PAGE_ENTRY_SAVE).click()
    at.run()
    assert stored(example_db, "select reach, knows_cadre from callback where reach <> '接通'") == [("未接通", None)]
    assert metric_value(at, labels.METRIC_LABELS["callbacks"]) == "2"
    assert metric_value(at, labels.METRIC_LABELS["callback_reach_rate"]) == "50.0%"


def test_a_reported_problem_becomes_an_issue_of_the_ledger(example_db):
    at = draw(open_page(), count=1, seed="9")
    at.text_area(key="cb_1_1_issue").set_value("房屋漏雨需维修")
    button(at, labels.CB_PAGE_ENTRY_SAVE).click()
    at.run()
    assert not [b for b in at.button if b.label == labels.CB_PAGE_ISSUE_BUTTON]  # the problems' tab is not open
    at = open_tab(at, labels.CB_PAGE_ISSUES)
    (category,) = [s for s in at.selectbox if s.label == labels.CB_PAGE_ISSUE_CATEGORY]
    category.set_value("住房")
    button(at, labels.CB_PAGE_ISSUE_BUTTON).click()
    at.run()
    assert not at.exception, at.exception
    issues = stored(
        example_db,
        "select category, description, level, status, responsible_unit, raised_on from issue "
        "where description like '回访反映%'",
    )
    ((category, description, level, status, unit, raised_on),) = issues
    assert (category, description, level, status) == ("住房", "回访反映：房屋漏雨需维修", "领导小组办公室", "待办理")
    assert unit and raised_on == EXAMPLE_TODAY
    # in the ledger now: no longer among those waiting, shown as done among all of them
    assert not [b for b in at.button if b.label == labels.CB_PAGE_ISSUE_BUTTON]
    assert labels.CB_PAGE_ISSUES_ALL_DONE in [s.value for s in at.success]
    at.segmented_control(key="cb_issues_which").set_value("all").run()
    assert any(labels.CB_PAGE_ISSUE_DONE in c.value for c in at.caption)
    assert any(t.value == "房屋漏雨需维修" for t in at.text)


def test_a_county_user_draws_his_county_only(example_db):
    draw(open_page("县区测试"), count=3, seed="1")
    counties = stored(
        example_db, "select distinct beneficiary.county from callback_sample_line join beneficiary using (id_number)"
    )
    assert counties == [("东川县",)]
    assert stored(example_db, "select scope_county, created_by from callback_sample") == [("东川县", "县区测试")]


def test_a_department_user_sees_his_pairs_and_draws_nothing(example_db):
    with db.session(example_db) as con:
        sample.draw(con, "2026Q4", per_department=2, seed=3, today=EXAMPLE_TODAY)
    at = open_page("单位测试")
    assert not [b for b in at.button if b.label == labels.CB_PAGE_DRAW_BUTTON]
    assert any(labels.CB_PAGE_DRAW_READONLY.format(role="单位") == i.value for i in at.info)
    (lines,) = [f.value for f in at.dataframe if "line_no" in f.value.columns]  # the sample's people
    assert set(lines["department"]) == {"市民政局"} and len(lines) == 2
    assert not [b for b in at.button if b.label == labels.CB_PAGE_ENTRY_SAVE]


def test_the_quality_page_shows_the_doubts(example_db):
    at = app_test()
    at.run()
    at.switch_page("app_pages/quality.py")
    at.run()
    assert not at.exception, at.exception
    titles = [t.label for t in at.tabs]
    assert labels.QUALITY_DOUBT_TAB in titles and labels.QUALITY_CHECK_TITLES["callback_untrue_contacts"] in titles
    assert any(m.label == labels.QUALITY_DOUBT_TAB for m in at.metric)
    # the 疑点 run when their tab opens: their card then holds their count, and the tab their rows
    at.session_state["quality_part"] = labels.QUALITY_DOUBT_TAB
    at.run()
    assert not at.exception, at.exception
    count = next(m.value for m in at.metric if m.label == labels.QUALITY_DOUBT_TAB)
    shown = next(f.value for f in at.dataframe if labels.QUALITY_COLUMN_LABELS["rule"] in f.value.columns)
    assert count == f"{len(shown):,}" and len(shown) > 0


def test_the_report_has_the_callback_sheet(example_db):
    with db.session(example_db) as con:
        quiet = report.build_report(con, "2026Q3", today=EXAMPLE_TODAY)
        assert quiet.callbacks is None  # no callback and no 疑点 in the example's third quarter: no sheet
        drawn = sample.draw(con, "2026Q3", per_department=1, seed=3, today=EXAMPLE_TODAY)
        person = sample.lines(con, drawn, masked=False).iloc[0]
        answers = {"callback_date": "2026-09-20", "caller": "王", "reach": "接通", "knows_cadre": "是"}
        entry.record(con, drawn.sample_id, 1, person["id_number"], answers, user="测试", today=EXAMPLE_TODAY)
        made = report.build_report(con, "2026Q3", today=EXAMPLE_TODAY)
    workbook = openpyxl.load_workbook(io.BytesIO(report.report_workbook(made)))
    assert workbook.sheetnames[-1] == labels.CB_REPORT_SHEET
    sheet_rows = list(workbook[labels.CB_REPORT_SHEET].iter_rows(values_only=True))
    assert sheet_rows[2][:3] == ("县区", labels.METRIC_LABELS["callbacks"], labels.METRIC_LABELS["callback_reach_rate"])
    assert (person["county"], 1, 1) in [row[:3] for row in sheet_rows]
    cells = [c for row in sheet_rows for c in row if c]
    assert labels.CB_REPORT_BY_DEPARTMENT in cells and labels.CB_REPORT_NO_DOUBTS in cells


def test_the_settings_page_offers_the_thresholds(example_db):
    at = app_test()
    at.run()
    at.switch_page("app_pages/settings.py")
    at.run()
    assert not at.exception, at.exception
    at.number_input(key="setting_doubt_day_visits").set_value(6)
    next(b for b in at.button if b.label == labels.SETTINGS_SAVE).click()
    at.run()
    assert stored(example_db, "select key, value from settings") == [("doubt_day_visits", 6.0)]


def test_the_filled_sheet_uploaded_on_the_page(example_db):
    with db.session(example_db) as con:
        drawn = sample.draw(con, "2026Q4", per_department=1, seed=4, today=EXAMPLE_TODAY)
        workbook = openpyxl.load_workbook(io.BytesIO(sheet.sheet_bytes(con, drawn)))
    ws = workbook.active
    header = [c.value.rstrip("*") for c in ws[sheet.HEADER_ROW]]
    first = sheet.FIRST_DATA_ROW
    ws.cell(first, header.index("回访日期") + 1).value = "2026-11-26"
    ws.cell(first, header.index("接通情况") + 1).value = "未接通"
    buffer = io.BytesIO()
    workbook.save(buffer)
    at = open_tab(open_page(), labels.CB_PAGE_UPLOAD)
    at.file_uploader(key="cb_upload").set_value(("回访清单.xlsx", buffer.getvalue(), auth.XLSX_MIME))
    at.run()
    button(at, labels.CB_PAGE_UPLOAD_BUTTON).click()
    at.run()
    assert not at.exception, at.exception
    assert any("新增1" in s.value for s in at.success)
    assert stored(example_db, "select reach, sample_id from callback") == [("未接通", drawn.sample_id)]
    assert stored(example_db, "select action from audit_log order by audit_id desc limit 1") == [("import",)]


def test_contacts_found_untrue_are_marked_on_the_cadre_timeline(example_db):
    with db.session(example_db) as con:
        cadres = queries.cadre_rows(con, "2026Q3", "市教育局", today=EXAMPLE_TODAY)
        key = ("市教育局", "郭斌", cadres.set_index("cadre").loc["郭斌", "cadre_phone_masked"])
        contacts = queries.drill_rows(con, "2026Q3", "cadre", key, "contacts", today=EXAMPLE_TODAY, masked=False)
        person = contacts.sort_values("contact_date")["id_number"].iloc[-1]
        ledger = (
            "callback (callback_key, id_number, callback_date, caller, reach, knows_cadre, contact_truth, batch_id)"
        )
        con.execute(f"insert into {ledger} values ('k', ?, '2026-09-30', '王', '接通', '是', '不属实', 1)", [person])
        flagged = contacts[contacts["id_number"] == person]
    at = pick(drill_page("department"), "department_pick", "市教育局")
    at = pick(at, "cadre_pick", labels.CADRE_OPTION.format(name="郭斌", phone=key[2]))
    assert not at.exception, at.exception
    timeline = json.loads(at.get("plotly_chart")[-1].proto.spec)
    (ring,) = [trace for trace in timeline["data"] if trace["name"] == labels.UNTRUE_MARK]
    assert len(ring["x"]) == len(flagged[flagged["contact_date"] > "2026-07-02"])
    shown = table_with(at, "contact_date", "method", "callback_untrue")
    assert (shown["callback_untrue"] == labels.UNTRUE_MARK).sum() == len(ring["x"])


def test_a_long_list_shows_its_first_rows_a_search_and_every_row_in_its_file(example_db, downloads, monkeypatch):
    monkeypatch.setattr(tables, "SHOWN_ROWS", 4)
    with db.session(example_db) as con:
        drawn = sample.draw(con, "2026Q4", per_department=1, seed=5, today=EXAMPLE_TODAY)
        people = sample.lines(con, drawn)
    assert len(people) == 6
    at = open_page()
    (lines,) = sample_lines(at)
    assert list(lines["line_no"]) == [1, 2, 3, 4]
    assert labels.TABLE_ROWS_SHOWN.format(total=6, shown=4) in [c.value for c in at.caption]
    file_name = f"{labels.CB_PAGE_LINES}_1.xlsx"

    def file_lines() -> list[int]:
        book = openpyxl.load_workbook(io.BytesIO(downloads[file_name]()), read_only=True)
        rows = list(book.active.iter_rows(values_only=True))
        start = next(i for i, row in enumerate(rows) if labels.CB_PAGE_COLUMN_LABELS["line_no"] in row)
        return [row[0] for row in rows[start + 1 :] if row[0] is not None]

    assert file_lines() == [1, 2, 3, 4, 5, 6]  # the file holds the whole list
    department = people["department"].iloc[5]
    at.text_input(key="cb_lines_1_search").set_value(department).run()
    (lines,) = sample_lines(at)
    assert list(lines["line_no"]) == [6] and list(lines["department"]) == [department]
    assert labels.TABLE_ROWS_FOUND.format(found=1, total=6) in [c.value for c in at.caption]
    assert file_lines() == [6]  # and the file what the search found
    at.text_input(key="cb_lines_1_search").set_value("没有这个单位").run()
    assert not sample_lines(at)
    assert labels.TABLE_SEARCH_NONE.format(text="没有这个单位", total=6) in [i.value for i in at.info]


def test_the_reported_problems_come_a_page_at_a_time(example_db):
    with db.session(example_db) as con:
        drawn = sample.draw(con, "2026Q4", per_department=2, seed=5, today=EXAMPLE_TODAY)
        people = sample.lines(con, drawn, masked=False)
        for line in people.itertuples():
            answers = {
                "callback_date": EXAMPLE_TODAY,
                "caller": "王",
                "reach": "接通",
                "reported_issue": f"问题{line.line_no}",
            }
            report = entry.record(
                con, drawn.sample_id, line.line_no, line.id_number, answers, user="测试", today=EXAMPLE_TODAY
            )
            assert report.inserted == 1, report.errors
    total = len(people)
    assert total > PAGE_SIZE
    at = open_tab(open_page(), labels.CB_PAGE_ISSUES)
    categories = [s for s in at.selectbox if s.label == labels.CB_PAGE_ISSUE_CATEGORY]
    assert len(categories) == PAGE_SIZE  # one form per problem of the page, never one per problem of the period
    assert labels.CB_PAGE_ISSUES_COUNT.format(count=total, size=PAGE_SIZE) in [c.value for c in at.caption]
    at.number_input(key="cb_issues_page_todo").set_value(2).run()
    on_second = [t.value for t in at.text]
    assert len([s for s in at.selectbox if s.label == labels.CB_PAGE_ISSUE_CATEGORY]) == total - PAGE_SIZE
    # the last problems of the list go to the ledger: the list is one page again, and the page shows it
    for _ in range(total - PAGE_SIZE):
        button(at, labels.CB_PAGE_ISSUE_BUTTON).click()
        at.run()
        assert not at.exception, at.exception
    assert len(stored(example_db, "select * from issue where description like '回访反映%'")) == total - PAGE_SIZE
    assert len([s for s in at.selectbox if s.label == labels.CB_PAGE_ISSUE_CATEGORY]) == PAGE_SIZE
    assert not set(on_second) & {t.value for t in at.text}  # those now in the ledger are no longer waiting
