"""The door the app and the CLI use for figures: metrics, trends, drill-down rows and 督办 lists.

The SQL lives in pipeline/sql/{staging,intermediate,marts}/, one model per file. A query is the
chain of models a mart depends on, composed into one statement of CTEs; every value (periods,
thresholds, scope, keys) is a bound parameter, and the scope is applied inside the SQL.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline import catalog, contact_state, db, festivals, labels, masking, periods, settings

GROUPINGS = ("overall", "county", "township", "department", "cadre", "cadre_level", "category")

KEY_COLUMNS = {
    "overall": ("overall",),
    "county": ("county",),
    "township": ("county", "township"),
    "department": ("department",),
    "cadre": ("department", "cadre", "cadre_phone_masked"),
    "cadre_level": ("cadre_level",),
    "category": ("category",),
}

# The metric columns, the fractional ones, the rates and the rows behind each cell: from the catalog.
METRIC_COLUMNS = catalog.METRIC_COLUMNS
FRACTIONAL_COLUMNS = catalog.FRACTIONAL_COLUMNS
RATE_COLUMNS = catalog.RATE_COLUMNS
DRILL_ROWS = catalog.DRILL_ROWS
_ROW_MARTS = {
    "beneficiaries": "mart_drill_beneficiaries",
    "contacts": "mart_drill_contacts",
    "issues": "mart_drill_issues",
    "ratings": "mart_drill_ratings",
    "callbacks": "mart_drill_callbacks",
    "overdue_contacts": "mart_overdue_contacts",
    "overdue_issues": "mart_overdue_issues",
}
_ROW_ORDER = {
    "beneficiaries": ["county", "township", "id_number"],
    "contacts": ["contact_date", "county", "township", "id_number"],
    "issues": ["raised_on", "county", "township", "id_number", "issue_no"],
    "ratings": ["rated_on", "source", "county", "township", "id_number"],
    "callbacks": ["callback_date", "county", "township", "id_number"],
    "overdue_contacts": ["days_overdue", "county", "township", "id_number"],
    "overdue_issues": ["days_overdue", "county", "township", "id_number", "issue_no"],
}
_DESCENDING_FIRST = {"overdue_contacts", "overdue_issues"}  # the longest overdue first

# The row order of each mart's output (DuckDB sorts faster than pandas, and the keys of every
# grouping are among these columns; the cadre rows sort by name, then by full phone).
_MODEL_ORDER = {
    # the issue counts of each period in the same order however many periods one query holds (issue_stats_many)
    "mart_issue_counts": ("period_id", "issue_category", "issue_level", "status", "is_open", "age_band", "close_band"),
    "mart_metrics": (
        "period_id",
        "grouping_name",
        "county",
        "township",
        "department",
        "cadre_name",
        "cadre_phone",
        "cadre_level",
        "category",
    ),
}

_MODEL_LAYERS = ("staging", "intermediate", "marts")
_MODEL_PREFIX = re.compile(r"\b((?:stg|int|mart)_[a-z0-9_]+)\b")
_SQL_COMMENT = re.compile(r"--[^\n]*")
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


def mask_column(values: pd.Series, mask) -> list[str | None] | pd.api.extensions.ExtensionArray:
    """Mask a column of identifiers; a missing value (None, NaN) stays missing. A column of text with a value in it
    is masked as a whole where the rule has a column form (the same text as value by value, and the same column
    once assigned: pandas' text type with NaN for the missing)."""
    whole = masking.COLUMN_FORMS.get(mask)
    if whole is not None and len(values):
        try:
            text = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all text: value by value, the others made None
            text = None
        is_text = text is not None and (pa.types.is_string(text.type) or pa.types.is_large_string(text.type))
        if is_text and text.null_count < len(text):  # all missing: a list of None keeps pandas' type for it
            return pd.array(whole(text), dtype="str")
    return [mask(v) if isinstance(v, str) else None for v in values.tolist()]


# ---------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Whose figures: everything, one county's beneficiaries, or one department's pairs."""

    county: str | None = None
    department: str | None = None

    @classmethod
    def all(cls) -> Scope:
        """The whole city (the city office)."""
        return cls()

    @classmethod
    def for_county(cls, county: str) -> Scope:
        """Only the beneficiaries of one county."""
        return cls(county=county)

    @classmethod
    def for_department(cls, department: str) -> Scope:
        """Only the pairs whose active cadre belongs to one department."""
        return cls(department=department)

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        """Read "county=甲县" or "department=市民政局" (empty: everything)."""
        if not text or not text.strip():
            return cls.all()
        name, sep, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not value or name not in ("county", "department"):
            raise ValueError(labels.MSG_SCOPE_INVALID.format(value=text))
        return cls(**{name: value})

    @property
    def label(self) -> str:
        """The name of the scope, used as the key of the overall row."""
        return self.county or self.department or labels.CITY_LABEL


ALL = Scope.all()


# ---------------------------------------------------------------- composing and running models


@functools.cache
def _models() -> dict[str, tuple[str, str]]:
    """Every SQL model by name (the file name without .sql): its layer and its text."""
    found = {}
    for layer in _MODEL_LAYERS:
        for path in sorted((db.SQL_DIR / layer).glob("*.sql")):
            found[path.stem] = (layer, path.read_text(encoding="utf-8"))
    return found


def dependencies(name: str) -> list[str]:
    """The models a model reads, as named in its statement (its comments may name others)."""
    models = _models()
    found = dict.fromkeys(_MODEL_PREFIX.findall(_SQL_COMMENT.sub("", models[name][1])))
    return [dependency for dependency in found if dependency in models and dependency != name]


@functools.cache
def model_chain(target: str) -> tuple[str, ...]:
    """The models a model needs, each after everything it reads, ending with the model itself."""
    ordered: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in ordered:
            return
        if name in path:
            raise RuntimeError(f"cycle in SQL models: {' -> '.join((*path, name))}")
        for dependency in dependencies(name):
            visit(dependency, (*path, name))
        ordered.append(name)

    visit(target, ())
    return tuple(ordered)


@functools.cache
def compose(target: str) -> str:
    """One statement computing a model: the models it depends on as CTEs, in dependency order."""
    models = _models()
    parts = []
    for name in model_chain(target):
        layer, text = models[name]
        # a staging model is a plain projection of a table: inlined, the filters of the models that
        # read it reach the table scan; materialised (DuckDB's choice for a CTE used twice) they cannot
        hint = "not materialized " if layer == "staging" else ""
        # the closing parenthesis goes on its own line, so a model's trailing comment cannot swallow it
        parts.append(f"{name} as {hint}(\n{text.strip()}\n)")
    ctes = ",\n".join(parts)
    return f"with {ctes}\nselect * from {target}"


# Models of one day ($as_of, given by the caller) rather than of the periods of a query: the data-quality
# checks, the person search and the 报送情况 read them; no mart does.
DAY_MODELS = frozenset({"int_active_pairing", "int_contact_active_pairing"})

# Parameters a mart takes from its caller besides those of the periods of a query: the reminder marts follow the
# reminders sent at the end of one period up to a later day (snapshots passes it to run_model), the departments'
# mart through the two it reads.
CALLER_PARAMETERS = {
    "mart_reminder_contacts": frozenset({"followed_until"}),
    "mart_reminder_issues": frozenset({"followed_until"}),
    "mart_reminder_departments": frozenset({"followed_until"}),
}


def with_models(sql: str) -> str:
    """A statement of its own (sql/checks/) with the models it names put in front of it as CTEs."""
    models = _models()
    chain: list[str] = []
    for name in dict.fromkeys(_MODEL_PREFIX.findall(sql)):
        if name in models:
            chain += [model for model in model_chain(name) if model not in chain]
    if not chain:
        return sql
    # a day model is inlined wherever the statement reads it, so that it takes the statement's filters (the
    # contacts of a period, of some cadres); materialised, DuckDB's choice for a CTE read twice, it could not
    ctes = ",\n".join(
        f"{name} as {'not materialized ' if name in DAY_MODELS else ''}(\n{models[name][1].strip()}\n)"
        for name in chain
    )
    body = sql.lstrip()
    # a statement that starts with its own CTEs gets them after the models'
    own = re.match(r"(?:--[^\n]*\n\s*)*with\s", body, flags=re.IGNORECASE)
    if own:
        return f"with {ctes},\n{body[own.end() :]}"
    return f"with {ctes}\n{body}"


def _windows_cover_from(windows: Iterable[tuple[dt.date, dt.date]]) -> dt.date:
    """The first day from which the windows (first and last day) together cover every day up to their last."""
    runs: list[list[dt.date]] = []
    for first, last in sorted(windows):
        if runs and first <= runs[-1][1] + dt.timedelta(days=1):
            runs[-1][1] = max(runs[-1][1], last)
        else:
            runs.append([first, last])
    # sorted by first day, the run that reaches the last day of all is the last one
    return runs[-1][0]


def _static_parameters(scope: Scope, config: settings.Settings) -> dict[str, object]:
    """The values bound into every model that do not depend on the periods: settings, scope and labels."""
    params: dict[str, object] = {
        "overdue_days": config.overdue_days,
        "scope_county": scope.county,
        "scope_department": scope.department,
        "unpaired_label": labels.UNPAIRED_LABEL,
        "unknown_level_label": labels.UNKNOWN_CADRE_LEVEL_LABEL,
        "home_visit_methods": list(labels.HOME_VISIT_METHODS),
        "satisfied_ratings": list(labels.SATISFIED_RATINGS),
        "resolved_status": labels.RESOLVED_STATUS,
        "closed_statuses": list(labels.CLOSED_STATUSES),
        "reached_answer": labels.CALLBACK_REACHED,
        "yes_answer": labels.CALLBACK_YES,
        "no_answer": labels.CALLBACK_NO,
        "true_answer": labels.CALLBACK_TRUE,
        "untrue_answer": labels.CALLBACK_UNTRUE,
        "child_categories": list(labels.CHILD_CATEGORIES),
        "disabled_categories": list(labels.DISABLED_CATEGORIES),
        "leading_levels": list(config.leading_levels),
        # the festival widths: the windows themselves depend on the periods (see _base_parameters)
        "festival_widths": [getattr(config, key) for key in settings.FESTIVAL_KEYS],
        # int_person_contact works from the contacts unless contact_state.bind finds the kept rows hold
        contact_state.PARAMETER: False,
        # everyone: a 督办 list names the people it can hold (_people_asked, int_people_asked)
        "people_asked": None,
    }
    for rate, weight in config.weights.items():
        params[f"weight_{rate}"] = weight
    for key in ("county", "township", "department", "cadre_name", "cadre_phone", "cadre_level", "category"):
        params[f"key_{key}"] = None
    return params


def _base_parameters(
    period_list: Sequence[periods.Period], scope: Scope, config: settings.Settings
) -> dict[str, object]:
    threshold = config.overdue_days
    # the contact window of each period: see int_periods.window_start
    windows = [(min(p.start, p.as_of - dt.timedelta(days=threshold)), p.as_of) for p in period_list]
    params: dict[str, object] = {
        "period_ids": list(range(len(period_list))),
        "period_starts": [p.start for p in period_list],
        "period_as_ofs": [p.as_of for p in period_list],
        "period_months": [p.months for p in period_list],
        # the earliest and latest contact dates any period can look at
        "scan_from": min(first for first, _ in windows),
        "scan_to": max(last for _, last in windows),
        # contacts from here to scan_to all lie in some period's window; an earlier one (before scan_from,
        # or between two windows) is looked up only for the few who need it (int_period_beneficiary_metrics)
        "windows_cover_from": _windows_cover_from(windows),
        **festivals.parameters([(p.start, p.as_of) for p in period_list], config),
    }
    params.update(_static_parameters(scope, config))
    return params


def bound_parameters(
    sql: str,
    period_list: Sequence[periods.Period],
    scope: Scope,
    config: settings.Settings,
    **overrides: object,
) -> dict[str, object]:
    """The values of the parameters a statement names, for these periods, scope and settings."""
    params = _base_parameters(period_list, scope, config)
    params.update(overrides)
    return {name: params[name] for name in dict.fromkeys(_PARAMETER.findall(sql))}


# The models pack the facts of all the periods of a query into per-beneficiary HUGEINTs (see
# sql/intermediate/int_periods.sql): masks with two bits per period and a block of bits per period's
# calendar months (at most MASK_BITS in all), and counts, 126 bits shared out among the periods. A long
# list of periods is cut into queries of at most PERIODS_PER_QUERY periods, which leaves each count 10 bits
# (1023 contacts of one person); should anyone have more, the query is asked again with fewer periods.
MASK_BITS = 127
PERIODS_PER_QUERY = 12
# Marts whose periods are never split over queries: the reminder marts, asked for few periods (the one before the
# period reported on) and following each up to the one day their caller gives ($followed_until).
_CROSS_PERIOD_MARTS = frozenset({"mart_reminder_contacts", "mart_reminder_issues", "mart_reminder_departments"})
# how DuckDB reports counts that do not fit their lanes (int_period_beneficiary_metrics, or the sums
# behind them in int_period_contact_summary)
_LANE_OVERFLOW = ("contact lanes overflow", "Overflow in HUGEINT addition")


def period_chunks(period_list: Sequence[periods.Period]) -> list[list[periods.Period]]:
    """The periods in order, cut into runs that fit the masks of one query (a single period always fits)."""
    chunks: list[list[periods.Period]] = []
    bits = 0
    for period in period_list:
        needs = 2 + len(period.months_touched())
        if not chunks or len(chunks[-1]) == PERIODS_PER_QUERY or bits + needs > MASK_BITS:
            chunks.append([])
            bits = 0
        chunks[-1].append(period)
        bits += needs
    return chunks


# Marts without date columns, whose rows reach pandas through Arrow: the same frame as DuckDB's own
# conversion (text, integers and doubles convert alike), about three times faster for 200k cadre rows.
_ARROW_MARTS = frozenset({"mart_metrics"})
# The 督办 lists, through Arrow as DuckDB would convert them (_list_frame)
_ARROW_LIST_MARTS = frozenset({"mart_overdue_contacts", "mart_overdue_issues"})


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> pd.DataFrame:
    """The rows of a statement without date columns as a DataFrame, through Arrow."""
    return con.sql(sql, params=dict(params)).to_arrow_table().to_pandas()


def _list_frame(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> pd.DataFrame:
    """The rows of a 督办 list as a DataFrame, through Arrow: the frame DuckDB's own conversion makes (dates as
    datetime64[us], a text column without any value as objects, all None), a third faster for 500k people."""
    table = con.sql(sql, params=dict(params)).to_arrow_table()
    empty_texts = []
    for index, column in enumerate(table.schema):
        if pa.types.is_date(column.type):
            table = table.set_column(index, column.name, table.column(index).cast(pa.timestamp("us")))
        elif pa.types.is_string(column.type) and table.column(index).null_count == table.num_rows:
            empty_texts.append(column.name)
    frame = table.to_pandas()
    for name in empty_texts:
        frame[name] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame


def _people_asked(target: str, period_list: Sequence[periods.Period], scope: Scope) -> str | None:
    """Which people a 督办 list of the whole city asks the models for (int_people_asked), None: everyone.

    Whoever the set leaves out cannot be on the list, so the rows are the same either way; the set is asked for
    where it is much smaller than everyone. The people with an issue that can be overdue are few in any period;
    those who can be overdue for contact are few only on a running period's as_of (today, after everyone's last
    contact so far), not on an earlier one. A county's or department's scope already leaves few people.
    """
    if scope != ALL:
        return None
    if target == "mart_overdue_issues":
        return "overdue_issues"
    if target == "mart_overdue_contacts" and all(period.is_cut for period in period_list):
        return "overdue_contacts"
    return None


def run_model(
    con: duckdb.DuckDBPyConnection,
    target: str,
    period_list: Sequence[periods.Period],
    scope: Scope = ALL,
    config: settings.Settings | None = None,
    **overrides: object,
) -> pd.DataFrame:
    """Compute one model for the periods given and return its rows (in the model's fixed order)."""
    sql = compose(target)
    overrides = {"people_asked": _people_asked(target, period_list, scope), **overrides}
    order = _MODEL_ORDER.get(target)
    if order:
        # identifiers from the fixed table above, never from the caller; nulls first puts 全市 and
        # the other roll-up rows before their parts
        sql += "\norder by " + ", ".join(f"{column} nulls first" for column in order)
    config = config or settings.read_settings(con)

    kept = contact_state.bind(con, sql, {})  # asked once for all the chunks of periods

    def run(chunk: list[periods.Period], split: bool) -> pd.DataFrame:
        try:
            params = {**bound_parameters(sql, chunk, scope, config, **overrides), **kept}
            if target in _ARROW_MARTS:
                return _frame(con, sql, params)
            if target in _ARROW_LIST_MARTS:
                return _list_frame(con, sql, params)
            return con.execute(sql, params).df()
        except duckdb.Error as error:
            if not split or len(chunk) == 1 or not any(text in str(error) for text in _LANE_OVERFLOW):
                raise
        half = len(chunk) // 2
        return _side_by_side([run(chunk[:half], split), run(chunk[half:], split)], [half, len(chunk) - half])

    if target in _CROSS_PERIOD_MARTS:
        return run(list(period_list), split=False)
    chunks = period_chunks(period_list)
    if len(chunks) <= 1:
        return run(list(period_list), split=True)
    return _side_by_side([run(chunk, split=True) for chunk in chunks], [len(chunk) for chunk in chunks])


def _side_by_side(frames: list[pd.DataFrame], sizes: list[int]) -> pd.DataFrame:
    """The rows of queries run on consecutive runs of periods, renumbered as one list of periods."""
    offset = 0
    for frame, size in zip(frames, sizes, strict=True):
        # each query numbers its periods from 0
        frame["period_id"] += offset
        offset += size
    # the period is the first sort key of every ordered mart, so the runs stay in order one after another
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------- stored metrics

# The city's metrics of the periods the office opens most are computed once per import and settings
# change and stored (pipeline/materialized.py, sql/stored/); a period's stored rows are read only while
# both keys match: the figures key (the models' SQL and every value bound into them but the periods) and
# the data key (the last import batch). Some groupings of a county or a department are the city's rows of
# it (_SCOPED_FROM_CITY); anything else is computed from the ledgers as it is asked for.


@functools.cache
def _stored_sql() -> tuple[str, str]:
    """The statements that store periods of mart_metrics (all groupings, the whole city) and read one back:
    the insert computing the periods' groups with their values (a list in the order of the catalog's computed
    columns), and the read of one period's groups with a column per computed metric."""
    # the column names come from the mart's ordering and the catalog, never from outside
    order = ", ".join(
        f"stored_rows.{column} nulls first" for column in _MODEL_ORDER["mart_metrics"] if column != "period_id"
    )
    cast_columns = ", ".join(f"stored_rows.{name}::double" for name in catalog.COMPUTED_COLUMNS)
    insert = db.read_sql("stored/stored_group_insert.sql").format(
        model=compose("mart_metrics"), order=order, cast_columns=cast_columns
    )
    kinds = catalog.dtypes(catalog.COMPUTED_COLUMNS)  # a count comes back an integer, as the mart gives it
    value_columns = ", ".join(
        f"metric_values[{number}]{'::bigint' if kinds[name] == 'int64' else ''} as {name}"
        for number, name in enumerate(catalog.COMPUTED_COLUMNS, start=1)
    )
    read = db.read_sql("stored/stored_group_read.sql").format(value_columns=value_columns)
    return insert, read


def figures_key(config: settings.Settings) -> str:
    """What the stored metrics depend on besides the data: the SQL that computes them and its settings."""
    text = json.dumps(
        [_stored_sql(), catalog.COMPUTED_COLUMNS, _static_parameters(ALL, config)],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def data_key(con: duckdb.DuckDBPyConnection) -> int:
    """What the stored metrics depend on in the data: the last import batch."""
    return con.execute(db.read_sql("stored/data_key.sql")).fetchall()[0][0]


def stored_entries(con: duckdb.DuckDBPyConnection, key: str) -> dict[tuple, int]:
    """The stored periods that still hold for the figures key: (start_on, as_of, months) -> the data_key of
    their rows. A batch imported since their refresh leaves them standing when it changed no day up to
    their as_of (import_batch.touched_from)."""
    rows = con.execute(db.read_sql("stored/stored_periods.sql"), {"figures_key": key}).fetchall()
    return {(start, as_of, months): data for start, as_of, months, data in rows}


def stored_insert(
    con: duckdb.DuckDBPyConnection,
    period_list: Sequence[periods.Period],
    config: settings.Settings,
    keys: tuple[str, int],
) -> list[int]:
    """Compute some periods' metrics for the whole city, all groupings, in one statement, into the store (their
    groups with their values); the groups written of each period. The caller writes their entries."""
    insert_sql, _ = _stored_sql()
    entries = {
        "figures_key": keys[0],
        "data_key": keys[1],
        "start_ons": [period.start for period in period_list],
        "as_ofs": [period.as_of for period in period_list],
        "months": [period.months for period in period_list],
    }
    params = bound_parameters(insert_sql, list(period_list), ALL, config, groupings=list(GROUPINGS), **entries)
    con.execute(insert_sql, contact_state.bind(con, insert_sql, params))
    under = {"figures_key": keys[0], "data_key": keys[1]}
    counts = {
        (start, as_of, months): rows
        for start, as_of, months, rows in con.execute(db.read_sql("stored/stored_row_counts.sql"), under).fetchall()
    }
    return [counts.get((period.start, period.as_of, period.months), 0) for period in period_list]


def _stored_frames(
    con: duckdb.DuckDBPyConnection,
    period_list: Sequence[periods.Period],
    config: settings.Settings,
    groupings: Sequence[str],
    under: Mapping[str, str] | None = None,
) -> dict[int, pd.DataFrame]:
    """The stored rows of those periods (by position in the list) that are stored for the current keys;
    with `under` ({"county": 甲县} or {"department": 市民政局}), only the groups under that key."""
    try:
        key = figures_key(config)
        stored = stored_entries(con, key)
    except (duckdb.CatalogException, duckdb.BinderException):
        # a database opened read-only before its schema had the stored tables (or import_batch its
        # touched_from): nothing is stored
        return {}
    frames = {}
    for position, period in enumerate(period_list):
        entry = stored.get((period.start, period.as_of, period.months))
        if entry is None:
            continue
        params = {
            "figures_key": key,
            "data_key": entry,
            "start_on": period.start,
            "as_of": period.as_of,
            "months": period.months,
            # every grouping: no filter on them, and the rows come in the order they were stored
            "groupings": None if set(GROUPINGS) <= set(groupings) else list(groupings),
            "county": None,
            "department": None,
            **(under or {}),
        }
        frames[position] = _stored_frame(con, {**params, "period_id": position})
    return frames


def _stored_frame(con: duckdb.DuckDBPyConnection, params: Mapping[str, object]) -> pd.DataFrame:
    """One stored period's groups with a column per computed metric, counts as integers (never empty), in the
    mart's row order. They are stored in that order and a scan of them all keeps it (DuckDB preserves insertion
    order), so they are sorted here only when they come otherwise: a filter on some groupings can return the row
    groups out of order, and an earlier release stored them unordered."""
    table = con.sql(_stored_sql()[1], params=dict(params)).to_arrow_table()
    numbers = table.column("row_no").to_numpy()
    if not bool(np.all(numbers[1:] > numbers[:-1])):
        table = table.sort_by("row_no")
    return table.drop_columns(["row_no"]).to_pandas()


# A county's figures and a department's are rows of the city's, for some groupings. The county scope keeps
# the beneficiaries of the county with all their pairings, contacts, issues and callbacks, and the city's
# county grouping puts exactly those facts under the county (the beneficiary's); the department scope keeps
# the pairs with a pairing of the department (a run begun under another department keeps its first day, and
# a beneficiary's contacts, issues and callbacks go with each of his pairs), and the city's department
# grouping puts exactly those pairs under it (int_beneficiary_pairing.sql). So a scope's overall row is the
# city's row of its county (department), relabelled, and its townships (cadres) are the city's of that county
# (department). Not the 未结对 "department": the city's row of that name is of the unpaired, whom no
# department scope keeps. Any other grouping of a scope (a county's departments, a department's categories)
# is computed.
_SCOPED_FROM_CITY = {
    "county": {"overall": "county", "county": "county", "township": "township"},
    "department": {"overall": "department", "department": "department", "cadre": "cadre"},
}
# the key columns of mart_metrics, all of them empty in an overall row
_GROUP_KEY_COLUMNS = _MODEL_ORDER["mart_metrics"][2:]


def _city_source(scope: Scope, groupings: Sequence[str]) -> tuple[str, str] | None:
    """For a scope whose groupings asked for are all rows of the city's: the key column and value they are
    under there (("county", 甲县) or ("department", 市民政局)); None for the city itself or any other case."""
    if scope.county is not None and scope.department is None:
        found = ("county", scope.county)
    elif scope.department is not None and scope.county is None and scope.department != labels.UNPAIRED_LABEL:
        found = ("department", scope.department)
    else:
        return None
    return found if groupings and set(groupings) <= set(_SCOPED_FROM_CITY[found[0]]) else None


def _scope_rows(city: pd.DataFrame, key: str, value: str, groupings: Sequence[str], position: int) -> pd.DataFrame:
    """A county's (department's) rows of one period from the city's stored rows of that period, as the mart
    computes them for the scope: groupings in the mart's order, the overall row with empty keys, and counts
    of 0 when the scope has nobody (its median empty)."""
    own = city[city[key] == value]  # as stored_group_read.sql reads them: no other key's rows can slip in
    parts = {by: own[own["grouping_name"] == source] for by, source in _SCOPED_FROM_CITY[key].items()}
    overall = parts["overall"].assign(
        grouping_name="overall",
        **{
            column: pd.Series(None, index=parts["overall"].index, dtype=city[column].dtype)
            for column in _GROUP_KEY_COLUMNS
        },
    )
    if overall.empty:
        counts = catalog.dtypes(catalog.COMPUTED_COLUMNS)
        values = {"period_id": position, "grouping_name": "overall"}
        values |= {name: 0 if counts[name] == "int64" else np.nan for name in catalog.COMPUTED_COLUMNS}
        overall = pd.DataFrame({c: pd.Series([values.get(c)], dtype=city[c].dtype) for c in city.columns})
    parts["overall"] = overall
    # the mart orders its rows by grouping name first
    return pd.concat([parts[by] for by in sorted(set(groupings))], ignore_index=True)


def _stored_scope_frames(
    con: duckdb.DuckDBPyConnection,
    period_list: Sequence[periods.Period],
    scope: Scope,
    config: settings.Settings,
    groupings: Sequence[str],
) -> dict[int, pd.DataFrame]:
    """The rows of the scope for the periods stored (by position in the list): the city's stored rows, or a
    county's or a department's taken from them (see _SCOPED_FROM_CITY); nothing for any other scope."""
    if scope == ALL:
        return _stored_frames(con, period_list, config, groupings)
    source = _city_source(scope, groupings)
    if source is None:
        return {}
    key, value = source
    city_groupings = sorted({_SCOPED_FROM_CITY[key][by] for by in groupings})
    found = _stored_frames(con, period_list, config, city_groupings, {key: value})
    return {position: _scope_rows(city, key, value, groupings, position) for position, city in found.items()}


def _metrics_frame(
    con: duckdb.DuckDBPyConnection,
    period_list: Sequence[periods.Period],
    scope: Scope,
    config: settings.Settings | None,
    groupings: Sequence[str],
    stored: bool = True,
) -> pd.DataFrame:
    """The metrics rows of the periods: stored counts read, the others computed, in period order; then the
    rates, 月均联系频次 and 综合得分 derived from the counts (pipeline/catalog.py)."""
    config = config or settings.read_settings(con)
    found = _stored_scope_frames(con, period_list, scope, config, groupings) if stored else {}
    if not found:
        frame = run_model(con, "mart_metrics", period_list, scope, config, groupings=list(groupings))
    else:
        missing = [position for position in range(len(period_list)) if position not in found]
        if missing:
            computed = run_model(
                con, "mart_metrics", [period_list[i] for i in missing], scope, config, groupings=list(groupings)
            )
            for number, position in enumerate(missing):
                found[position] = computed[computed["period_id"] == number].assign(period_id=np.int32(position))
        frame = pd.concat([found[position] for position in range(len(period_list))], ignore_index=True)
    months = np.array([period.months for period in period_list])[frame["period_id"].to_numpy()]
    return catalog.derive(frame, months, config.weights)


# ---------------------------------------------------------------- metrics


def _check_grouping(by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(labels.MSG_GROUPING_INVALID.format(value=by, allowed="、".join(GROUPINGS)))


def _shape(frame: pd.DataFrame, by: str, scope: Scope, leading: Sequence[str] = ()) -> pd.DataFrame:
    """The mart rows of one grouping → key column(s) per CLI.md, then the metric columns in order."""
    positions = np.flatnonzero((frame["grouping_name"] == by).to_numpy(dtype=bool))
    # the mart's rows come grouping by grouping: a slice, not a copy of every column (200,000 cadre rows)
    contiguous = len(positions) and positions[-1] - positions[0] + 1 == len(positions)
    rows = frame.iloc[positions[0] : positions[-1] + 1] if contiguous else frame.iloc[positions]
    added = {}
    if by == "overall":
        added["overall"] = scope.label
    elif by == "cadre":
        added["cadre"] = rows["cadre_name"]
        added["cadre_phone_masked"] = masking.mask_texts(rows["cadre_phone"], masking.mask_phone)
    keys = list(KEY_COLUMNS[by])
    own = [column for column in (*leading, *keys) if column not in added]
    result = rows[own + list(METRIC_COLUMNS)].assign(**added)
    result = result[list(leading) + keys + list(METRIC_COLUMNS)].reset_index(drop=True)
    wrong = {name: kind for name, kind in catalog.dtypes().items() if result[name].dtype != kind}
    return result.astype(wrong) if wrong else result


def _period(period: str | periods.Period, today: str | dt.date | None) -> periods.Period:
    return periods.parse_period(period, today)


def metrics_many(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    bys: Iterable[str] = GROUPINGS,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
    stored: bool = True,
) -> dict[str, pd.DataFrame]:
    """The metrics of one period for several groupings at once (contacts are read once).

    The city's metrics of a stored period are read from the store, and so are a county's overall, county
    and township rows and a department's overall, department and cadre rows (see _SCOPED_FROM_CITY);
    stored=False computes them from the ledgers all the same.
    """
    wanted = list(bys)
    for by in wanted:
        _check_grouping(by)
    target = _period(period, today)
    frame = _metrics_frame(con, [target], scope, config, wanted, stored)
    return {by: _shape(frame, by, scope) for by in wanted}


def metrics_of_periods(
    con: duckdb.DuckDBPyConnection,
    period_list: Sequence[periods.Period],
    bys: Iterable[str],
    scope: Scope = ALL,
    config: settings.Settings | None = None,
) -> list[dict[str, pd.DataFrame]]:
    """metrics_many of several periods (a period and the one it is compared with) in one query: what is not stored
    is computed for all of them at once, their contacts read once. One dict per period, in order."""
    wanted = list(bys)
    for by in wanted:
        _check_grouping(by)
    frame = _metrics_frame(con, list(period_list), scope, config, wanted)
    parts = [frame[frame["period_id"] == position] for position in range(len(period_list))]
    return [{by: _shape(part, by, scope) for by in wanted} for part in parts]


def metrics(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    by: str,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
    stored: bool = True,
) -> pd.DataFrame:
    """The SPEC §5 metrics of one period, one row per group: key column(s), then the metric columns."""
    return metrics_many(con, period, [by], scope, today, config, stored)[by]


def trend(
    con: duckdb.DuckDBPyConnection,
    start_month: str | dt.date,
    end_month: str | dt.date,
    by: str,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The metrics of each month from start_month to end_month (a running one cut at today), in one query."""
    _check_grouping(by)
    months = periods.month_periods(start_month, end_month, today)
    if not months:
        columns = ["month", *KEY_COLUMNS[by], *METRIC_COLUMNS]
        return pd.DataFrame(columns=columns)
    frame = _metrics_frame(con, months, scope, config, [by])
    frame["month"] = [months[i].text for i in frame["period_id"]]
    return _shape(frame, by, scope, leading=["month"])


def compare_previous(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    by: str,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The metrics of a period beside those of the previous comparable period: m, m_previous, m_change."""
    _check_grouping(by)
    current = _period(period, today)
    previous = periods.previous_period(current)
    frame = _metrics_frame(con, [current, previous], scope, config, [by])
    now = _shape(frame[frame["period_id"] == 0], by, scope)
    before = _shape(frame[frame["period_id"] == 1], by, scope)
    keys = list(KEY_COLUMNS[by])
    merged = now.merge(before, on=keys, how="left", suffixes=("", "_previous"))
    columns = list(keys)
    for metric in METRIC_COLUMNS:
        merged[f"{metric}_change"] = merged[metric] - merged[f"{metric}_previous"]
        columns += [metric, f"{metric}_previous", f"{metric}_change"]
    return merged[columns]


def previous_metrics(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    by: str,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The metrics of the period before (previous month/quarter/year, or the same stretch of it)."""
    return metrics(con, periods.previous_period(_period(period, today)), by, scope, config=config)


# ---------------------------------------------------------------- rows behind the figures


def _key_parameters(by: str, key: object) -> tuple[dict[str, object], str | None]:
    """Bound key parameters for a group, and a masked cadre phone to match afterwards (if one was given)."""
    _check_grouping(by)
    if by == "overall":
        return {}, None
    columns = KEY_COLUMNS[by]
    if isinstance(key, Mapping):
        values = [key.get(c) for c in columns]
    elif isinstance(key, str):
        values = [key]
    else:
        values = list(key) if key is not None else []
    if by == "cadre" and len(values) == 2:  # (department, cadre): the phone is optional
        values.append(None)
    if len(values) != len(columns):
        wanted = "、".join(columns)
        raise ValueError(
            labels.MSG_DRILL_KEY_INVALID.format(grouping=by, count=len(columns), columns=wanted, value=key)
        )
    named = dict(zip(columns, values, strict=True))
    masked_phone = None
    if by == "cadre":
        phone = named.pop("cadre_phone_masked")
        named["cadre_name"] = named.pop("cadre")
        if phone and "*" in phone:
            masked_phone = phone
        else:
            named["cadre_phone"] = phone or None
    return {f"key_{name}": value for name, value in named.items()}, masked_phone


_FREE_TEXT_COLUMNS = frozenset({"summary", "description", "reported_issue"})


def _finish_rows(frame: pd.DataFrame, kind: str, masked: bool) -> pd.DataFrame:
    order = _ROW_ORDER[kind]
    ascending = [kind not in _DESCENDING_FIRST] + [True] * (len(order) - 1)
    frame = frame.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)
    frame = frame.drop(columns=["period_id"])
    return mask_rows(frame) if masked else frame


def mask_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a drill or overdue list as shown by default: ID numbers, phones, the person's name and any number
    typed into free text masked (a copy); the cadre's name stays, as a 督办 notice is addressed to him."""
    frame = frame.copy()
    frame["id_number"] = mask_column(frame["id_number"], masking.mask_id)
    frame["cadre_phone"] = mask_column(frame["cadre_phone"], masking.mask_phone)
    if "beneficiary_name" in frame.columns:
        frame["beneficiary_name"] = mask_column(frame["beneficiary_name"], masking.mask_name)
    for column in _FREE_TEXT_COLUMNS.intersection(frame.columns):  # a number typed into a 情况摘要
        frame[column] = mask_column(frame[column], masking.mask_text)
    return frame


def _of_masked_phone(frame: pd.DataFrame, masked_phone: str) -> pd.DataFrame:
    """The rows whose cadre's phone masks to masked_phone (the key a cadre row of the cadre grouping shows)."""
    shown = masking.mask_texts(frame["cadre_phone"], masking.mask_phone)
    return frame.loc[shown.eq(masked_phone).fillna(False).astype(bool)]


def _rows(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    target: periods.Period,
    by: str,
    key: object,
    scope: Scope,
    masked: bool,
    config: settings.Settings | None,
    flag: str | None = None,
) -> pd.DataFrame:
    key_params, masked_phone = _key_parameters(by, key)
    frame = run_model(con, _ROW_MARTS[kind], [target], scope, config, **key_params)
    if masked_phone is not None:
        frame = _of_masked_phone(frame, masked_phone)
    if flag is not None:
        frame = frame.loc[frame[flag].astype(bool)]
    return _finish_rows(frame, kind, masked)


def drill_rows(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    by: str,
    key: object,
    metric: str,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    masked: bool = True,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The beneficiaries, contacts or issues behind one cell of the metrics table."""
    if metric not in DRILL_ROWS:
        raise ValueError(labels.MSG_METRIC_INVALID.format(value=metric, allowed="、".join(METRIC_COLUMNS)))
    kind, flag = DRILL_ROWS[metric]
    return _rows(con, kind, _period(period, today), by, key, scope, masked, config, flag)


def drill_kind(metric: str) -> str:
    """What drill_rows returns for a metric: beneficiaries, contacts, issues, ratings or an overdue list."""
    return DRILL_ROWS[metric][0]


def overdue(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    what: str = "contacts",
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    masked: bool = True,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """The 督办 list as of the end of the period: overdue contacts or overdue issues, longest first."""
    if what not in ("contacts", "issues"):
        raise ValueError(labels.MSG_OVERDUE_WHAT_INVALID.format(value=what))
    return _rows(con, f"overdue_{what}", _period(period, today), "overall", None, scope, masked, config)


# ---------------------------------------------------------------- county and department pages

# The score rates plus 联系覆盖率: a rate below the amber band is named among a department's reasons.
BEHIND_RATES = catalog.shown_in("behind")
_PAIR_ORDER = ["county", "township", "village", "id_number"]
_CADRE_ORDER = ["overdue_contact", "issues_overdue", "open_issues", "cadre_name", "cadre_phone"]


def pair_rows(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    by: str,
    key: object,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    masked: bool = True,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """One row per beneficiary of a group: the cadre, last contact, contacts in the period, open issues."""
    key_params, masked_phone = _key_parameters(by, key)
    frame = run_model(con, "mart_cadre_pairs", [_period(period, today)], scope, config, **key_params)
    if masked_phone is not None:
        frame = _of_masked_phone(frame, masked_phone)
    frame = frame.sort_values(_PAIR_ORDER, kind="stable").reset_index(drop=True).drop(columns=["period_id"])
    return mask_pairs(frame) if masked else frame


def mask_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """pair_rows as shown by default (a copy): the ID number, the person's name and the cadre's phone masked. The
    same as asking pair_rows for masked rows, so a page computes the rows once and masks the ones it draws."""
    frame = frame.copy()
    frame["id_number"] = mask_column(frame["id_number"], masking.mask_id)
    frame["beneficiary_name"] = mask_column(frame["beneficiary_name"], masking.mask_name)
    frame["cadre_phone"] = mask_column(frame["cadre_phone"], masking.mask_phone)
    return frame


def cadre_rows(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    department: str,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """One row per cadre of a department (most overdue first): pairs, contacts, last contact, overdue, open issues."""
    frame = run_model(con, "mart_department_cadres", [_period(period, today)], scope, config, key_department=department)
    ascending = [False, False, False, True, True]
    frame = frame.sort_values(_CADRE_ORDER, ascending=ascending, kind="stable").reset_index(drop=True)
    # the same key columns as metrics(by="cadre"), so a row can be drilled with drill_rows(by="cadre")
    frame["cadre"] = frame["cadre_name"]
    frame["cadre_phone_masked"] = masking.mask_texts(frame["cadre_phone"], masking.mask_phone)
    # what opens the cadre's file: a key standing for the phone, which itself never leaves the query
    frame["cadre_key"] = [masking.phone_key(phone) for phone in frame["cadre_phone"].tolist()]
    columns = [
        "department",
        "cadre",
        "cadre_phone_masked",
        "cadre_key",
        "cadre_level",
        "paired",
        "contacts",
        "contacted",
        "home_visited",
        "standard_due",
        "on_standard",
        "on_standard_rate",
        "last_contact_on",
        "overdue_contact",
        "open_issues",
        "issues_overdue",
    ]
    return frame[columns]


def behind_reason(row: Mapping[str, object], config: settings.Settings = settings.DEFAULT_SETTINGS) -> str:
    """The rates of a row below the amber band, worst first: 联系达标率61.0%，低于75%；…"""
    threshold = f"{config.rag_amber:.0%}"
    low = []
    for rate in BEHIND_RATES:
        value = row.get(rate)
        if value is not None and not pd.isna(value) and settings.rag_band(float(value), config) == "red":
            low.append((float(value), rate))
    parts = [
        labels.BEHIND_REASON.format(metric=labels.METRIC_LABELS[rate], value=f"{value:.1%}", threshold=threshold)
        for value, rate in sorted(low)
    ]
    return labels.BEHIND_REASON_SEPARATOR.join(parts)


def flag_behind(frame: pd.DataFrame, config: settings.Settings = settings.DEFAULT_SETTINGS) -> pd.DataFrame:
    """Add score_band, is_behind (综合得分 in the red band) and behind_reason to metrics rows."""
    result = frame.copy()
    bands = [settings.rag_band(None if pd.isna(s) else s / 100, config) for s in result["score"]]
    result["score_band"] = bands
    result["is_behind"] = [band == "red" for band in bands]
    reasons = [behind_reason(row, config) for row in result.to_dict("records")]
    result["behind_reason"] = [
        reason if behind else "" for reason, behind in zip(reasons, result["is_behind"], strict=True)
    ]
    return result


def department_ranking(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    config: settings.Settings | None = None,
) -> pd.DataFrame:
    """Departments by 综合得分, worst first, with rank (1 = best), RAG band of the score and why one is behind."""
    config = config or settings.read_settings(con)
    frame = metrics(con, period, "department", scope, today, config)
    # beneficiaries without an active pairing form the 未结对 row: no department to rank
    frame = frame[frame["department"] != labels.UNPAIRED_LABEL]
    frame = flag_behind(frame, config)
    frame.insert(1, "rank", frame["score"].rank(ascending=False, method="min", na_option="bottom").astype("int64"))
    return frame.sort_values(["score", "department"], na_position="first", kind="stable").reset_index(drop=True)


# Which of a group's beneficiaries (pair_rows) a 县区 page filter keeps: each is the complement or the
# subset of one metric, so the count matches the metrics table (本期未联系 = 已结对数 − 已联系数).
PAIR_FILTERS = {
    "all": lambda rows: pd.Series(True, index=rows.index),
    "unpaired": lambda rows: ~rows["is_paired"],
    "not_contacted": lambda rows: rows["is_paired"] & ~rows["is_contacted"],
    "not_home_visited": lambda rows: rows["is_paired"] & ~rows["is_home_visited"],
    "not_on_standard": lambda rows: rows["is_standard_due"] & ~rows["is_on_standard"],
    "overdue_contact": lambda rows: rows["is_overdue_contact"],
    "open_issues": lambda rows: rows["open_issues"] > 0,
    "issues_overdue": lambda rows: rows["issues_overdue"] > 0,
}


def filter_pairs(rows: pd.DataFrame, which: str) -> pd.DataFrame:
    """The rows of pair_rows that one PAIR_FILTERS entry keeps."""
    return rows[PAIR_FILTERS[which](rows).astype(bool)].reset_index(drop=True)
