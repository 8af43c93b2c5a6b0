"""The dispatch report (pipeline/report.py): workbook contents and print settings, rank changes, the
departments behind, neutralised and masked cells, the HTML page and the PDF."""

from __future__ import annotations

import io
import math
import os
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipeline import db, labels, periods, queries, report, settings
from pipeline.ingest.load import import_file
from tests.conftest import EXAMPLE_TODAY
from tests.test_metrics_edges import Ledger

QUARTER_SHEETS = [
    "总体情况",
    "县区排名",
    "单位排名",
    "后进单位",
    "超期督办",
    "问题台账",
    "典型单位",
    "附1超期未联系名单",
    "附2超期未办结名单",
]
MONTH_SHEETS = ["总体情况", "县区排名", "单位排名", "后进单位", "超期督办", "附1超期未联系名单", "附2超期未办结名单"]
YEAR_SHEETS = ["总体情况", "月度走势", "县区排名", "单位排名", "后进单位", "超期督办", "问题台账", "典型单位"]
FULL_ID = re.compile(r"(?<![0-9])\d{17}[\dX](?![0-9])")
FULL_MOBILE = re.compile(r"(?<![0-9])1\d{10}(?![0-9])")


@pytest.fixture(scope="module")
def example_con(tmp_path_factory, example_dir_module):
    path = tmp_path_factory.mktemp("report") / "example.duckdb"
    con = db.connect(path)
    for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
        assert import_file(con, example_dir_module / name, today=EXAMPLE_TODAY).rejected == 0
    yield con
    con.close()


@pytest.fixture(scope="module")
def example_dir_module():
    from tests.conftest import EXAMPLE_DIR

    return EXAMPLE_DIR


@pytest.fixture(scope="module")
def quarter(example_con):
    data = report.build_report(example_con, "2026Q3", today=EXAMPLE_TODAY)
    return data, load_workbook(io.BytesIO(report.report_workbook(data)))


def rows(sheet, first: int = 4) -> list[tuple]:
    """The table rows of a report sheet (the header is row 3)."""
    return [r for r in sheet.iter_rows(min_row=first, values_only=True) if any(v is not None for v in r)]


def table(sheet) -> list[dict]:
    """A report sheet's table as dicts keyed by its Chinese headers (notes under the table left out)."""
    headers = [c.value for c in sheet[3]]
    found = []
    for values in rows(sheet):
        if values[1:] and all(v is None for v in values[1:]):
            break  # the first note row: one merged cell
        found.append(dict(zip(headers, values, strict=True)))
    return found


def every_text(workbook) -> list[str]:
    return [str(c.value) for s in workbook for r in s.iter_rows() for c in r if c.value is not None]


# ---------------------------------------------------------------- the example data


def test_quarter_sheets_and_headline_equal_the_metrics_engine(example_con, quarter):
    data, book = quarter
    assert book.sheetnames == QUARTER_SHEETS
    engine = queries.compare_previous(example_con, "2026Q3", "overall", today=EXAMPLE_TODAY).iloc[0]
    summary = {r[0]: r for r in rows(book["总体情况"]) if r[0] in labels.METRIC_LABELS.values()}
    for metric in queries.METRIC_COLUMNS:
        shown = [math.nan if value is None else value for value in summary[labels.METRIC_LABELS[metric]]]
        assert shown[1] == pytest.approx(engine[metric], nan_ok=True), metric  # an empty cell: an empty figure
        assert shown[2] == pytest.approx(engine[f"{metric}_previous"], nan_ok=True), metric
    contact = summary[labels.METRIC_LABELS["contact_rate"]]
    # expected_2026Q3_overall.csv: contact_rate 0.7414, printed as a percentage
    assert round(contact[1], 4) == 0.7414
    first_column = list(book["总体情况"].iter_rows(min_col=1, max_col=4))
    contact_cell = next(row[1] for row in first_column if row[0].value == "联系覆盖率")
    assert contact_cell.number_format == "0.0%"
    assert contact[3] == pytest.approx(engine["contact_rate_change"] * 100)  # a signed number, not "+1.5" text
    change_cell = next(row[3] for row in first_column if row[0].value == "联系覆盖率")
    assert change_cell.data_type == "n" and "个百分点" in change_cell.number_format
    change = engine["contact_rate_change"] * 100
    direction = "提高" if change > 0 else "下降"
    assert f"全市联系覆盖率74.1%，较上季度{direction}{abs(change):.1f}个百分点。" in data.sentences
    assert data.sentences[0].startswith("截至2026年9月30日，全市在册帮扶对象62人，已结对58人")
    sentences = [str(r[0]) for r in rows(book["总体情况"])]
    assert any(s.startswith("全市联系覆盖率74.1%") for s in sentences)


def test_rankings_carry_the_engine_figures(example_con, quarter):
    _, book = quarter
    counties = {r["县区"]: r for r in table(book["县区排名"])}
    engine = queries.metrics(example_con, "2026Q3", "county", today=EXAMPLE_TODAY).set_index("county")
    for county, figures in engine.iterrows():
        assert counties[county]["综合得分"] == pytest.approx(figures["score"])
        assert counties[county]["联系达标率"] == pytest.approx(figures["on_standard_rate"])
    assert counties["全市"]["在册对象数"] == 62  # the total row
    ranked = [r for r in table(book["县区排名"]) if r["排名"] is not None]
    scores = [r["综合得分"] for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert [r["排名"] for r in ranked] == [1, 2, 3]
    departments = [r["干部单位"] for r in table(book["单位排名"])]
    assert labels.UNPAIRED_LABEL not in departments
    engine_departments = queries.metrics(example_con, "2026Q3", "department", today=EXAMPLE_TODAY)["department"]
    assert sorted(departments) == sorted(d for d in engine_departments if d != labels.UNPAIRED_LABEL)


def test_print_settings_of_every_sheet(quarter):
    _, book = quarter
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        assert sheet["A1"].value  # a title on every sheet
        if sheet.title == "总体情况":
            assert sheet.freeze_panes == "A3"
        else:
            assert sheet.freeze_panes == "A4", sheet.title  # the header row stays in sight
            assert sheet.print_title_rows == "$3:$3", sheet.title  # and is printed on every page
            assert all(sheet.column_dimensions[c.column_letter].width >= 6 for c in sheet[3])


def test_rag_fills_and_percent_formats(quarter):
    data, book = quarter
    sheet = book["单位排名"]
    headers = [c.value for c in sheet[3]]
    column = headers.index("联系达标率") + 1
    for row in range(4, 4 + len(data.departments)):
        cell = sheet.cell(row=row, column=column)
        assert cell.number_format == "0.0%"
        band = settings.rag_band(cell.value)
        expected = {"green": "DDF1E4", "amber": "FFEFCC", "red": "F9D9D7"}[band]
        assert cell.fill.fgColor.rgb.endswith(expected)


def test_no_full_identifier_in_any_cell_unless_unmasked(example_con, quarter):
    _, book = quarter
    texts = every_text(book)
    assert not [t for t in texts if FULL_ID.search(t) or FULL_MOBILE.search(t)]
    assert any("****" in t for t in texts)  # the lists are there, masked
    unmasked = report.build_report(example_con, "2026Q3", today=EXAMPLE_TODAY, masked=False)
    plain = every_text(load_workbook(io.BytesIO(report.report_workbook(unmasked))))
    assert any(FULL_ID.search(t) for t in plain) and any(FULL_MOBILE.search(t) for t in plain)


def test_month_and_year_reports(example_con):
    month = report.build_report(example_con, "2026-10", today=EXAMPLE_TODAY)
    # the example's October has a 疑点 (contacts after a person left: 回访核查, SPEC §8), hence its sheet
    names = load_workbook(io.BytesIO(report.report_workbook(month))).sheetnames
    assert names == [*MONTH_SHEETS, labels.CB_REPORT_SHEET]
    assert month.title == "全市结对关爱行动2026年10月工作月报"
    assert any(s.startswith("全市联系覆盖率35.1%，较上月") for s in month.sentences)  # expected_2026-10_overall
    year = report.build_report(example_con, "2026", today=EXAMPLE_TODAY)
    book = load_workbook(io.BytesIO(report.report_workbook(year)))
    assert book.sheetnames == [*YEAR_SHEETS, labels.CB_REPORT_SHEET]
    assert year.title == "全市结对关爱行动2026年（截至2026年11月28日）工作总结"
    trend = table(book["月度走势"])
    assert [r["月份"] for r in trend] == [f"2026-{m:02d}" for m in range(1, 12)]
    july_to_september = {r["月份"]: r for r in trend}
    monthly = queries.trend(example_con, "2026-07", "2026-09", "overall", today=EXAMPLE_TODAY)
    for _, figures in monthly.iterrows():
        assert july_to_september[figures["month"]]["联系覆盖率"] == pytest.approx(figures["contact_rate"])


def test_kind_must_fit_the_period(example_con):
    with pytest.raises(ValueError, match="月报"):
        report.build_report(example_con, "2026Q3", kind="month", today=EXAMPLE_TODAY)
    with pytest.raises(ValueError):
        report.build_report(example_con, "2026Q3", kind="week", today=EXAMPLE_TODAY)
    ranged = report.build_report(example_con, "2026-07-01..2026-09-30", kind="quarter", today=EXAMPLE_TODAY)
    assert ranged.sections == report.SECTIONS["quarter"]


def test_html_is_self_contained_and_masked(quarter):
    data, _ = quarter
    page = report.report_html(data)
    # opens without a network and without a script: the charts are inline SVG, a few kilobytes each
    assert not re.findall(r"<(?:script|link|img)\b", page)
    assert page.count("<svg ") == len(report.report_charts(data)) >= 3
    assert len(page.encode("utf-8")) < 300_000
    assert "全市联系覆盖率74.1%" in page
    assert "二、县区排名" in page and "七、典型单位" in page
    # every county name is printed in full in its chart, with its score and the RAG colour of the band
    counties = dict(report.report_charts(data))["counties"]
    for name, score in zip(data.counties["county"], data.counties["score"], strict=True):
        assert f">{name}</text>" in counties and f">{score:.1f}</text>" in counties
    assert not FULL_ID.search(page) and not FULL_MOBILE.search(page)
    assert labels.REPORT_LISTS_IN_WORKBOOK in page  # the named lists stay in the workbook


def test_pdf_is_rendered_by_chromium(quarter):
    if report.chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must render the PDF, but Chromium is missing at {report.chromium_candidate()}")
        pytest.skip(f"no Chromium at {report.chromium_candidate()}")
    data, _ = quarter
    pdf = report.report_pdf(report.report_html(data))
    assert pdf is not None and pdf.startswith(b"%PDF")
    pages = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(pages) >= 3
    assert all(float(w) > float(h) for w, h in pages)  # landscape
    assert abs(float(pages[0][0]) - 841.9) < 2  # A4: 297 mm wide


def test_pdf_says_none_without_chromium(monkeypatch, tmp_path):
    monkeypatch.setenv("GUANAI_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert report.report_pdf("<html></html>") is None
    assert not report.pdf_available()


# ---------------------------------------------------------------- hand-built fixtures

# 综合得分 of a department whose pairs have no issues and no ratings: 100 × (0.2 × pairing + 0.3 × on standard
# + 0.2 × home visits) / 0.7. One pair per department, paired long before:
#   every month by phone plus one home visit → 100; every month by phone → 71.4;
#   one home visit in one month → 57.1; nothing → 28.6.
QUARTER_MONTHS = {"2026Q2": ("04", "05", "06"), "2026Q3": ("07", "08", "09")}


def _level(book: Ledger, person: str, quarter: str, level: int) -> None:
    months = QUARTER_MONTHS[quarter]
    if level >= 2:
        for month in months:
            book.contact(person, f"2026-{month}-10", "电话")
    if level in (1, 3):
        book.contact(person, f"2026-{months[1]}-20", "入户走访")


@pytest.fixture
def two_quarters(tmp_path):
    book = Ledger(tmp_path / "ranks.duckdb")
    levels = {"甲局": (3, 2), "乙局": (2, 1), "丙局": (1, 3), "戊局": (0, 0)}  # (Q2, Q3)
    for number, (department, (q2, q3)) in enumerate(levels.items()):
        person = book.person()
        book.pair(person, f"1380000100{number}", department, "2025-01-01")
        _level(book, person, "2026Q2", q2)
        _level(book, person, "2026Q3", q3)
    newcomer = book.person()
    book.pair(newcomer, "13800001009", "丁局", "2026-07-01")  # not paired at the end of Q2: a new entry
    yield book
    book.con.close()


def test_rank_changes_against_the_previous_quarter(two_quarters):
    data = report.build_report(two_quarters.con, "2026Q3", today=EXAMPLE_TODAY)
    book = load_workbook(io.BytesIO(report.report_workbook(data)))
    shown = [(r["排名"], r["较上期"], r["干部单位"], round(r["综合得分"], 1)) for r in table(book["单位排名"])]
    assert shown == [
        (1, "↑2", "丙局", 100.0),  # 3rd → 1st
        (2, "↓1", "甲局", 71.4),  # 1st → 2nd
        (3, "↓1", "乙局", 57.1),  # 2nd → 3rd
        (4, "新", "丁局", 28.6),  # not ranked last quarter
        (4, "—", "戊局", 28.6),  # 4th → 4th (sharing the place)
    ]


def test_departments_behind_and_their_reasons(two_quarters):
    data = report.build_report(two_quarters.con, "2026Q3", today=EXAMPLE_TODAY)
    behind = {r["department"]: r["reasons"] for r in data.behind.to_dict("records")}
    assert list(behind) == ["丁局", "戊局", "乙局", "甲局"]  # below 75 points, lowest first
    assert behind["甲局"] == "入户覆盖率0.0%，低于75%"
    assert behind["乙局"] == "联系达标率0.0%，低于75%"
    assert behind["戊局"] == "联系覆盖率0.0%，低于75%；入户覆盖率0.0%，低于75%；联系达标率0.0%，低于75%"
    book = load_workbook(io.BytesIO(report.report_workbook(data)))
    assert [r["主要差距"] for r in table(book["后进单位"])][-1] == "入户覆盖率0.0%，低于75%"
    typical = [r["干部单位"] for r in table(book["典型单位"])]
    assert typical == ["丙局"]
    # the office moves the amber line to 50%: 甲局 and 乙局 clear it, the reasons quote the new line
    settings.write_settings(two_quarters.con, {"rag_amber": 0.5}, "测试")
    data = report.build_report(two_quarters.con, "2026Q3", today=EXAMPLE_TODAY)
    behind = {r["department"]: r["reasons"] for r in data.behind.to_dict("records")}
    assert list(behind) == ["丁局", "戊局"]
    assert behind["戊局"].startswith("联系覆盖率0.0%，低于50%")
    assert any("综合得分低于50分的后进单位2个" in sentence for sentence in data.sentences)


def test_reasons_quote_the_amber_line_in_force_and_fall_back_to_the_score(tmp_path):
    book = Ledger(tmp_path / "score.duckdb")
    person = book.person()
    book.pair(person, "13800002001", "甲局", "2025-01-01")
    for month in ("07", "09"):  # August missing: 联系达标 fails, the rest is green
        book.contact(person, f"2026-{month}-10", "入户走访", "满意")
    settings.write_settings(book.con, {"rag_amber": 0.8, "rag_green": 0.95}, "测试")
    data = report.build_report(book.con, "2026Q3", today=EXAMPLE_TODAY)
    # score = 100 × (0.2 + 0 + 0.2 + 0.1) / 0.8 = 62.5: behind; 联系达标率 0% is its only red rate
    assert data.behind["reasons"].tolist() == ["联系达标率0.0%，低于80%"]
    assert report.behind_reasons({"score": 70.0, "contact_rate": 0.85}, data.config) == "综合得分70.0分，低于80分"
    book.con.close()


PAYLOADS = {
    "department": '=HYPERLINK("http://example.com","点我")',
    "county": "@SUM(1+1)",
    "description": "+cmd|' /C calc'!A0",
    "cadre": "-2+3",
}


@pytest.fixture
def poisoned(tmp_path):
    book = Ledger(tmp_path / "poison.duckdb")
    person = book.person(county=PAYLOADS["county"])
    book.pair(person, "13800003001", PAYLOADS["department"], "2025-01-01")
    book.con.execute("update pairing set cadre_name = ? where id_number = ?", [PAYLOADS["cadre"], person])
    book.con.execute(
        "insert into issue values ('k1', null, ?, '2026-07-01', '生活', ?, '干部本人', ?, '待办理', null, null, 3)",
        [person, PAYLOADS["description"], "=1+1"],
    )
    yield book
    book.con.close()


def test_formula_payloads_are_neutralised(poisoned):
    data = report.build_report(poisoned.con, "2026Q3", today=EXAMPLE_TODAY)
    book = load_workbook(io.BytesIO(report.report_workbook(data)))
    found = {}
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    for name, payload in PAYLOADS.items():
                        if cell.value == "'" + payload:
                            found.setdefault(name, []).append(sheet.title)
    assert "单位排名" in found["department"] and "附2超期未办结名单" in found["department"]
    assert "县区排名" in found["county"]
    assert found["description"] == ["附2超期未办结名单"]
    assert "附1超期未联系名单" in found["cadre"]


def test_identifiers_quoted_in_free_text_are_masked(tmp_path):
    book = Ledger(tmp_path / "free_text.duckdb")
    person = book.person()
    book.pair(person, "13800004001", "甲局", "2025-01-01")
    quoted = f"对象家属（身份证{person}，电话13912345678）反映住房漏雨"
    book.con.execute(
        "insert into issue values ('k2', null, ?, '2026-07-01', '住房', ?, '干部本人', null, '待办理', null, null, 3)",
        [person, quoted],
    )
    masked = report.build_report(book.con, "2026Q3", today=EXAMPLE_TODAY)
    description = masked.overdue_issues["description"].iloc[0]
    assert description == f"对象家属（身份证{person[:6]}********{person[-4:]}，电话139****5678）反映住房漏雨"
    assert (
        report.build_report(book.con, "2026Q3", today=EXAMPLE_TODAY, masked=False).overdue_issues["description"].iloc[0]
        == quoted
    )
    book.con.close()


def test_a_running_period_says_what_it_covers(example_con):
    """On 11-28 the running quarter is judged on October only; the running month has no 联系达标率 at all."""
    quarter = report.build_report(example_con, "2026Q4", kind="quarter", today=EXAMPLE_TODAY)
    assert "本季度尚未结束，各项数字截至2026年11月28日；联系达标率只考核已经结束的10月，进行中的月份不作要求。" in (
        quarter.sentences
    )
    month = report.build_report(example_con, "2026-11", kind="month", today=EXAMPLE_TODAY)
    assert "全市联系达标率暂无数据：统计期内还没有已经结束的月份。" in month.sentences
    assert not [s for s in month.sentences if s.startswith("全市联系达标率—")]
    # no verdict is drawn from the empty rate: nobody is behind because of 联系达标率
    assert not month.behind["reasons"].str.contains("联系达标率").any()


@pytest.mark.parametrize(
    ("period", "scope"), [("2026Q3", queries.ALL), ("2026-10", queries.Scope.for_county("东川县"))]
)
def test_the_headline_is_the_top_of_the_report(example_con, period, scope):
    from pipeline import snapshots

    whole = report.build_report(example_con, period, scope=scope, today=EXAMPLE_TODAY)
    top = report.build_headline(example_con, period, scope=scope, today=EXAMPLE_TODAY)
    assert (top.kind, top.period, top.previous, top.scope, top.title) == (
        whole.kind,
        whole.period,
        whole.previous,
        whole.scope,
        whole.title,
    )
    assert top.sentences == whole.sentences and top.unpaired == whole.unpaired
    for part in ("summary", "departments", "behind"):
        pd.testing.assert_frame_equal(getattr(top, part), getattr(whole, part))
    expected = snapshots.reminder_effectiveness(example_con, period, scope, EXAMPLE_TODAY)
    pd.testing.assert_frame_equal(top.reminders, expected)
    assert report.file_stem(top) == report.file_stem(whole)


def test_parts_already_read_make_the_same_report(example_con):
    from pipeline import snapshots
    from pipeline.callbacks import doubtful

    period = periods.parse_period("2026Q3", EXAMPLE_TODAY)
    known = {
        "reminders": snapshots.reminder_effectiveness(example_con, period),
        "overdue_contacts": queries.overdue(example_con, period, "contacts", masked=False),
        "overdue_issues": queries.overdue(example_con, period, "issues", masked=False),
    }
    doubts = doubtful.find(example_con, period)
    given = report.build_report(example_con, period, today=EXAMPLE_TODAY, known=known, doubts=doubts)
    read = report.build_report(example_con, period, today=EXAMPLE_TODAY)
    for part in ("summary", "departments", "behind", "overdue", "overdue_contacts", "overdue_issues", "issues"):
        pd.testing.assert_frame_equal(getattr(given, part), getattr(read, part))
    assert given.sentences == read.sentences
    assert (given.callbacks is None) == (read.callbacks is None)
    for name, frame in (read.callbacks or {}).items():
        pd.testing.assert_frame_equal(given.callbacks[name], frame)
    # what is given is what is used: the report does not read it again
    fewer = {**known, "overdue_contacts": known["overdue_contacts"].head(3)}
    assert len(report.build_report(example_con, period, today=EXAMPLE_TODAY, known=fewer).overdue_contacts) == 3
