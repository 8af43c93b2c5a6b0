"""What is in the database and which import it reflects (the data version shown in the app)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from pipeline import config, contact_state, db, periods, queries
from pipeline.queries import ALL, Scope


def data_status(con: duckdb.DuckDBPyConnection) -> dict:
    """Row counts of the stored tables and the id and time of the last import batch."""
    cursor = con.execute(db.read_sql("status/data_status.sql"))
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchall()[0], strict=True))


def filter_options(con: duckdb.DuckDBPyConnection, scope: Scope = ALL) -> dict[str, list]:
    """The counties and departments a scope can narrow to, and the first month with a contact or issue."""
    options: dict[str, list] = {"county": [], "department": []}
    params = {"scope_county": scope.county, "scope_department": scope.department}
    for kind, value in con.execute(db.read_sql("status/filter_options.sql"), params).fetchall():
        options[kind].append(value)
    options["first_month"] = con.execute(db.read_sql("status/first_month.sql")).fetchall()[0][0]
    return options


def data_generation(con: duckdb.DuckDBPyConnection) -> tuple:
    """(last batch, settings rows, last settings change, last snapshot): changes exactly when figures may change."""
    return tuple(con.execute(db.read_sql("status/data_generation.sql")).fetchall()[0])


def submissions(
    con: duckdb.DuckDBPyConnection, today: dt.date | str | None = None, scope: Scope = ALL
) -> tuple[periods.Period, pd.DataFrame]:
    """报送情况: per county and department, the last import of each kind and whether the month's log is in.

    The month reported on is the last month that has ended (on 12-06, November): its contact log is due in
    the days after it ends. Returns that month and one row per unit (unit_kind county | department).
    """
    day = config.today(today)
    first_of_month = day.replace(day=1)
    month = periods.parse_period(f"{first_of_month - dt.timedelta(days=1):%Y-%m}", day)
    sql = queries.with_models(db.read_sql("status/submissions.sql"))
    params = {
        "as_of": month.as_of,
        "month_start": month.start,
        "scope_county": scope.county,
        "scope_department": scope.department,
    }
    return month, con.execute(sql, contact_state.bind(con, sql, params)).df()
