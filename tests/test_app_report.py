"""The page 季度调度 through Streamlit's AppTest: the engine's figures, downloads, snapshots made from the page.

The page is run as its own script (app.py lists the pages; the sidebar is drawn by the page's first call
to filters.current_view), with the URL of a view as the sidebar would write it.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app_ui import filters, kpi
from pipeline import access, db, labels, queries, snapshots
from tests.conftest import CITY_USER, EXAMPLE_TODAY, ROOT, app_test

PAGE = ROOT / "app_pages" / "report.py"


def run_page(period: str = "2026Q3", **scope) -> AppTest:
    at = app_test(PAGE)
    for name, value in filters.url_params(period, **scope).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def snapshot_table(at: AppTest):
    tables = [t.value for t in at.dataframe if labels.SNAPSHOT_COLUMN_LABELS["snapshot_id"] in t.value.columns]
    return tables[0] if tables else None


def test_headline_equals_the_engine(example_db):
    at = run_page()
    shown = {m.label: (m.value, m.delta) for m in at.metric}
    assert shown[labels.METRIC_LABELS["contact_rate"]][0] == "74.1%"  # expected_2026Q3_overall.csv
    assert shown[labels.METRIC_LABELS["overdue_contact"]][0] == "29"
    with db.session(example_db) as con:
        row = queries.compare_previous(con, "2026Q3", "overall", today=EXAMPLE_TODAY).iloc[0]
    for metric in ("pairing_rate", "on_standard_rate", "resolution_rate", "satisfaction_rate"):
        assert shown[labels.METRIC_LABELS[metric]] == (
            kpi.rate_text(row[metric]),
            kpi.rate_change_text(row[f"{metric}_change"]),
        )
    summary = next(m.value for m in at.markdown if "74.1%" in m.value)
    assert "全市联系覆盖率74.1%，较上季度" in summary
    assert at.subheader[0].value == "全市结对关爱行动2026年第三季度调度报告"
    labels_shown = [b.label for b in at.get("download_button")]
    assert labels.REPORT_PAGE_DOWNLOAD_XLSX in labels_shown and labels.REPORT_PAGE_DOWNLOAD_HTML in labels_shown
    assert [i.value for i in at.info] == [labels.REPORT_PAGE_NO_SNAPSHOTS]


def test_kind_switch_to_month(example_db):
    at = run_page()
    at.segmented_control(key="report_kind").set_value("month").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="report_period_month").value == "2026-09"  # the month that ends the sidebar's quarter
    assert at.subheader[0].value == "全市结对关爱行动2026年9月工作月报"


def test_a_snapshot_made_on_the_page_appears_in_the_list(example_db):
    at = run_page()
    at.text_input(key="snapshot_note").input("三季度调度会")
    at.button(key="snapshot_create").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == labels.REPORT_PAGE_SNAPSHOT_DONE.format(
        snapshot_id=1, period="2026年第三季度", scope="全市"
    )
    listed = snapshot_table(at)
    assert listed is not None
    assert listed[labels.SNAPSHOT_COLUMN_LABELS["snapshot_id"]].tolist() == [1]
    assert listed[labels.SNAPSHOT_COLUMN_LABELS["created_by"]].tolist() == [CITY_USER]  # the signed-in user
    assert listed[labels.SNAPSHOT_COLUMN_LABELS["note"]].tolist() == ["三季度调度会"]
    assert at.selectbox(key="snapshot_pick").value == 1
    compare = labels.REPORT_PAGE_COMPARE_SAME.format(grouping=labels.GROUPING_LABELS["overall"])
    assert compare in [s.value for s in at.success]
    with db.session(example_db) as con:
        assert snapshots.list_snapshots(con)["created_by"].tolist() == [CITY_USER]
        audited = access.read_audit(con, action="snapshot")
    assert audited[["user_name", "scope_text"]].values.tolist() == [[CITY_USER, "全市"]]
    assert audited["detail"].tolist() == [labels.AUDIT_DETAIL_SNAPSHOT.format(snapshot_id=1, period="2026Q3")]


def test_readonly_users_cannot_freeze_figures(example_db):
    at = app_test(PAGE, user="只读测试")
    at.run()
    assert not at.exception, at.exception
    assert "snapshot_create" not in [b.key for b in at.button]
    assert [i.value for i in at.info] == [labels.REPORT_PAGE_NO_SNAPSHOTS]  # the list is still shown


def test_a_county_users_snapshot_is_of_his_county_whatever_the_link_asks(example_db):
    at = app_test(PAGE, user="县区测试")
    for name, value in filters.url_params("2026Q3", county="西坪县").items():  # a tampered link
        at.query_params[name] = value
    at.run()
    at.button(key="snapshot_create").click().run()
    assert not at.exception, at.exception
    with db.session(example_db) as con:
        listed = snapshots.list_snapshots(con)
    assert listed[["scope", "created_by"]].values.tolist() == [["东川县", "县区测试"]]


def test_a_snapshot_belongs_to_its_scope(example_db):
    with db.session(example_db) as con:
        snapshots.create_snapshot(con, "2026Q3", "李四", "", EXAMPLE_TODAY, scope=queries.Scope.for_county("东川县"))
    city = run_page()
    assert snapshot_table(city) is None  # the county's snapshot is not the city's
    county = run_page(county="东川县")
    assert snapshot_table(county)[labels.SNAPSHOT_COLUMN_LABELS["scope"]].tolist() == ["东川县"]
    assert {m.label: m.value for m in county.metric}[labels.METRIC_LABELS["contact_rate"]] == "55.0%"


def test_the_report_tables_show_rates_as_percentages_and_offer_their_own_excel(example_db, downloads):
    import io

    import openpyxl
    import pyarrow as pa

    at = run_page()
    ranking = next(f for f in at.dataframe if "rank_change" in f.value.columns)
    shown = pa.ipc.open_stream(ranking.proto.arrow_data.styler.display_values).read_all().to_pandas()
    assert all(text.endswith("%") for text in shown["contact_rate"])  # 88.9%, as on the cards
    sheet = openpyxl.load_workbook(io.BytesIO(downloads[f"{labels.REPORT_PAGE_DEPARTMENTS}_2026Q3.xlsx"]())).active
    # the first row names the table, its period and its scope; the headers follow
    assert "2026年第三季度" in sheet.cell(row=1, column=1).value and "全市" in sheet.cell(row=1, column=1).value
    header = [cell.value for cell in sheet[2]]
    assert header[:3] == [labels.REPORT_COLUMN_LABELS["rank"], labels.REPORT_COLUMN_LABELS["rank_change"], "干部单位"]
    column = header.index(labels.METRIC_LABELS["contact_rate"]) + 1
    assert sheet.cell(row=3, column=column).number_format == "0.0%"


def test_a_department_is_not_ranked_first_of_one_in_its_own_report(example_db):
    at = app_test(PAGE, user="单位测试")
    at.run()
    assert not at.exception, at.exception
    (own,) = [f.value for f in at.dataframe if "contact_rate" in f.value.columns and "department" in f.value.columns]
    assert own["department"].tolist() == ["市民政局"] and "rank" not in own.columns and "rank_change" not in own.columns
    assert labels.REPORT_PAGE_ONE_DEPARTMENT in [c.value for c in at.caption]
    city = run_page()  # the city's report still ranks every department
    ranking = next(f.value for f in city.dataframe if "rank_change" in f.value.columns)
    assert len(ranking) > 1 and ranking["rank"].tolist()[0] == 1


def test_the_page_shows_the_top_of_the_report_and_makes_the_rest_when_a_file_is_asked_for(
    example_db, downloads, monkeypatch
):
    import io

    import openpyxl

    from pipeline import report
    from pipeline.callbacks import doubtful

    asked = []
    find, overdue = doubtful.find, queries.overdue
    monkeypatch.setattr(doubtful, "find", lambda *a, **k: asked.append("疑点") or find(*a, **k))
    monkeypatch.setattr(queries, "overdue", lambda *a, **k: asked.append("督办名单") or overdue(*a, **k))
    at = run_page()
    assert asked == []  # drawn without the 督办 lists and the 疑点: they are in the files only
    with db.session(example_db) as con:
        whole = report.build_report(con, "2026Q3", today=EXAMPLE_TODAY)
    assert [m.value for m in at.markdown if "74.1%" in m.value] == ["\n".join(f"- {s}" for s in whole.sentences)]
    ranking = next(f.value for f in at.dataframe if "rank_change" in f.value.columns)
    assert ranking["department"].tolist() == whole.departments["department"].tolist()
    asked.clear()
    book = openpyxl.load_workbook(io.BytesIO(downloads[f"{report.file_stem(whole)}.xlsx"]()))
    assert sorted(asked) == ["疑点", "督办名单", "督办名单"]  # made now, once each
    cells = {cell for row in book["附1超期未联系名单"].iter_rows(values_only=True) for cell in row}
    assert len(whole.overdue_contacts) == 29 and set(whole.overdue_contacts["id_number"]) <= cells  # masked


def test_the_report_of_a_snapshot_is_made_when_its_file_is_asked_for(example_db, downloads, monkeypatch):
    import io

    import openpyxl

    from pipeline import report

    with db.session(example_db) as con:
        snapshot_id = snapshots.create_snapshot(con, "2026Q3", "李四", "", EXAMPLE_TODAY)
        frozen = report.build_report(con, None, snapshot_id=snapshot_id)
    made = []
    build = report.build_report
    monkeypatch.setattr(report, "build_report", lambda *a, **k: made.append(k.get("snapshot_id")) or build(*a, **k))
    run_page()
    assert snapshot_id not in made  # listed, not made
    name = f"{report.file_stem(frozen)}.xlsx"
    assert name == f"全市_2026年第三季度_季度调度_封存{snapshot_id}.xlsx"  # named before the report is made
    book = openpyxl.load_workbook(io.BytesIO(downloads[name]()))
    assert made == [snapshot_id]
    assert "第1号封存（李四" in " ".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row)
