"""The synthetic demo: deterministic, realistic in shape, uneven on purpose, and importable as it is."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from pipeline import config, demo, demo_names, idnumber, labels, templates
from pipeline.ingest import load

TODAY = dt.date(2026, 11, 28)
SEED = 11
LEADER_LEVELS = labels.CADRE_LEVELS[:2]


R = {c.field: c.label for c in labels.ROSTER_COLUMNS}
V = {c.field: c.label for c in labels.VISITS_COLUMNS}
ISS = {c.field: c.label for c in labels.ISSUES_COLUMNS}


@pytest.fixture(scope="module")
def city() -> dict[str, pd.DataFrame]:
    return demo.build_frames("city", seed=SEED, today=TODAY)


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return demo.build_frames("city", seed=SEED, today=TODAY, size=400)


def active_pairings(roster: pd.DataFrame, day: str) -> pd.DataFrame:
    """Pairing rows active on a day, of beneficiaries still in the programme that day."""
    paired = roster[roster[R["paired_on"]].notna()]
    return paired[
        (paired[R["paired_on"]] <= day)
        & (paired[R["unpaired_on"]].isna() | (paired[R["unpaired_on"]] > day))
        & (paired[R["exited_on"]].isna() | (paired[R["exited_on"]] > day))
    ]


# ---------------------------------------------------------------- determinism and form


def test_same_seed_gives_the_same_ledgers(city):
    again = demo.build_frames("city", seed=SEED, today=TODAY)
    for kind in demo.KINDS:
        pd.testing.assert_frame_equal(city[kind], again[kind])


def test_another_seed_gives_other_ledgers(city):
    other = demo.build_frames("city", seed=SEED + 1, today=TODAY)
    assert not city["roster"][R["id_number"]].equals(other["roster"][R["id_number"]])


def test_columns_are_the_canonical_headers_and_values_are_text(city):
    for kind, frame in city.items():
        # the callbacks (SPEC §8) carry the columns of a blank template: no sample number or reference columns
        assert list(frame.columns) == [c.label for c in templates.template_columns(kind)]
        for column in frame.columns:
            values = frame[column].dropna()
            assert all(isinstance(value, str) for value in values), (kind, column)


def test_word_lists_follow_the_enumerations():
    assert list(demo_names.CONTACT_SUMMARIES) == labels.CONTACT_METHODS
    assert list(demo_names.ISSUE_DESCRIPTIONS) == labels.ISSUE_CATEGORIES
    assert list(demo_names.ISSUE_UNIT_BY_CATEGORY) == labels.ISSUE_CATEGORIES
    assert len(demo.CATEGORY_SHARES) == len(labels.CATEGORIES)
    assert demo.METHOD_SHARES.shape == (len(labels.CATEGORIES), len(labels.CONTACT_METHODS))
    assert demo.ISSUE_CATEGORY_SHARES.shape == (len(labels.CATEGORIES), len(labels.ISSUE_CATEGORIES))
    assert demo.LEVEL_SHARES.shape[1] == len(labels.CADRE_LEVELS)
    assert len(demo.ISSUE_LEVEL_SHARES) == len(labels.ISSUE_LEVELS)


# ---------------------------------------------------------------- sizes and mix of the city


def test_city_has_the_requested_size(city):
    roster = city["roster"]
    people = roster.drop_duplicates(R["id_number"])
    assert len(people) == 8_000
    assert roster[R["county"]].nunique() == 8
    assert 90 <= len(roster[[R["county"], R["township"]]].drop_duplicates()) <= 115
    assert 70 <= roster[R["department"]].nunique() <= 90
    assert 2_700 <= roster[R["cadre_phone"]].nunique() <= 3_400
    assert 100_000 <= len(city["visits"]) <= 250_000
    assert 1_500 <= len(city["issues"]) <= 6_000


def test_category_mix_is_plausible(city):
    people = city["roster"].drop_duplicates(R["id_number"])
    share = people[R["category"]].value_counts(normalize=True)
    orphans, unsupported, disabled, destitute = labels.CATEGORIES
    assert share[orphans] < 0.06 and share[unsupported] < 0.09
    assert share[disabled] > 0.35 and share[destitute] > 0.3


def test_leaders_are_the_children_s_loving_parents(city):
    roster = city["roster"]
    children = roster[roster[R["category"]].isin(labels.CATEGORIES[:2]) & roster[R["cadre_level"]].notna()]
    assert children[R["cadre_level"]].isin(LEADER_LEVELS).mean() > 0.9
    levels = roster.drop_duplicates(R["cadre_phone"])[R["cadre_level"]].value_counts(normalize=True)
    assert set(levels.index) == set(labels.CADRE_LEVELS)
    assert levels[labels.CADRE_LEVELS[3]] > 0.4  # 一般干部 are the bulk
    assert levels[labels.CADRE_LEVELS[0]] < 0.05  # city leaders are few


def test_some_unpaired_some_exited_some_repaired(city):
    roster = city["roster"]
    in_scope = roster[roster[R["exited_on"]].isna()].drop_duplicates(R["id_number"])
    paired_now = active_pairings(roster, TODAY.isoformat())[R["id_number"]].nunique()
    unpaired_share = 1 - paired_now / len(in_scope)
    assert 0.005 < unpaired_share < 0.07
    assert roster[R["cadre_name"]].isna().sum() > 0  # rows with the pairing columns all blank
    assert roster.drop_duplicates(R["id_number"])[R["exited_on"]].notna().sum() > 100
    assert (roster.groupby(R["id_number"]).size() > 1).sum() > 100
    assert set(roster[R["pairing_mode"]].dropna()) == set(labels.PAIRING_MODES)


# ---------------------------------------------------------------- validity of every value


def test_every_id_number_is_valid(city):
    ids = pd.concat([city[kind][labels.column_label(kind, "id_number")] for kind in demo.KINDS])
    for value in ids.unique():
        assert len(value) == 18
        assert idnumber.check_char(value[:17]) == value[17], value
        assert idnumber.birth_date(value) is not None, value
        # a prefecture code that does not exist, so that no number is a real person's
        assert value[:2] == "62" and int(value[2:4]) >= demo.FIRST_PREFECTURE


def test_children_are_minors_when_they_join(city):
    people = city["roster"].drop_duplicates(R["id_number"])
    children = people[people[R["category"]].isin(labels.CATEGORIES[:2])]
    for id_number, exited in zip(children[R["id_number"]], children[R["exited_on"]], strict=True):
        born = idnumber.birth_date(id_number)
        age_today = (TODAY - born).days / 365.25
        assert age_today < 18 or isinstance(exited, str), id_number


def test_one_beneficiary_one_set_of_details(city):
    roster = city["roster"]
    fields = ("name", "category", "county", "township", "village", "enrolled_on", "exited_on")
    details = [R[f] for f in fields]
    assert (roster.groupby(R["id_number"])[details].nunique(dropna=False) == 1).all().all()


def test_phones_are_mobile_numbers_and_one_cadre_per_phone(city):
    roster = city["roster"]
    for column in (R["cadre_phone"], R["phone"]):
        phones = roster[column].dropna()
        assert phones.str.fullmatch(r"1\d{10}").all()
    per_phone = roster.dropna(subset=[R["cadre_phone"]]).groupby(R["cadre_phone"])
    assert (per_phone[[R["cadre_name"], R["department"], R["cadre_level"]]].nunique() == 1).all().all()


def test_pairing_columns_are_filled_together(city):
    pairing = [R[f] for f in labels.PAIRING_FIELDS] + [R["cadre_level"], R["pairing_mode"]]
    filled = city["roster"][pairing].notna().sum(axis=1)
    assert filled.isin([0, len(pairing)]).all()


def test_no_beneficiary_has_two_overlapping_pairings(city):
    roster = city["roster"].dropna(subset=[R["paired_on"]])
    assert (roster[R["unpaired_on"]].isna() | (roster[R["unpaired_on"]] >= roster[R["paired_on"]])).all()
    for _, rows in roster[roster.duplicated(R["id_number"], keep=False)].groupby(R["id_number"]):
        rows = rows.sort_values(R["paired_on"])
        ends, starts = rows[R["unpaired_on"]].iloc[:-1], rows[R["paired_on"]].iloc[1:]
        assert ends.notna().all()
        assert (starts.to_numpy() >= ends.to_numpy()).all()
        assert rows[R["cadre_phone"]].is_unique  # a re-pairing is with another cadre


def test_dates_are_in_order_and_never_after_today(city):
    roster = city["roster"]
    for column in (R["enrolled_on"], R["exited_on"], R["paired_on"], R["unpaired_on"]):
        assert (roster[column].dropna() <= TODAY.isoformat()).all()
    left = roster.dropna(subset=[R["exited_on"], R["enrolled_on"]])
    assert (left[R["exited_on"]] > left[R["enrolled_on"]]).all()


def test_contacts_cover_18_months_up_to_today(city):
    visits = city["visits"]
    first_month = pd.Timestamp(TODAY).to_period("M") - 17
    assert visits[V["contact_date"]].max() <= TODAY.isoformat()
    assert visits[V["contact_date"]].min() >= first_month.start_time.date().isoformat()
    eighteen_months_ago = (pd.Timestamp(TODAY) - pd.DateOffset(months=18)).date().isoformat()
    assert visits[V["contact_date"]].min() >= eighteen_months_ago
    months = pd.to_datetime(visits[V["contact_date"]]).dt.to_period("M")
    per_month = months.value_counts()
    assert len(per_month) == 18
    # a monthly rhythm: every full month carries a comparable load
    full = per_month.drop(pd.Period(TODAY, "M"))
    assert full.min() > 0.7 * full.max()


def test_contacts_belong_to_a_pairing_that_was_active(city):
    roster = city["roster"].dropna(subset=[R["paired_on"]])
    visits = city["visits"].reset_index(names="row")
    joined = visits.merge(roster, left_on=V["id_number"], right_on=R["id_number"])
    date = joined[V["contact_date"]]
    inside = (
        (date >= joined[R["paired_on"]])
        & (joined[R["unpaired_on"]].isna() | (date < joined[R["unpaired_on"]]))
        & (joined[R["exited_on"]].isna() | (date < joined[R["exited_on"]]))
    )
    # but for a handful planted on purpose (回访核查's 疑点 退出后仍有联系): contacts dated after their person left
    outside = visits[~visits["row"].isin(joined[inside]["row"])]
    exits = city["roster"].drop_duplicates(R["id_number"]).set_index(R["id_number"])[R["exited_on"]]
    assert (outside[V["contact_date"]] > outside[V["id_number"]].map(exits)).all()
    assert 0 < len(outside) <= 0.0001 * len(visits)


def test_contacts_use_every_method_and_some_carry_a_rating(city):
    visits = city["visits"]
    assert set(visits[V["method"]]) == set(labels.CONTACT_METHODS)
    rated = visits[V["satisfaction"]].notna().mean()
    assert 0.2 < rated < 0.6
    assert set(visits[V["satisfaction"]].dropna()) == set(labels.SATISFACTION)
    numbers = visits[V["record_no"]].dropna()
    assert 0 < len(numbers) < len(visits) and numbers.is_unique


def test_issues_are_complete_and_consistent(city):
    issues = city["issues"]
    closed = issues[issues[ISS["status"]].isin(labels.CLOSED_STATUSES)]
    still_open = issues[~issues[ISS["status"]].isin(labels.CLOSED_STATUSES)]
    assert closed[ISS["closed_on"]].notna().all() and still_open[ISS["closed_on"]].isna().all()
    assert (closed[ISS["closed_on"]] >= closed[ISS["raised_on"]]).all()
    assert (issues[ISS["raised_on"]] <= TODAY.isoformat()).all()
    assert (closed[ISS["closed_on"]] <= TODAY.isoformat()).all()
    assert set(issues[ISS["status"]]) == set(labels.ISSUE_STATUSES)
    assert set(issues[ISS["level"]]) == set(labels.ISSUE_LEVELS)
    assert set(issues[ISS["category"]]) <= set(labels.ISSUE_CATEGORIES)
    assert issues[ISS["issue_no"]].notna().mean() > 0.6
    assert issues[ISS["issue_no"]].dropna().is_unique
    unnumbered = issues[issues[ISS["issue_no"]].isna()]
    natural = [ISS["id_number"], ISS["raised_on"], ISS["category"], ISS["description"]]
    assert not unnumbered.duplicated(natural).any()
    assert closed[ISS["rating"]].notna().mean() > 0.4 and still_open[ISS["rating"]].isna().all()
    assert set(issues[ISS["id_number"]]) <= set(city["roster"][R["id_number"]])


def test_resolution_times_spread_from_days_to_months(city):
    closed = city["issues"].dropna(subset=[ISS["closed_on"]])
    days = (pd.to_datetime(closed[ISS["closed_on"]]) - pd.to_datetime(closed[ISS["raised_on"]])).dt.days
    assert days.quantile(0.1) <= 5
    assert 5 <= days.median() <= 40
    assert days.quantile(0.95) >= 60


# ---------------------------------------------------------------- unevenness


def test_some_counties_and_departments_are_clearly_behind(city):
    month_start, month_end = "2026-10-01", "2026-10-31"
    active = active_pairings(city["roster"], month_end)
    visits = city["visits"]
    in_month = visits[(visits[V["contact_date"]] >= month_start) & (visits[V["contact_date"]] <= month_end)]
    active = active.assign(contacted=active[R["id_number"]].isin(in_month[V["id_number"]]))
    by_county = active.groupby(R["county"])["contacted"].mean()
    assert by_county.min() < 0.75 * by_county.max()
    assert by_county.max() > 0.8
    by_department = active.groupby(R["department"])["contacted"].agg(["mean", "size"])
    sizable = by_department[by_department["size"] >= 20]
    assert (sizable["mean"] < 0.65 * sizable["mean"].max()).sum() >= 3


def test_some_cadres_went_silent(city):
    active = active_pairings(city["roster"], TODAY.isoformat())
    visits = city["visits"]
    cutoff = (TODAY - dt.timedelta(days=60)).isoformat()
    recent = set(visits.loc[visits[V["contact_date"]] > cutoff, V["id_number"]])
    # a cadre paired since before the cutoff whose people have heard nothing for 60 days
    settled = active[active[R["paired_on"]] < cutoff]
    settled = settled.assign(heard=settled[R["id_number"]].isin(recent))
    heard = settled.groupby(R["cadre_phone"])["heard"].any()
    silent = (~heard).sum()
    assert silent >= 0.01 * len(heard)
    assert silent < 0.15 * len(heard)


def test_some_open_issues_are_overdue(city):
    issues = city["issues"]
    still_open = issues[issues[ISS["closed_on"]].isna()]
    age = (pd.Timestamp(TODAY) - pd.to_datetime(still_open[ISS["raised_on"]])).dt.days
    assert (age > 30).sum() >= 20
    assert (age <= 30).sum() >= 5


# ---------------------------------------------------------------- province scale (reduced size here)


def test_province_shape_with_a_reduced_population():
    frames = demo.build_frames("province", seed=SEED, today=TODAY, size=30_000)
    roster = frames["roster"]
    assert roster[R["id_number"]].nunique() == 30_000
    assert roster[R["county"]].nunique() >= 80
    assert roster[R["department"]].nunique() >= 700
    assert roster[R["cadre_phone"]].nunique() > 8_000
    assert frames["visits"][V["contact_date"]].max() <= TODAY.isoformat()
    assert demo.SCALES["province"].beneficiaries >= 500_000


# ---------------------------------------------------------------- xlsx files and the real import


def test_write_xlsx_gives_titled_ledgers_with_text_ids(small, tmp_path):
    paths = demo.write_xlsx(small, tmp_path)
    assert [p.name for p in paths] == [f"{labels.KIND_LABELS[k]}.xlsx" for k in demo.KINDS]
    for kind, path in zip(demo.KINDS, paths, strict=True):
        rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows())
        title = rows[0][0].value
        assert demo_names.CITY_NAME in title and "2026" in title
        assert [c.value for c in rows[1]] == [c.label for c in labels.COLUMNS[kind]]
        id_column = [c.field for c in labels.COLUMNS[kind]].index("id_number")
        first = rows[2][id_column]
        assert first.data_type == "s" and first.number_format == "@" and len(first.value) == 18
        assert len(rows) == len(small[kind]) + 2


def test_write_xlsx_splits_files_over_the_row_limit(small, tmp_path, monkeypatch):
    monkeypatch.setattr(config, "MAX_ROWS", 2_000)
    paths = demo.write_xlsx(small, tmp_path)
    visits = [p for p in paths if p.name.startswith(labels.KIND_LABELS["visits"])]
    expected = -(-len(small["visits"]) // 2_000)
    assert len(visits) == expected > 1
    rows = [sum(1 for _ in openpyxl.load_workbook(p, read_only=True).active.iter_rows()) - 2 for p in visits]
    assert sum(rows) == len(small["visits"]) and max(rows) <= 2_000


def test_written_files_import_without_a_rejected_row(small, tmp_path):
    from pipeline import db

    paths = demo.write_xlsx(small, tmp_path / "xlsx")
    con = db.connect(tmp_path / "files.duckdb")
    try:
        for kind, path in zip(demo.KINDS, paths, strict=True):
            report = load.import_file(con, path, today=TODAY)
            assert report.status == "ok" and report.kind == kind
            assert report.rejected == 0, report.errors[:3]
            assert report.inserted == len(small[kind])
    finally:
        con.close()


def test_build_loads_the_city_through_the_import_with_nothing_rejected(city, tmp_path):
    counts = demo.build(tmp_path / "demo.duckdb", "city", seed=SEED, today=TODAY)
    assert counts["rejected"] == 0, counts["errors"]
    assert counts["beneficiaries"] == 8_000
    assert counts["pairings"] == city["roster"][R["paired_on"]].notna().sum()
    assert counts["contacts"] == len(city["visits"])
    assert counts["issues"] == len(city["issues"])


def test_building_again_changes_nothing(small, tmp_path):
    path = tmp_path / "again.duckdb"
    first = demo.build(path, "city", seed=SEED, today=TODAY, size=400)
    second = demo.build(path, "city", seed=SEED, today=TODAY, size=400)
    assert second["inserted"] == 0 and second["updated"] == 0 and second["rejected"] == 0
    for key in ("beneficiaries", "pairings", "contacts", "issues"):
        assert second[key] == first[key]
