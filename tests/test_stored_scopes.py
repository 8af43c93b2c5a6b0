"""A county's and a department's figures read from the city's stored rows: exactly the computed figures.

A county scope's overall, county and township rows are the city's rows of that county; a department
scope's overall, department and cadre rows the city's rows of that department (queries._SCOPED_FROM_CITY).
Every county and department of the example ledgers, of the same ledgers with the pairings the import would
not let in (two departments at once, a change of department with a gap) and callbacks, and of the demo
city, in every standard period, gives frame for frame the figures computed from the ledgers: metrics_many
against metrics_many(stored=False) where the scopes are few, and where they are many (the demo's departments,
the edge ledgers) the twelve periods read in one call against the twelve computed in one query.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import db, demo, labels, materialized, periods, queries, settings
from tests.conftest import EXAMPLE_TODAY, build_example_database, tamper_stored_beneficiaries

TODAY = EXAMPLE_TODAY  # 2026-11-28
TAMPERED = 987_654  # a count no real group has: seeing it proves the figure came from the store
COUNTY_GROUPINGS = ("overall", "county", "township")
DEPARTMENT_GROUPINGS = ("overall", "department", "cadre")
COUNTY = "东川县"
DEPARTMENT = "市民政局"


@pytest.fixture(scope="module")
def example_store(tmp_path_factory):
    """The example ledgers imported and the standard periods stored."""
    path = build_example_database(tmp_path_factory.mktemp("scopes") / "example.duckdb")
    with db.session(path) as con:
        materialized.refresh(con, TODAY)
    return path


def _add_edge_pairs(con) -> dict[str, tuple[str, str, str]]:
    """Pairings the import keeps out but the models handle, and callbacks of those people, written straight
    into the ledgers: one person paired with cadres of two departments at once from 2025-12-01 on, one who
    changes department after a gap (未结对 from 2026-10-25 to 2026-11-01), each with an issue. Returns them:
    what each is -> (ID number, first department, second department)."""
    people = con.execute(
        "select distinct pairing.id_number, pairing.department from pairing "
        "semi join issue on pairing.id_number = issue.id_number "
        "where pairing.unpaired_on is null and pairing.paired_on < date '2025-12-01' "
        "and pairing.id_number not in (select id_number from pairing group by id_number having count(*) > 1) "
        "order by pairing.id_number limit 2"
    ).fetchall()
    assert len(people) == 2
    found = {}
    for what, (id_number, department), paired_on in zip(
        ("overlap", "gap"), people, ("2025-12-01", "2026-11-01"), strict=True
    ):
        cadre = con.execute(
            "select cadre_phone, cadre_name, department, cadre_level from pairing where department <> ? "
            "order by cadre_phone limit 1",
            [department],
        ).fetchall()[0]
        if what == "gap":
            con.execute("update pairing set unpaired_on = date '2026-10-25' where id_number = ?", [id_number])
        con.execute(
            "insert into pairing values (?, ?, ?, ?, ?, '调配结对', ?::date, null, 1)", [id_number, *cadre, paired_on]
        )
        for number, (day, reach) in enumerate([("2026-09-10", labels.CALLBACK_REACHED), ("2026-11-05", "未接通")]):
            reached = reach == labels.CALLBACK_REACHED
            con.execute(
                "insert into callback (callback_key, id_number, callback_date, caller, reach, knows_cadre, "
                "contact_truth, satisfaction, batch_id) values (?, ?, ?::date, '回访员', ?, ?, ?, ?, 1)",
                [
                    f"{id_number}-{number}",
                    id_number,
                    day,
                    reach,
                    labels.CALLBACK_YES if reached else None,
                    labels.CALLBACK_UNTRUE if reached else None,
                    labels.SATISFIED_RATINGS[0] if reached else None,
                ],
            )
        found[what] = (id_number, department, cadre[2])
    return found


@pytest.fixture(scope="module")
def edge_build(tmp_path_factory):
    """The example ledgers with the edge pairings and callbacks, then the standard periods stored."""
    path = build_example_database(tmp_path_factory.mktemp("scopes") / "edges.duckdb")
    with db.session(path) as con:
        people = _add_edge_pairs(con)
        materialized.refresh(con, TODAY)
    return path, people


@pytest.fixture
def edge_store(edge_build):
    return edge_build[0]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """A small demo city (callbacks, re-pairings across departments), built and stored as the CLI does."""
    path = tmp_path_factory.mktemp("scopes") / "demo.duckdb"
    counts = demo.build(path, "city", seed=11, today=TODAY, size=400)
    assert counts["rejected"] == 0, counts["errors"]
    return path


def _values(con, column: str, table: str) -> list[str]:
    # names from this module, never from outside
    return [row[0] for row in con.execute(f"select distinct {column} from {table} order by 1").fetchall()]


def _scopes(con) -> list[tuple[queries.Scope, tuple[str, ...]]]:
    """Every county and every department of the ledgers, and one of each that nobody belongs to (the overall
    row of nobody), each with the groupings read from the city's rows."""
    counties = [*_values(con, "county", "beneficiary"), "无此县"]
    departments = [*_values(con, "department", "pairing"), "无此单位"]
    return [(queries.Scope.for_county(c), COUNTY_GROUPINGS) for c in counties] + [
        (queries.Scope.for_department(d), DEPARTMENT_GROUPINGS) for d in departments
    ]


def _standard_periods_stored(con) -> list[periods.Period]:
    """The standard periods, every one of them stored: what is compared below is read from the store."""
    standard = materialized.standard_periods(TODAY)
    assert {(p.start, p.as_of, p.months) for p in standard} <= materialized.stored_periods(con)
    return standard


def _assert_stored_is_computed(con, scope: queries.Scope, groupings: tuple[str, ...]) -> None:
    for period in _standard_periods_stored(con):
        stored = queries.metrics_many(con, period, groupings, scope, TODAY)
        computed = queries.metrics_many(con, period, groupings, scope, TODAY, stored=False)
        assert list(stored) == list(computed) == list(groupings)
        for by in groupings:
            pd.testing.assert_frame_equal(stored[by], computed[by], check_exact=True, obj=f"{scope} {period} {by}")


def _assert_stored_is_computed_at_once(con, scope: queries.Scope, groupings: tuple[str, ...]) -> None:
    """As _assert_stored_is_computed, the twelve periods in one call each way: read from the store period by
    period, and computed in one query of all twelve (as a comparison or a trend computes several)."""
    standard = _standard_periods_stored(con)
    config = settings.read_settings(con)
    stored = queries._metrics_frame(con, standard, scope, config, groupings)
    computed = queries._metrics_frame(con, standard, scope, config, groupings, stored=False)
    assert sorted(set(stored["period_id"])) == list(range(len(standard)))  # every period has its overall row
    for by in groupings:
        # the rows of all the periods at once, each led by its period's position
        pd.testing.assert_frame_equal(
            queries._shape(stored, by, scope, leading=["period_id"]),
            queries._shape(computed, by, scope, leading=["period_id"]),
            check_exact=True,
            obj=f"{scope} {by}",
        )


def test_every_county_and_department_reads_the_computed_figures_in_every_standard_period(example_store):
    with db.session(example_store, read_only=True) as con:
        for scope, groupings in _scopes(con):
            _assert_stored_is_computed(con, scope, groupings)


@pytest.mark.parametrize("period", ["2026Q3", "2026-11"])
def test_each_grouping_alone_reads_only_its_own_rows(example_store, period):
    scopes = [queries.Scope.for_county(COUNTY), queries.Scope.for_county("无此县")]
    scopes += [queries.Scope.for_department(DEPARTMENT), queries.Scope.for_department("无此单位")]
    with db.session(example_store, read_only=True) as con:
        for scope in scopes:
            for by in COUNTY_GROUPINGS if scope.county else DEPARTMENT_GROUPINGS:
                stored = queries.metrics(con, period, by, scope, TODAY)
                computed = queries.metrics(con, period, by, scope, TODAY, stored=False)
                pd.testing.assert_frame_equal(stored, computed, check_exact=True, obj=f"{scope} {by}")


def test_the_pairings_the_import_keeps_out_give_the_computed_figures_too(edge_store):
    with db.session(edge_store, read_only=True) as con:
        for scope, groupings in _scopes(con):
            _assert_stored_is_computed_at_once(con, scope, groupings)


def _drilled(con, period: str, department: str) -> set[str]:
    rows = queries.drill_rows(con, period, "department", department, "beneficiaries", today=TODAY, masked=False)
    return set(rows["id_number"])


def test_the_edge_pairs_are_in_the_departments_the_models_put_them_in(edge_build):
    path, people = edge_build
    with db.session(path, read_only=True) as con:
        person, first, second = people["overlap"]
        assert person in _drilled(con, "2026Q4", first) and person in _drilled(con, "2026Q4", second)
        person, first, second = people["gap"]
        assert person in _drilled(con, "2026Q3", first)
        assert person in _drilled(con, "2026-10", labels.UNPAIRED_LABEL)  # on 2026-10-31, between the two
        assert person in _drilled(con, "2026-11", second)
        for _, _, second in people.values():
            scoped = queries.metrics(
                con, "2026-11", "overall", queries.Scope.for_department(second), TODAY, stored=False
            )
            assert int(scoped["callbacks"].iloc[0]) >= 1


@pytest.fixture
def bare_example(example_store, tmp_path):
    """The same ledgers with nothing stored: everything computed."""
    path = tmp_path / "bare.duckdb"
    path.write_bytes(example_store.read_bytes())
    with db.session(path) as con:
        con.execute("delete from stored_metric_period")
        con.execute("delete from stored_metric_group")
    return path


def test_comparison_and_trend_of_a_scope_read_the_store_and_match(example_store, bare_example):
    county, department = queries.Scope.for_county(COUNTY), queries.Scope.for_department(DEPARTMENT)
    with db.session(example_store, read_only=True) as con, db.session(bare_example, read_only=True) as bare:
        for scope, groupings in ((county, COUNTY_GROUPINGS), (department, DEPARTMENT_GROUPINGS)):
            for by in groupings:
                # 2026Q4 and the stretch of 2026Q3 it is compared with are both stored
                pd.testing.assert_frame_equal(
                    queries.compare_previous(con, "2026Q4", by, scope, TODAY),
                    queries.compare_previous(bare, "2026Q4", by, scope, TODAY),
                    check_exact=True,
                )
                # 18 months: the overview's twelve (2025-12 to 2026-11) are stored, the six before computed
                pd.testing.assert_frame_equal(
                    queries.trend(con, "2025-06", "2026-11", by, scope, TODAY),
                    queries.trend(bare, "2025-06", "2026-11", by, scope, TODAY),
                    check_exact=True,
                )


def test_every_county_of_the_demo_city_reads_the_computed_figures(demo_store):
    with db.session(demo_store, read_only=True) as con:
        counties = _values(con, "county", "beneficiary")
        assert len(counties) >= 5
        for county in counties:
            _assert_stored_is_computed(con, queries.Scope.for_county(county), COUNTY_GROUPINGS)


def test_every_department_of_the_demo_city_reads_the_computed_figures(demo_store):
    with db.session(demo_store, read_only=True) as con:
        departments = _values(con, "department", "pairing")
        assert len(departments) >= 20
        for department in departments:
            _assert_stored_is_computed_at_once(con, queries.Scope.for_department(department), DEPARTMENT_GROUPINGS)


def _tamper(con, period: periods.Period, grouping: str, key: str, value: str) -> None:
    """Overwrite the stored beneficiaries of the city's row of one group (and the rows keyed under it)."""
    assert tamper_stored_beneficiaries(con, period, TAMPERED, grouping, key, value) >= 1


def _beneficiaries(con, by: str, scope: queries.Scope, **options) -> list[int]:
    frame = queries.metrics_many(con, "2026Q3", [by], scope, TODAY, **options)[by]
    return frame["beneficiaries"].astype(int).tolist()


@pytest.fixture
def tampered_store(example_store, tmp_path):
    """A copy of the stored example database whose city rows of 东川县 and 市民政局 (2026Q3) are overwritten."""
    path = tmp_path / "tampered.duckdb"
    path.write_bytes(example_store.read_bytes())
    q3 = periods.parse_period("2026Q3", TODAY)
    with db.session(path) as con:
        for grouping in ("county", "township"):
            _tamper(con, q3, grouping, "county", COUNTY)
        for grouping in ("department", "cadre"):
            _tamper(con, q3, grouping, "department", DEPARTMENT)
    return path


def test_a_county_and_a_department_are_read_from_the_citys_stored_rows(tampered_store):
    county, department = queries.Scope.for_county(COUNTY), queries.Scope.for_department(DEPARTMENT)
    with db.session(tampered_store, read_only=True) as con:
        for scope, groupings in ((county, COUNTY_GROUPINGS), (department, DEPARTMENT_GROUPINGS)):
            for by in groupings:
                read = _beneficiaries(con, by, scope)
                assert read and set(read) == {TAMPERED}
                assert TAMPERED not in _beneficiaries(con, by, scope, stored=False)
        # another county, another department: their own rows, untouched
        assert TAMPERED not in _beneficiaries(con, "overall", queries.Scope.for_county("西坪县"))
        assert TAMPERED not in _beneficiaries(con, "cadre", queries.Scope.for_department("市残联"))


def test_the_scopes_and_groupings_not_served_from_the_store_are_computed(tampered_store):
    county, department = queries.Scope.for_county(COUNTY), queries.Scope.for_department(DEPARTMENT)
    with db.session(tampered_store, read_only=True) as con:
        # a grouping the city's rows do not split by county (department): the whole request is computed
        for scope, other in ((county, "department"), (county, "cadre"), (county, "category"), (department, "county")):
            found = queries.metrics_many(con, "2026Q3", ["overall", other], scope, TODAY)
            assert TAMPERED not in found["overall"]["beneficiaries"].tolist()
            computed = queries.metrics_many(con, "2026Q3", ["overall", other], scope, TODAY, stored=False)
            for by in ("overall", other):
                pd.testing.assert_frame_equal(found[by], computed[by], check_exact=True)
        # a county and a department at once
        both = queries.Scope(county=COUNTY, department=DEPARTMENT)
        assert TAMPERED not in _beneficiaries(con, "overall", both)
        # the city's 未结对 row holds the unpaired, whom no department scope keeps
        unpaired = queries.Scope.for_department(labels.UNPAIRED_LABEL)
        assert _beneficiaries(con, "overall", unpaired) == [0]
        city = queries.metrics(con, "2026Q3", "department", today=TODAY)
        assert int(city.loc[city["department"] == labels.UNPAIRED_LABEL, "beneficiaries"].iloc[0]) > 0
