"""督办提醒: the reminder texts per cadre, built from the overdue lists, always masked."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pyarrow as pa
import pytest
from openpyxl import load_workbook

from pipeline import db, labels, masking, periods, queries, reminders, settings
from pipeline.ingest.load import import_file
from tests.conftest import EXAMPLE_DIR, EXAMPLE_TODAY
from tests.test_issue_stats import add_beneficiary, add_contact, add_issue, add_pairing, person_id

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")

# the office's own example, as the brief of the page words it
SINGLE_CONTACT_TEXT = (
    "张三同志：您结对的困难重度残疾人李*明（东川县东川乡）已超过30天未联系（最近联系：2026-08-26，已超期35天），"
    "请尽快联系。\n领导小组办公室\n2026年10月30日"
)
CONTACT_AND_ISSUE_TEXT = (
    "张三同志：您结对的对象中有以下2项事项需要抓紧办理：\n"
    "1. 困难重度残疾人李*明（东川县东川乡）已超过30天未联系（最近联系：2026-08-26，已超期35天），请尽快联系。\n"
    "2. 困难重度残疾人李*明（东川县东川乡）反映的医疗方面问题（编号WT0005，2026-04-28提出）已超期未办结"
    "（已超期155天），请抓紧推动解决。\n"
    "领导小组办公室\n2026年10月30日"
)
TODAY = dt.date(2026, 10, 30)  # the month 2026-10 is then cut at today: as_of is the same day


@pytest.fixture
def hand_con(tmp_path):
    """One cadre (张三, 市民政局) with 李小明: last contact 2026-08-26, issue WT0005 open since 2026-04-28."""
    con = db.connect(tmp_path / "hand.duckdb")
    person = add_beneficiary(con, 1, name="李小明")
    add_pairing(con, person, "张三", "13800001234", "市民政局", dt.date(2026, 1, 1))
    add_contact(con, person, dt.date(2026, 8, 26))
    add_issue(con, person, dt.date(2026, 4, 28), key="WT0005", issue_no="WT0005", category="医疗")
    yield con
    con.close()


def _build(con, period: str = "2026-10", today: dt.date = TODAY, **scope) -> reminders.Reminders:
    target = periods.parse_period(period, today)
    config = settings.read_settings(con)
    contacts = queries.overdue(con, target, "contacts", queries.Scope(**scope), masked=False, config=config)
    issues = queries.overdue(con, target, "issues", queries.Scope(**scope), masked=False, config=config)
    return reminders.build(contacts, issues, config.overdue_days, today, target.as_of)


def _all_text(found: reminders.Reminders) -> str:
    frames = (found.cadres, found.contacts, found.issues, found.unassigned)
    return "\n".join(frame.astype(str).to_csv(index=False) for frame in frames)


def test_one_cadre_with_an_overdue_contact_and_an_overdue_issue(hand_con):
    found = _build(hand_con)
    assert found.cadres.to_dict("records") == [
        {
            "department": "市民政局",
            "cadre_name": "张三",
            "cadre_phone": "138****1234",
            "overdue_contact": 1,
            "issues_overdue": 1,
            "reminder_text": CONTACT_AND_ISSUE_TEXT,
        }
    ]
    assert found.contacts["last_contact_on"].tolist() == [dt.date(2026, 8, 26)]
    assert found.issues["issue_no"].tolist() == ["WT0005"]
    assert found.unassigned.empty


def test_a_single_item_reads_as_one_sentence(hand_con):
    hand_con.execute("update issue set status = '已解决', closed_on = date '2026-10-01'")
    found = _build(hand_con)
    assert found.cadres["reminder_text"].tolist() == [SINGLE_CONTACT_TEXT]


def test_the_threshold_in_the_text_comes_from_the_settings(hand_con):
    settings.write_settings(hand_con, {"overdue_days": 45}, user="测试")
    text = _build(hand_con).cadres["reminder_text"].iloc[0]
    assert "已超过45天未联系（最近联系：2026-08-26，已超期20天）" in text
    assert "（已超期140天）" in text
    assert "30天" not in text


def test_a_past_period_says_which_day_its_facts_are_from(hand_con):
    found = _build(hand_con, "2026Q3", today=EXAMPLE_TODAY)
    text = found.cadres["reminder_text"].iloc[0]
    # as of 30 September the last contact was 35 days old: 5 days overdue; the issue 125 days
    assert text.startswith("张三同志：截至2026年9月30日，您结对的对象中有以下2项事项需要抓紧办理：\n")
    assert "（最近联系：2026-08-26，已超期5天）" in text
    assert "（已超期125天）" in text
    assert text.endswith("\n领导小组办公室\n2026年11月28日")


def test_a_pair_never_contacted_counts_from_the_day_of_pairing(hand_con):
    other = add_beneficiary(hand_con, 2, name="王芳", category="孤儿", county="临河区", township="临河镇")
    add_pairing(hand_con, other, "李四", "13900005678", "市教育局", dt.date(2026, 9, 1))
    found = _build(hand_con)
    text = found.cadres.set_index("cadre_name").loc["李四", "reminder_text"]
    assert text == (
        "李四同志：您结对的孤儿王*（临河区临河镇）已超过30天未联系（结对以来尚无联系记录，结对日期：2026-09-01，"
        "已超期29天），请尽快联系。\n领导小组办公室\n2026年10月30日"
    )


def test_an_issue_without_a_number_is_known_by_its_date(hand_con):
    hand_con.execute("update issue set issue_no = null")
    text = _build(hand_con).cadres["reminder_text"].iloc[0]
    assert "反映的医疗方面问题（2026-04-28提出）已超期未办结" in text


def test_cadres_of_the_same_name_stay_apart_and_are_ordered_by_department(hand_con):
    for sequence, phone, department in (
        (2, "13900000001", "市教育局"),
        (3, "13900000002", "市教育局"),
        (4, "13900000003", "市残联"),
    ):
        person = add_beneficiary(hand_con, sequence, name=f"对象{sequence}")
        add_pairing(hand_con, person, "王伟", phone, department, dt.date(2026, 1, 1))
    extra = add_beneficiary(hand_con, 5, name="对象五")
    add_pairing(hand_con, extra, "王伟", "13900000002", "市教育局", dt.date(2026, 1, 1))
    found = _build(hand_con)
    rows = found.cadres[["department", "cadre_name", "cadre_phone", "overdue_contact"]].values.tolist()
    assert rows == [  # departments in character order; within one, the cadre with more items first
        ["市教育局", "王伟", "139****0002", 2],
        ["市教育局", "王伟", "139****0001", 1],
        ["市残联", "王伟", "139****0003", 1],
        ["市民政局", "张三", "138****1234", 1],
    ]
    departments = reminders.by_department(found.cadres)
    assert departments.values.tolist() == [["市教育局", 2, 3, 0], ["市民政局", 1, 1, 1], ["市残联", 1, 1, 0]]


def test_issues_of_unpaired_beneficiaries_are_listed_apart(hand_con):
    alone = add_beneficiary(hand_con, 9, name="赵六")
    add_issue(hand_con, alone, dt.date(2026, 6, 1), key="alone", issue_no="WT0099")
    found = _build(hand_con)
    assert found.unassigned["issue_no"].tolist() == ["WT0099"]
    assert found.unassigned["beneficiary_name"].tolist() == ["赵*"]
    assert found.cadres["cadre_name"].tolist() == ["张三"]
    assert "WT0099" not in "".join(found.cadres["reminder_text"])


def test_nothing_overdue_gives_no_reminders(hand_con):
    add_contact(hand_con, person_id(1), dt.date(2026, 10, 20))
    hand_con.execute("update issue set status = '已解决', closed_on = date '2026-10-01'")
    found = _build(hand_con)
    assert found.cadres.empty and found.contacts.empty and found.issues.empty and found.unassigned.empty
    assert list(found.cadres.columns) == list(reminders.CADRE_COLUMNS)


def test_department_and_name_filters(hand_con):
    other = add_beneficiary(hand_con, 2, name="王芳")
    add_pairing(hand_con, other, "李四", "13900005678", "市教育局", dt.date(2026, 1, 1))
    found = _build(hand_con)
    narrowed = found.for_department("市教育局")
    assert narrowed.cadres["cadre_name"].tolist() == ["李四"]
    assert narrowed.contacts["cadre_name"].tolist() == ["李四"]
    assert narrowed.issues.empty
    assert found.for_department(None) is found
    assert reminders.search_cadres(found.cadres, " 张 ")["cadre_name"].tolist() == ["张三"]
    assert len(reminders.search_cadres(found.cadres, "")) == 2


def test_output_is_masked_even_from_unmasked_lists(hand_con):
    found = _build(hand_con)
    text = _all_text(found)
    assert not FULL_ID.search(text)
    assert not FULL_PHONE.search(text)
    assert "李小明" not in text
    assert found.contacts["id_number"].tolist() == [person_id(1)[:6] + "********" + person_id(1)[-4:]]


def test_masked_lists_give_the_same_texts(hand_con):
    target = periods.parse_period("2026-10", TODAY)
    masked = reminders.build(
        queries.overdue(hand_con, target, "contacts"), queries.overdue(hand_con, target, "issues"), 30, TODAY, TODAY
    )
    assert masked.cadres["reminder_text"].tolist() == [CONTACT_AND_ISSUE_TEXT]


def test_workbook_holds_the_cadres_and_the_items(hand_con):
    alone = add_beneficiary(hand_con, 9, name="赵六")
    add_issue(hand_con, alone, dt.date(2026, 6, 1), key="alone", issue_no="WT0099")
    found = _build(hand_con)
    book = load_workbook(io.BytesIO(reminders.workbook(found)))
    assert book.sheetnames == [labels.REMINDER_SHEETS[k] for k in ("cadres", "contacts", "issues", "unassigned")]
    cadres = book[labels.REMINDER_SHEETS["cadres"]]
    header = [c.value for c in cadres[1]]
    assert header == ["干部单位", "结对干部", "干部电话", "超期未联系数", "超期未办结", "提醒内容"]
    assert [c.value for c in cadres[2]] == ["市民政局", "张三", "138****1234", 1, 1, CONTACT_AND_ISSUE_TEXT]
    contacts = book[labels.REMINDER_SHEETS["contacts"]]
    assert contacts.max_row == 2
    row = dict(zip([c.value for c in contacts[1]], [c.value for c in contacts[2]], strict=True))
    assert row["姓名"] == "李*明"
    assert row["最近联系日期"].date() == dt.date(2026, 8, 26)
    cells = " ".join(str(c.value) for sheet in book for line in sheet.iter_rows() for c in line)
    assert not FULL_ID.search(cells) and not FULL_PHONE.search(cells)


def test_example_q3_reminders_match_the_overdue_figures(tmp_path):
    con = db.connect(tmp_path / "example.duckdb")
    for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
        import_file(con, EXAMPLE_DIR / name, today=EXAMPLE_TODAY)
    found = _build(con, "2026Q3", today=EXAMPLE_TODAY)
    overall = queries.metrics(con, "2026Q3", "overall", today=EXAMPLE_TODAY).iloc[0]
    con.close()
    assert found.cadres["overdue_contact"].sum() == overall["overdue_contact"] == 29
    assert found.cadres["issues_overdue"].sum() + len(found.unassigned) == overall["issues_overdue"] == 10
    # 郭强静 (东川县民政局) pairs 罗杰英, paired 2026-01-21 and first contacted on 3 October, and 何华刚,
    # whose issue WT0017 of 11 July was still open: 252 − 30 and 81 − 30 days overdue on 30 September
    text = found.cadres.set_index("cadre_name").loc["郭强静", "reminder_text"]
    assert text == (
        "郭强静同志：截至2026年9月30日，您结对的对象中有以下2项事项需要抓紧办理：\n"
        "1. 孤儿罗*英（西坪县西坪街道）已超过30天未联系（结对以来尚无联系记录，结对日期：2026-01-21，已超期222天），"
        "请尽快联系。\n"
        "2. 孤儿何*刚（东川县东川乡）反映的生活方面问题（编号WT0017，2026-07-11提出）已超期未办结（已超期51天），"
        "请抓紧推动解决。\n"
        "领导小组办公室\n2026年11月28日"
    )
    assert not FULL_ID.search(_all_text(found)) and not FULL_PHONE.search(_all_text(found))


def test_empty_frames_build_without_error():
    contacts = pd.DataFrame(columns=list(reminders.CONTACT_COLUMNS))
    issues = pd.DataFrame(columns=list(reminders.ISSUE_COLUMNS))
    found = reminders.build(contacts, issues, 30, TODAY, TODAY)
    assert found.cadres.empty and found.unassigned.empty
    assert reminders.by_department(found.cadres).empty
    book = load_workbook(io.BytesIO(reminders.workbook(found)))
    assert book.sheetnames == [labels.REMINDER_SHEETS[k] for k in ("cadres", "contacts", "issues")]


def _row_by_row(contacts: pd.DataFrame, issues: pd.DataFrame, threshold: int, today, as_of) -> list[dict]:
    """The cadres' rows as the wording functions give them one row at a time, in the order build() returns them."""
    items: dict[tuple, dict] = {}
    assigned = issues[issues["cadre_phone"].notna()]
    for kind, frame in (("contacts", contacts), ("issues", assigned)):
        for row in frame.to_dict("records"):
            entry = items.setdefault(tuple(row[c] for c in reminders.CADRE_KEY), {"contacts": [], "issues": []})
            entry[kind].append(
                reminders.contact_item(row, threshold) if kind == "contacts" else reminders.issue_item(row)
            )
    rows = [
        {
            "department": department,
            "cadre_name": cadre,
            "cadre_phone": masking.mask_phone(phone),
            "overdue_contact": len(entry["contacts"]),
            "issues_overdue": len(entry["issues"]),
            "reminder_text": reminders.reminder_text(cadre, entry["contacts"] + entry["issues"], today, as_of),
        }
        for (department, cadre, phone), entry in items.items()
    ]
    # department by department; within one, the cadres with most items first, then by name, then as they came
    return sorted(
        rows, key=lambda row: (row["department"], -row["overdue_contact"] - row["issues_overdue"], row["cadre_name"])
    )


def _contact(number: int, cadre: str, phone: str, department: str, **values) -> dict:
    row = {
        "id_number": f"62010219800101{number:04d}",
        "beneficiary_name": "李小明",
        "category": "孤儿",
        "county": "东川县",
        "township": "东川乡",
        "village": "一村",
        "cadre_name": cadre,
        "cadre_phone": phone,
        "department": department,
        "paired_on": pd.Timestamp("2026-01-01"),
        "run_started_on": pd.Timestamp("2026-01-01"),
        "last_contact_on": pd.Timestamp("2026-08-26"),
        "days_since_contact": 65,
        "days_overdue": 35,
    }
    return {**row, **values}


def _many_cadres() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Overdue lists with every kind of item: contacted, never contacted, taken over with and without a contact
    since; names and identifiers of unusual lengths; issues with and without a number; an issue with no cadre."""
    contacts = pd.DataFrame(
        [
            _contact(1, "张三", "13800001234", "市民政局", beneficiary_name="王芳"),
            _contact(2, "张三", "13800001234", "市民政局", last_contact_on=pd.NaT, days_overdue=120),
            _contact(
                3, "李四", "13900005678", "市教育局", paired_on=pd.Timestamp("2026-05-01"), last_contact_on=pd.NaT
            ),
            _contact(4, "李四", "13900005678", "市教育局", paired_on=pd.Timestamp("2026-05-01")),
            _contact(
                9,
                "李四",
                "13900005678",
                "市教育局",
                paired_on=pd.Timestamp("2026-05-01"),
                last_contact_on=pd.Timestamp("2026-03-01"),
                days_overdue=208,
            ),
            _contact(5, "王伟", "0931-8888", "市教育局", beneficiary_name="欧阳娜娜娜", id_number="1234567"),
            _contact(6, "王伟", "13900000002", "市教育局", beneficiary_name="王"),
            _contact(7, "王伟", "13900000002", "市教育局", beneficiary_name="司马相如", run_started_on=pd.NaT),
        ]
    ).sort_values("days_overdue", ascending=False, kind="stable")
    issue = {
        **_contact(8, "张三", "13800001234", "市民政局"),
        "issue_no": "WT0005",
        "raised_on": pd.Timestamp("2026-04-28"),
        "issue_category": "医疗",
        "issue_level": "县级",
        "status": "办理中",
        "responsible_unit": "县医保局",
        "description": "报销",
        "days_open": 185,
        "days_overdue": 155,
    }
    issues = pd.DataFrame(
        [
            issue,
            {**issue, "issue_no": None, "cadre_name": "赵六", "cadre_phone": "13700000000"},
            {**issue, "issue_no": "", "cadre_name": "李四", "cadre_phone": "13900005678", "department": "市教育局"},
            {**issue, "cadre_name": None, "cadre_phone": None, "department": None},
        ]
    )
    return contacts, issues


def test_the_texts_of_many_cadres_read_as_the_row_by_row_wording():
    contacts, issues = _many_cadres()
    for as_of in (TODAY, dt.date(2026, 9, 30)):
        found = reminders.build(contacts, issues, 30, TODAY, as_of)
        assert found.cadres.to_dict("records") == _row_by_row(contacts, issues, 30, TODAY, as_of)
    assert len(found.unassigned) == 1
    assert "由前任结对干部联系" in found.cadres["reminder_text"].iloc[0]  # 李四 took 9 over after a contact
    names = found.contacts["beneficiary_name"].tolist()
    assert sorted(names) == sorted(masking.mask_name(n) for n in contacts["beneficiary_name"])
    phones = {masking.mask_phone(phone) for phone in contacts["cadre_phone"]}
    assert set(found.contacts["cadre_phone"]) == phones == {"138****1234", "139****5678", "093**8888", "139****0002"}
    assert "1234567" not in found.contacts["id_number"].tolist()


def _cells(book: bytes) -> list[list[list[object]]]:
    return [[[c.value for c in line] for line in sheet.iter_rows()] for sheet in load_workbook(io.BytesIO(book))]


def test_texts_written_for_the_cadres_shown_are_those_of_the_whole_list(tmp_path):
    many, many_issues = _many_cadres()
    # another 张三 of the same unit, whose phone differs from the first's only where both are masked
    twin = _contact(10, "张三", "13811111234", "市民政局", last_contact_on=pd.NaT, days_overdue=50)
    many = pd.concat([many, pd.DataFrame([twin])], ignore_index=True)
    example, example_issues, target = _example_lists(tmp_path)
    cases = [(many, many_issues, TODAY, TODAY), (example, example_issues, EXAMPLE_TODAY, target.as_of)]
    for contacts, issues, today, as_of in cases:
        whole = reminders.build(contacts, issues, 30, today, as_of)
        lazy = reminders.build(contacts, issues, 30, today, as_of, texts=False)
        assert "reminder_text" not in lazy.cadres.columns
        assert lazy.cadres.equals(whole.cadres.drop(columns="reminder_text"))
        assert lazy.with_texts(lazy.cadres).equals(whole.cadres)
        # any of the cadres, alone or together, in any order
        for row in range(len(lazy.cadres)):
            assert lazy.with_texts(lazy.cadres.iloc[[row]]).equals(whole.cadres.iloc[[row]])
        assert lazy.with_texts(lazy.cadres.iloc[::-2]).equals(whole.cadres.iloc[::-2])
        assert lazy.with_texts(lazy.cadres.iloc[:0]).equals(whole.cadres.iloc[:0])
        for department in lazy.cadres["department"].unique():
            narrowed = lazy.for_department(department)
            assert narrowed.with_texts(narrowed.cadres).equals(whole.for_department(department).cadres)
            for name in narrowed.cadres["cadre_name"].unique():
                found = reminders.search_cadres(narrowed.cadres, name)
                expected = reminders.search_cadres(whole.for_department(department).cadres, name)
                assert narrowed.with_texts(found).equals(expected)
        assert _cells(reminders.workbook(lazy)) == _cells(reminders.workbook(whole))
        # rows renumbered after a filter are not the cadres their index names: refused, not given others' texts
        with pytest.raises(ValueError):
            lazy.with_texts(lazy.cadres.iloc[1:].reset_index(drop=True))
    # the two 张三 stay two cadres, each told of his own people
    lazy = reminders.build(many, many_issues, 30, TODAY, TODAY, texts=False)
    zhang = lazy.cadres.loc[lazy.cadres["cadre_name"] == "张三"]
    assert zhang["cadre_phone"].tolist() == ["138****1234", "138****1234"]
    texts = lazy.with_texts(zhang)["reminder_text"].tolist()
    assert [text.count("王*") for text in texts] == [1, 0] and "您结对的对象中有以下3项" in texts[0]


def _example_lists(tmp_path) -> tuple[pd.DataFrame, pd.DataFrame, periods.Period]:
    """The example's overdue contacts and issues of 2026Q3, unmasked, and the period."""
    con = db.connect(tmp_path / "example.duckdb")
    for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
        import_file(con, EXAMPLE_DIR / name, today=EXAMPLE_TODAY)
    target = periods.parse_period("2026Q3", EXAMPLE_TODAY)
    contacts = queries.overdue(con, target, "contacts", masked=False)
    issues = queries.overdue(con, target, "issues", masked=False)
    con.close()
    return contacts, issues, target


def test_example_reminders_read_as_the_row_by_row_wording(tmp_path):
    contacts, issues, target = _example_lists(tmp_path)
    found = reminders.build(contacts, issues, 30, EXAMPLE_TODAY, target.as_of)
    assert len(found.cadres) == 27
    assert found.cadres.to_dict("records") == _row_by_row(contacts, issues, 30, EXAMPLE_TODAY, target.as_of)
    # the lists keep the order of queries.overdue, masked
    assert found.contacts["id_number"].tolist() == [masking.mask_id(v) for v in contacts["id_number"]]
    days = [None if pd.isna(day) else day for day in found.contacts["last_contact_on"].tolist()]
    assert days == [None if pd.isna(v) else v.date() for v in contacts["last_contact_on"]]
    assert any(day is None for day in days) and all(isinstance(day, dt.date) for day in days if day is not None)


def _in_chunks(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows as pandas holds a frame read from Arrow in several record batches: each column in chunks."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    half = max(1, len(frame) // 2)
    chunked = pa.concat_tables([table.slice(0, half), table.slice(half)]).to_pandas()
    assert isinstance(pa.array(chunked["cadre_phone"]), pa.ChunkedArray)  # what the texts must take
    return chunked


def test_lists_held_in_arrow_chunks_give_the_same_reminders(tmp_path):
    contacts, issues, target = _example_lists(tmp_path)
    whole = reminders.build(contacts, issues, 30, EXAMPLE_TODAY, target.as_of)
    chunked = reminders.build(_in_chunks(contacts), _in_chunks(issues), 30, EXAMPLE_TODAY, target.as_of)
    for name in ("cadres", "contacts", "issues", "unassigned"):
        assert getattr(chunked, name).astype(str).equals(getattr(whole, name).astype(str)), name
