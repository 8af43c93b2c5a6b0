"""Metrics on the spec's example data: the twelve expected files (2026Q4 a quarter still running, cut at today),
drill-down, trend, overdue lists, scope."""

from __future__ import annotations

import datetime as dt
import math
import statistics

import pandas as pd
import pytest

from pipeline import db, materialized, periods, queries
from pipeline.ingest.load import import_file
from pipeline.queries import METRIC_COLUMNS, Scope
from tests.conftest import EXAMPLE_DIR

TODAY = dt.date(2026, 11, 28)  # both 2026-10 and 2026Q3 have ended; the ledgers' last entry is 2026-11-20
EXPECTED = sorted(EXAMPLE_DIR.glob("expected_*.csv"))
COUNT_COLUMNS = [c for c in METRIC_COLUMNS if c not in queries.FRACTIONAL_COLUMNS]


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    """The three example CSVs imported through the real import, roster first."""
    path = tmp_path_factory.mktemp("example") / "example.duckdb"
    con = db.connect(path)
    for name in ("结对台账.csv", "走访记录.csv", "问题台账.csv"):
        report = import_file(con, EXAMPLE_DIR / name, today=TODAY, user="测试")
        assert report.rejected == 0, report.summary()
    con.close()
    return path


@pytest.fixture(scope="module")
def con(example_db):
    connection = db.connect(example_db, read_only=True)
    yield connection
    connection.close()


def _number(text: str) -> float | None:
    return None if text == "" else round(float(text), 4)


def _same(expected: str, actual: object) -> bool:
    wanted = _number(expected)
    got = None if actual is None or pd.isna(actual) else round(float(actual), 4)
    return wanted == got if wanted is None or got is None else math.isclose(wanted, got, abs_tol=1e-9)


def test_all_twelve_expected_files_are_present():
    assert len(EXPECTED) == 12
    assert {p.stem.removeprefix("expected_").split("_")[0] for p in EXPECTED} == {"2026-10", "2026Q3", "2026Q4"}


@pytest.fixture(scope="module")
def stored_con(example_db, tmp_path_factory):
    """A copy of the example database with the metrics of the common periods stored, as after an import."""
    path = tmp_path_factory.mktemp("stored") / "stored.duckdb"
    path.write_bytes(example_db.read_bytes())
    with db.session(path) as writer:
        done = materialized.refresh(writer, TODAY)
    assert {"2026-10", "2026Q3"} <= set(done.computed)
    connection = db.connect(path, read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.stem)
@pytest.mark.parametrize("source", ["computed", "stored"])
def test_expected_file_matches_cell_by_cell(request, path, source):
    period, by = path.stem.removeprefix("expected_").split("_", 1)
    expected = pd.read_csv(path, dtype=str, keep_default_na=False)
    con = request.getfixturevalue("con" if source == "computed" else "stored_con")
    if source == "stored":
        target = periods.parse_period(period, TODAY)
        assert (target.start, target.as_of, target.months) in materialized.stored_periods(con)
    actual = queries.metrics(con, period, by, today=TODAY)
    # the expected files list the metrics of SPEC §5 up to 综合得分; those added later follow them
    assert list(actual.columns)[: len(expected.columns)] == list(expected.columns)
    assert list(actual.columns) == [*queries.KEY_COLUMNS[by], *queries.METRIC_COLUMNS]
    assert len(actual) == len(expected)
    keys = list(queries.KEY_COLUMNS[by])
    assert actual[keys].astype(str).values.tolist() == expected[keys].values.tolist()
    wrong = [
        (expected.at[i, keys[0]], column, expected.at[i, column], actual.at[i, column])
        for i in range(len(expected))
        for column in expected.columns[len(keys) :]
        if not _same(expected.at[i, column], actual.at[i, column])
    ]
    assert wrong == []


@pytest.mark.parametrize("by", queries.GROUPINGS)
def test_columns_are_the_keys_then_the_spec_metrics_in_order(con, by):
    frame = queries.metrics(con, "2026Q3", by, today=TODAY)
    assert list(frame.columns) == [*queries.KEY_COLUMNS[by], *METRIC_COLUMNS]
    assert all(frame[c].dtype == "int64" for c in COUNT_COLUMNS)
    assert all(frame[c].dtype == "float64" for c in queries.FRACTIONAL_COLUMNS)


def test_every_grouping_adds_up_to_the_overall_counts(con):
    result = queries.metrics_many(con, "2026Q3", today=TODAY)
    overall = result["overall"].iloc[0]
    additive = [c for c in COUNT_COLUMNS]
    for by, frame in result.items():
        assert frame[additive].sum().tolist() == overall[additive].tolist(), by


def test_metrics_many_gives_the_same_frames_as_one_call_each(con):
    together = queries.metrics_many(con, "2026-10", today=TODAY)
    for by in queries.GROUPINGS:
        pd.testing.assert_frame_equal(together[by], queries.metrics(con, "2026-10", by, today=TODAY))


def test_unpaired_rows_and_cadre_keys(con):
    cadres = queries.metrics(con, "2026Q3", "cadre", today=TODAY)
    unpaired = cadres[cadres["department"] == "未结对"]
    assert unpaired[["cadre", "beneficiaries", "paired"]].values.tolist() == [["未结对", 4, 0]]
    assert pd.isna(unpaired["cadre_phone_masked"].iloc[0])
    zhu = cadres[cadres["cadre"] == "朱明"].iloc[0]
    # 朱明 took over two people on 08-15 and had 杨军 since 06-22 (李华 left on 08-31)
    assert zhu["department"] == "西坪县人社局"
    assert (zhu["cadre_phone_masked"], zhu["beneficiaries"]) == ("134****4623", 3)
    levels = queries.metrics(con, "2026Q3", "cadre_level", today=TODAY)
    assert levels["cadre_level"].tolist() == ["一般干部", "县级领导", "市级领导", "未结对", "科级干部"]
    assert levels["beneficiaries"].sum() == 62


def test_township_rows_carry_their_county(con):
    frame = queries.metrics(con, "2026Q3", "township", today=TODAY)
    assert frame[["county", "township", "beneficiaries"]].values.tolist() == [
        ["东川县", "东川乡", 21],
        ["临河区", "临河镇", 22],
        ["西坪县", "西坪街道", 19],
    ]


# ---------------------------------------------------------------- rows behind the figures

DRILL_CASES = [
    ("overall", None),
    ("department", "市教育局"),
    ("department", "未结对"),
    ("county", "西坪县"),
    ("township", ("临河区", "临河镇")),
    ("cadre", ("西坪县人社局", "朱明", "134****4623")),
    ("cadre_level", "市级领导"),
    ("category", "孤儿"),
]


def _row_of(frame: pd.DataFrame, by: str, key) -> pd.Series:
    if by == "overall":
        return frame.iloc[0]
    columns = list(queries.KEY_COLUMNS[by])
    values = [key] if isinstance(key, str) else list(key)
    mask = pd.Series(True, index=frame.index)
    for column, value in zip(columns, values, strict=True):
        mask &= frame[column] == value
    assert mask.sum() == 1
    return frame[mask].iloc[0]


@pytest.mark.parametrize(("by", "key"), DRILL_CASES, ids=lambda v: str(v))
def test_drill_rows_reproduce_every_cell(con, by, key):
    row = _row_of(queries.metrics(con, "2026Q3", by, today=TODAY), by, key)

    def rows(metric):
        return queries.drill_rows(con, "2026Q3", by, key, metric, today=TODAY)

    people = rows("beneficiaries")
    assert len(people) == row["beneficiaries"]
    assert people["is_paired"].sum() == row["paired"] == len(rows("paired"))
    for count, rate, flag in [
        ("contacted", "contact_rate", "is_contacted"),
        ("home_visited", "home_visit_rate", "is_home_visited"),
        ("on_standard", "on_standard_rate", "is_on_standard"),
    ]:
        behind_rate = rows(rate)
        assert len(rows(count)) == row[count]
        assert len(behind_rate) == row["paired"]
        assert behind_rate[flag].sum() == row[count]
    assert len(rows("contacts")) == row["contacts"] == people["contacts"].sum()
    assert len(rows("overdue_contact")) == row["overdue_contact"] == people["is_overdue_contact"].sum()
    issues = rows("issues_total")
    assert len(issues) == row["issues_total"]
    assert len(rows("issues_new")) == row["issues_new"]
    assert len(rows("issues_resolved")) == row["issues_resolved"] == issues["is_resolved"].sum()
    assert len(rows("issues_closed_in_p")) == row["issues_closed_in_p"]
    assert len(rows("issues_overdue")) == row["issues_overdue"] == issues["is_overdue"].sum()
    closed = rows("median_days_to_close")
    if len(closed):
        assert statistics.median(closed["days_to_close"]) == row["median_days_to_close"]
    else:
        assert pd.isna(row["median_days_to_close"])
    ratings = rows("satisfaction_rate")
    if len(ratings):
        assert ratings["is_satisfied"].mean() == pytest.approx(row["satisfaction_rate"])
    else:
        assert pd.isna(row["satisfaction_rate"])
    assert len(rows("score")) == row["beneficiaries"]


def test_drill_rows_are_masked_unless_asked_otherwise(con):
    masked = queries.drill_rows(con, "2026Q3", "department", "市教育局", "contacts", today=TODAY)
    assert masked["id_number"].str.fullmatch(r"\d{6}\*{8}\d{3}[\dX]").all()
    assert masked["cadre_phone"].str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    full = queries.drill_rows(con, "2026Q3", "department", "市教育局", "contacts", today=TODAY, masked=False)
    assert full["id_number"].str.fullmatch(r"\d{17}[\dX]").all()
    assert len(full) == len(masked) == 22


def test_pair_rows_masked_are_the_full_rows_masked(con):
    full = queries.pair_rows(con, "2026Q3", "county", ("临河区",), today=TODAY, masked=False)
    masked = queries.pair_rows(con, "2026Q3", "county", ("临河区",), today=TODAY)
    assert len(full) > 0 and full["id_number"].str.fullmatch(r"\d{17}[\dX]").all()
    assert masked["id_number"].str.fullmatch(r"\d{6}\*{8}\d{3}[\dX]").all()
    assert masked["cadre_phone"].dropna().str.fullmatch(r"1\d\d\*{4}\d{4}").all()  # (one person has no cadre)
    assert not masked["beneficiary_name"].isin(full["beneficiary_name"]).any()
    pd.testing.assert_frame_equal(queries.mask_pairs(full), masked)


def test_drill_rows_accept_a_full_cadre_phone_or_a_mapping(con):
    def contacts(key):
        return queries.drill_rows(con, "2026Q3", "cadre", key, "contacts", today=TODAY)

    by_masked = contacts(("市教育局", "郭斌", "130****7919"))
    by_phone = contacts(("市教育局", "郭斌", "13010007919"))
    by_mapping = contacts({"department": "市教育局", "cadre": "郭斌"})
    assert len(by_masked) == len(by_phone) == len(by_mapping) == 9
    assert set(by_masked["beneficiary_name"]) == {"胡*", "郭*伟"}  # names are masked in lists by default
    full = queries.drill_rows(
        con, "2026Q3", "cadre", ("市教育局", "郭斌", "130****7919"), "contacts", today=TODAY, masked=False
    )
    assert set(full["beneficiary_name"]) == {"胡强", "郭芳伟"}


def test_drill_rows_refuse_a_wrong_key_or_metric(con):
    with pytest.raises(ValueError, match="取值应有2项"):
        queries.drill_rows(con, "2026Q3", "township", "临河镇", "contacts", today=TODAY)
    with pytest.raises(ValueError, match="指标"):
        queries.drill_rows(con, "2026Q3", "county", "临河区", "no_such_metric", today=TODAY)
    with pytest.raises(ValueError, match="分组"):
        queries.metrics(con, "2026Q3", "village", today=TODAY)


# ---------------------------------------------------------------- overdue lists


def test_overdue_contacts_list(con):
    frame = queries.overdue(con, "2026Q3", "contacts", today=TODAY)
    assert len(frame) == 29  # overdue_contact of expected_2026Q3_overall.csv
    first, second = frame.iloc[0], frame.iloc[1]
    # 马杰 was paired on 2025-08-01, handed to 朱明 on 2026-08-15 and never contacted: the clock runs from the
    # start of the pairing run, 425 days at 2026-09-30; the list names the cadre of today
    assert (first["beneficiary_name"], first["id_number"], first["cadre_name"], first["cadre_phone"]) == (
        "马*",
        "620122********0518",
        "朱明",
        "134****4623",
    )
    assert (first["days_since_contact"], first["days_overdue"]) == (425, 395)
    assert (first["paired_on"].date(), first["run_started_on"].date()) == (dt.date(2026, 8, 15), dt.date(2025, 8, 1))
    assert pd.isna(first["last_contact_on"])
    # 林静军 was paired on 2025-10-17 and has never been contacted: 348 days at 2026-09-30
    assert (second["beneficiary_name"], second["id_number"], second["cadre_name"], second["cadre_phone"]) == (
        "林*军",
        "620121********0598",
        "朱军华",
        "139****2542",
    )
    assert (second["days_since_contact"], second["days_overdue"]) == (348, 318)
    assert frame["days_overdue"].is_monotonic_decreasing
    assert (frame["days_overdue"] > 0).all()
    # 何杰敏 was paired on 09-12 but was last contacted on 08-26, 35 days before as_of: overdue
    he = frame[frame["beneficiary_name"] == "何*敏"].iloc[0]
    assert he["last_contact_on"].date() == dt.date(2026, 8, 26)
    assert (he["days_since_contact"], he["days_overdue"]) == (35, 5)


def test_overdue_issues_list(con):
    frame = queries.overdue(con, "2026-10", "issues", today=TODAY)
    assert len(frame) == 13
    first = frame.iloc[0]
    assert (first["issue_no"], first["raised_on"].date(), first["days_open"], first["days_overdue"]) == (
        "WT0010",
        dt.date(2026, 4, 27),
        187,
        157,
    )
    assert (first["issue_category"], first["issue_level"], first["status"]) == ("学习", "所在单位", "办理中")
    assert (first["county"], first["township"], first["department"], first["cadre_phone"]) == (
        "临河区",
        "临河镇",
        "西坪县人社局",
        "139****9595",
    )
    with pytest.raises(ValueError, match="--what"):
        queries.overdue(con, "2026-10", "people", today=TODAY)


# ---------------------------------------------------------------- trend and previous period


def test_trend_gives_each_month_as_its_own_period(con):
    trend = queries.trend(con, "2026-07", "2026-12", "county", today=TODAY)
    assert sorted(set(trend["month"])) == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert list(trend.columns) == ["month", "county", *METRIC_COLUMNS]
    for month in ("2026-08", "2026-11"):
        alone = queries.metrics(con, month, "county", today=TODAY)
        part = trend[trend["month"] == month].drop(columns="month").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone)


def test_trend_of_months_before_any_data_has_empty_overall_rows(con):
    trend = queries.trend(con, "2019-01", "2019-02", "overall", today=TODAY)
    # only the 13 people whose roster rows leave 纳入日期 blank are in the program, none paired yet
    assert trend["beneficiaries"].tolist() == [13, 13]
    assert trend["paired"].tolist() == [0, 0]
    assert trend["pairing_rate"].tolist() == [0.0, 0.0]
    assert trend["contact_rate"].isna().all()


def test_compare_previous_puts_both_periods_side_by_side(con):
    frame = queries.compare_previous(con, "2026Q4", "county", today=TODAY)
    now = queries.metrics(con, "2026Q4", "county", today=TODAY)
    before = queries.metrics(con, periods.previous_period(periods.parse_period("2026Q4", TODAY)), "county")
    assert frame["county"].tolist() == now["county"].tolist()
    for metric in ("contacts", "contact_rate", "score"):
        assert frame[metric].tolist() == now[metric].tolist()
        assert frame[f"{metric}_previous"].tolist() == before[metric].tolist()
        assert frame[f"{metric}_change"].tolist() == pytest.approx((now[metric] - before[metric]).tolist())
    previous = queries.previous_metrics(con, "2026Q4", "county", today=TODAY)
    pd.testing.assert_frame_equal(previous, before)


# ---------------------------------------------------------------- scope


def test_county_scope_gives_that_county_only(con):
    everything = queries.metrics(con, "2026Q3", "county", today=TODAY)
    scoped = queries.metrics(con, "2026Q3", "county", Scope.for_county("西坪县"), today=TODAY)
    assert scoped["county"].tolist() == ["西坪县"]
    pd.testing.assert_frame_equal(scoped, everything[everything["county"] == "西坪县"].reset_index(drop=True))
    overall = queries.metrics(con, "2026Q3", "overall", Scope.for_county("西坪县"), today=TODAY)
    assert overall["overall"].tolist() == ["西坪县"]
    pd.testing.assert_frame_equal(overall[list(METRIC_COLUMNS)], scoped[list(METRIC_COLUMNS)])  # empty = empty
    departments = queries.metrics(con, "2026Q3", "department", Scope.for_county("西坪县"), today=TODAY)
    assert departments["beneficiaries"].sum() == 19


def test_department_scope_gives_that_departments_pairs_only(con):
    everything = queries.metrics(con, "2026Q3", "department", today=TODAY)
    scope = Scope.parse("department=市教育局")
    scoped = queries.metrics(con, "2026Q3", "department", scope, today=TODAY)
    alone = everything[everything["department"] == "市教育局"].reset_index(drop=True)
    pd.testing.assert_frame_equal(scoped, alone)
    counties = queries.metrics(con, "2026Q3", "county", scope, today=TODAY)
    assert counties["beneficiaries"].sum() == 11
    assert counties["issues_total"].sum() == 7
    listed = queries.overdue(con, "2026Q3", "contacts", scope, today=TODAY)
    assert set(listed["department"]) == {"市教育局"}
    assert len(listed) == scoped["overdue_contact"].iloc[0]


def test_scope_parse():
    assert Scope.parse(None) == Scope.all() == Scope()
    assert Scope.parse("county=东川县") == Scope(county="东川县")
    assert Scope.parse(" department = 市残联 ") == Scope(department="市残联")
    for bad in ("county", "county=", "village=1村", "东川县"):
        with pytest.raises(ValueError, match="范围"):
            Scope.parse(bad)
    assert Scope.all().label == "全市"


def test_cadre_phone_masking_agrees_with_the_masking_module():
    from pipeline import masking

    values = ["13800001234", "8613800001234", "1380000123", "123456", "1", "", None]
    got = masking.mask_texts(pd.Series(values, dtype="str"), masking.mask_phone).tolist()
    wanted = [masking.mask_phone(v) for v in values]
    assert [None if pd.isna(g) else g for g in got] == wanted


def test_every_column_the_pages_may_show_has_a_chinese_label(con):
    from pipeline import labels

    columns = set()
    for metric in METRIC_COLUMNS:
        columns |= set(queries.drill_rows(con, "2026Q3", "overall", None, metric, today=TODAY).columns)
    for what in ("contacts", "issues"):
        columns |= set(queries.overdue(con, "2026Q3", what, today=TODAY).columns)
    assert columns - set(labels.ROW_COLUMN_LABELS) == set()
    keys = {column for by in queries.GROUPINGS for column in queries.KEY_COLUMNS[by]}
    assert keys <= set(labels.KEY_COLUMN_LABELS)
    assert list(labels.METRIC_LABELS) == list(METRIC_COLUMNS)
    assert set(labels.GROUPING_LABELS) == set(queries.GROUPINGS)
