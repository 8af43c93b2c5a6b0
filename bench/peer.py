"""The peer: the metrics of SPEC §5 written the straightforward pandas way, as an analyst would.

Load the four tables into pandas once (`load_tables`), then for a period filter, merge and group by
(`compute`). Nothing here is tuned: no categoricals, no pre-sorting, no reuse between groupings.
The result has the shape of `queries.metrics_many` (key columns, then the metric columns), so that
`differences` can hold the two figure by figure.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import numpy as np
import pandas as pd

from pipeline import festivals, labels, periods, queries, settings

# The columns each table contributes; text, dates and nothing else.
TABLE_COLUMNS = {
    "beneficiary": ("id_number", "category", "county", "township", "enrolled_on", "exited_on"),
    "pairing": ("id_number", "cadre_phone", "cadre_name", "department", "cadre_level", "paired_on", "unpaired_on"),
    "contact": ("id_number", "contact_date", "method", "satisfaction"),
    "issue": ("id_number", "raised_on", "status", "closed_on", "rating"),
    "callback": ("id_number", "callback_date", "reach", "knows_cadre", "contact_truth", "satisfaction"),
}

_CALLBACK_RATES = {  # rate: (numerator, denominator)
    "callback_reach_rate": ("callbacks_reached", "callbacks"),
    "callback_know_rate": ("callbacks_knowing", "callbacks_know_answered"),
    "callback_truth_rate": ("callbacks_true", "callbacks_truth_answered"),
    "callback_satisfaction_rate": ("callbacks_satisfied", "callbacks_rated"),
}

# The columns a grouping groups by, before the cadre's phone is masked for output.
GROUP_BY = {
    "overall": [],
    "county": ["county"],
    "township": ["county", "township"],
    "department": ["department"],
    "cadre": ["department", "cadre_phone"],
    "cadre_level": ["cadre_level"],
    "category": ["category"],
}

# Relative tolerance of the float comparison: the two sides add and divide in the same order, so
# they agree exactly in practice; the tolerance only forgives a different summation order.
FLOAT_RTOL = 1e-12


def load_tables(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The stored tables (only the columns the metrics read) as pandas frames."""
    frames = {}
    for table, columns in TABLE_COLUMNS.items():
        frames[table] = con.table(table).select(*columns).df()
    return frames


def _month_number(dates: pd.Series) -> pd.Series:
    """Months since year 0 (so that month differences are plain subtraction)."""
    return dates.dt.year * 12 + dates.dt.month


def _days(delta: pd.Series) -> pd.Series:
    return delta.dt.days


def _run_starts(pairs: pd.DataFrame) -> pd.Series:
    """The first day of the pairing run each pairing belongs to: pairings without a day unpaired between them."""
    ordered = pairs.sort_values(["id_number", "paired_on", "cadre_phone"])
    open_end = pd.Timestamp("2999-12-31").as_unit(ordered["unpaired_on"].dt.unit)  # a pairing still running
    ends = ordered["unpaired_on"].fillna(open_end)
    earlier_end = ends.groupby(ordered["id_number"]).cummax().groupby(ordered["id_number"]).shift()
    starts_run = earlier_end.isna() | (earlier_end < ordered["paired_on"])
    run = starts_run.astype("int64").groupby(ordered["id_number"]).cumsum()
    first = ordered.groupby([ordered["id_number"], run])["paired_on"].transform("min")
    return first.reindex(pairs.index)


def beneficiary_facts(
    tables: dict[str, pd.DataFrame], period: periods.Period, config: settings.Settings
) -> pd.DataFrame:
    """One row per beneficiary in the programme on as_of, with its pairing, groups and flags."""
    start, as_of = pd.Timestamp(period.start), pd.Timestamp(period.as_of)
    threshold = config.overdue_days
    ben = tables["beneficiary"]
    ben = ben[(ben["enrolled_on"] <= as_of) & (ben["exited_on"].isna() | (ben["exited_on"] > as_of))]
    pairs = tables["pairing"]
    pairs = pairs.assign(run_started_on=_run_starts(pairs))
    active = pairs[(pairs["paired_on"] <= as_of) & (pairs["unpaired_on"].isna() | (pairs["unpaired_on"] > as_of))]
    ben = ben.merge(active.drop(columns=["unpaired_on"]), on="id_number", how="left")
    ben["is_paired"] = ben["paired_on"].notna()
    ben["department"] = ben["department"].fillna(labels.UNPAIRED_LABEL)
    ben["cadre_name"] = ben["cadre_name"].fillna(labels.UNPAIRED_LABEL)
    level = ben["cadre_level"].fillna(labels.UNKNOWN_CADRE_LEVEL_LABEL)
    ben["cadre_level"] = level.where(ben["is_paired"], labels.UNPAIRED_LABEL)

    # contacts dated in the period, summed per beneficiary
    contacts = tables["contact"]
    in_period = contacts[(contacts["contact_date"] >= start) & (contacts["contact_date"] <= as_of)].copy()
    in_period["is_home_visit"] = in_period["method"].isin(labels.HOME_VISIT_METHODS)
    in_period["is_rated"] = in_period["satisfaction"].notna()
    in_period["is_satisfied"] = in_period["satisfaction"].isin(labels.SATISFIED_RATINGS)
    per_person = in_period.groupby("id_number").agg(
        contacts=("method", "size"),
        home_visits=("is_home_visit", "sum"),
        rated_contacts=("is_rated", "sum"),
        satisfied_contacts=("is_satisfied", "sum"),
    )
    ben = ben.merge(per_person, on="id_number", how="left")
    for column in ("contacts", "home_visits", "rated_contacts", "satisfied_contacts"):
        # only the contacts of paired beneficiaries count
        ben[column] = ben[column].fillna(0).astype("int64").where(ben["is_paired"], 0)

    # 联系达标: a contact in every month of the period that has ended by as_of, from the month the pairing
    # run began on
    first_required = _month_number(ben["run_started_on"].where(ben["run_started_on"] > start, start))
    ben["first_required_month"] = first_required
    last_required = _month_number(pd.Series(as_of, index=ben.index)) - (0 if as_of.is_month_end else 1)
    ben["months_required"] = (last_required - first_required + 1).clip(lower=0).where(ben["is_paired"], 0)
    in_period["month"] = _month_number(in_period["contact_date"])
    months = in_period[["id_number", "month"]].drop_duplicates()
    months = months.merge(ben[["id_number", "first_required_month"]], on="id_number")
    months = months[(months["month"] >= months["first_required_month"]) & (months["month"] <= last_required.iloc[0])]
    contacted_months = months.groupby("id_number").size().rename("months_contacted")
    ben = ben.merge(contacted_months, on="id_number", how="left")
    ben["months_contacted"] = ben["months_contacted"].fillna(0)

    # 超期未联系: the last contact on or before as_of, whoever made it
    last = contacts[contacts["contact_date"] <= as_of].groupby("id_number")["contact_date"].max()
    ben = ben.merge(last.rename("last_contact_on"), on="id_number", how="left")
    since_contact = _days(as_of - ben["last_contact_on"])
    since_pairing = _days(as_of - ben["run_started_on"])
    overdue = np.where(ben["last_contact_on"].notna(), since_contact > threshold, since_pairing > threshold)

    ben["is_contacted"] = ben["is_paired"] & (ben["contacts"] > 0)
    ben["is_home_visited"] = ben["is_paired"] & (ben["home_visits"] > 0)
    ben["is_standard_due"] = ben["is_paired"] & (ben["months_required"] > 0)
    ben["is_on_standard"] = ben["is_standard_due"] & (ben["months_contacted"] == ben["months_required"])
    ben["is_overdue_contact"] = ben["is_paired"] & overdue

    # 节日关爱: the festival windows of the person's category that meet P, and contacts in P inside them
    is_child = ben["category"].isin(labels.CHILD_CATEGORIES)
    is_disabled = ben["category"].isin(labels.DISABLED_CATEGORIES)
    applies = {
        festivals.COMMON: pd.Series(True, index=ben.index),
        festivals.CHILDREN: is_child,
        festivals.DISABLED: is_disabled,
    }
    due = pd.Series(False, index=ben.index)
    contacted = pd.Series(False, index=ben.index)
    for window in festivals.windows_between(period.start, period.as_of, config):
        first, last = max(pd.Timestamp(window.first_day), start), min(pd.Timestamp(window.last_day), as_of)
        inside = in_period[(in_period["contact_date"] >= first) & (in_period["contact_date"] <= last)]
        due |= applies[window.group]
        contacted |= applies[window.group] & ben["id_number"].isin(inside["id_number"])
    ben["is_festival_due"] = ben["is_paired"] & due
    ben["is_festival_contacted"] = ben["is_paired"] & contacted
    # 爱心爸妈结对率: paired children, and those paired with a cadre at a leading level
    ben["is_child_paired"] = ben["is_paired"] & is_child
    ben["is_child_led"] = ben["is_child_paired"] & ben["cadre_level"].isin(config.leading_levels)
    return ben


def issue_facts(
    tables: dict[str, pd.DataFrame], ben: pd.DataFrame, period: periods.Period, config: settings.Settings
) -> pd.DataFrame:
    """One row per issue raised on or before as_of by a beneficiary in the programme, with its flags."""
    start, as_of = pd.Timestamp(period.start), pd.Timestamp(period.as_of)
    issues = tables["issue"]
    issues = issues[issues["raised_on"] <= as_of]
    keys = ["id_number", "county", "township", "department", "cadre_phone", "cadre_name", "cadre_level", "category"]
    issues = issues.merge(ben[keys], on="id_number")
    closed = issues["closed_on"]
    issues["is_new"] = issues["raised_on"] >= start
    issues["is_resolved"] = (issues["status"] == labels.RESOLVED_STATUS) & (closed <= as_of)
    closed_in_period = issues["status"].isin(labels.CLOSED_STATUSES) & (closed >= start) & (closed <= as_of)
    issues["is_closed_in_period"] = closed_in_period
    issues["days_to_close"] = _days(closed - issues["raised_on"]).where(closed_in_period)
    issues["is_overdue"] = (closed.isna() | (closed > as_of)) & (
        _days(as_of - issues["raised_on"]) > config.overdue_days
    )
    issues["rated_issues"] = closed_in_period & issues["rating"].notna()
    issues["satisfied_issues"] = closed_in_period & issues["rating"].isin(labels.SATISFIED_RATINGS)
    return issues


def _group(frame: pd.DataFrame, by: str, aggregations: dict) -> pd.DataFrame:
    columns = GROUP_BY[by]
    if not columns:
        return frame.assign(_all=0).groupby("_all").agg(**aggregations).reset_index(drop=True)
    return frame.groupby(columns, dropna=False).agg(**aggregations).reset_index()


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator).where(denominator > 0)


def _masked_phone(phone: object) -> object:
    if not isinstance(phone, str):
        return None
    return phone[:3] + "****" + phone[7:] if len(phone) == 11 else phone


def callback_facts(tables: dict[str, pd.DataFrame], ben: pd.DataFrame, period: periods.Period) -> pd.DataFrame:
    """One row per callback dated in P of a beneficiary in the programme on as_of, with its answers as flags."""
    start, as_of = pd.Timestamp(period.start), pd.Timestamp(period.as_of)
    calls = tables["callback"]
    calls = calls[(calls["callback_date"] >= start) & (calls["callback_date"] <= as_of)]
    keys = ["id_number", "county", "township", "department", "cadre_phone", "cadre_name", "cadre_level", "category"]
    calls = calls.merge(ben[keys], on="id_number")
    calls["is_reached"] = calls["reach"] == labels.CALLBACK_REACHED
    calls["knows_yes"] = calls["knows_cadre"] == labels.CALLBACK_YES
    calls["knows_answered"] = calls["knows_cadre"].isin([labels.CALLBACK_YES, labels.CALLBACK_NO])
    calls["is_true"] = calls["contact_truth"] == labels.CALLBACK_TRUE
    calls["truth_answered"] = calls["contact_truth"].isin([labels.CALLBACK_TRUE, labels.CALLBACK_UNTRUE])
    calls["is_rated"] = calls["satisfaction"].notna()
    calls["is_satisfied"] = calls["satisfaction"].isin(labels.SATISFIED_RATINGS)
    return calls


def metrics_for(
    ben: pd.DataFrame,
    issues: pd.DataFrame,
    by: str,
    period: periods.Period,
    config: settings.Settings,
    calls: pd.DataFrame,
) -> pd.DataFrame:
    """The metrics of one grouping from the beneficiary, issue and callback facts."""
    people = _group(
        ben,
        by,
        {
            "cadre_name": ("cadre_name", "first"),
            "beneficiaries": ("id_number", "size"),
            "paired": ("is_paired", "sum"),
            "contacted": ("is_contacted", "sum"),
            "home_visited": ("is_home_visited", "sum"),
            "contacts": ("contacts", "sum"),
            "standard_due": ("is_standard_due", "sum"),
            "on_standard": ("is_on_standard", "sum"),
            "overdue_contact": ("is_overdue_contact", "sum"),
            "festival_due": ("is_festival_due", "sum"),
            "festival_contacted": ("is_festival_contacted", "sum"),
            "children_paired": ("is_child_paired", "sum"),
            "children_led": ("is_child_led", "sum"),
            "rated_contacts": ("rated_contacts", "sum"),
            "satisfied_contacts": ("satisfied_contacts", "sum"),
        },
    )
    ledger = _group(
        issues,
        by,
        {
            "issues_total": ("id_number", "size"),
            "issues_new": ("is_new", "sum"),
            "issues_resolved": ("is_resolved", "sum"),
            "issues_closed_in_p": ("is_closed_in_period", "sum"),
            "median_days_to_close": ("days_to_close", "median"),
            "issues_overdue": ("is_overdue", "sum"),
            "rated_issues": ("rated_issues", "sum"),
            "satisfied_issues": ("satisfied_issues", "sum"),
        },
    )
    if GROUP_BY[by]:
        rows = people.merge(ledger, on=GROUP_BY[by], how="left")
    else:
        rows = pd.concat([people, ledger.reindex(people.index)], axis=1)
    heard = _group(
        calls,
        by,
        {
            "callbacks": ("id_number", "size"),
            "callbacks_reached": ("is_reached", "sum"),
            "callbacks_knowing": ("knows_yes", "sum"),
            "callbacks_know_answered": ("knows_answered", "sum"),
            "callbacks_true": ("is_true", "sum"),
            "callbacks_truth_answered": ("truth_answered", "sum"),
            "callbacks_rated": ("is_rated", "sum"),
            "callbacks_satisfied": ("is_satisfied", "sum"),
        },
    )
    if GROUP_BY[by]:
        rows = rows.merge(heard, on=GROUP_BY[by], how="left")
    else:
        rows = pd.concat([rows, heard.reindex(rows.index)], axis=1)
    counts = ["issues_total", "issues_new", "issues_resolved", "issues_closed_in_p", "issues_overdue"]
    callback_counts = ["callbacks", *(name for pair in _CALLBACK_RATES.values() for name in pair)]
    for column in [*counts, "rated_issues", "satisfied_issues", *callback_counts]:
        rows[column] = rows[column].fillna(0)
    rated = rows["rated_contacts"] + rows["rated_issues"]
    satisfied = rows["satisfied_contacts"] + rows["satisfied_issues"]

    rows["pairing_rate"] = _rate(rows["paired"], rows["beneficiaries"])
    rows["contact_rate"] = _rate(rows["contacted"], rows["paired"])
    rows["home_visit_rate"] = _rate(rows["home_visited"], rows["paired"])
    rows["contacts_per_pair_month"] = _rate(rows["contacts"], rows["paired"]) / period.months
    rows["on_standard_rate"] = _rate(rows["on_standard"], rows["standard_due"])
    rows["resolution_rate"] = _rate(rows["issues_resolved"], rows["issues_total"])
    rows["satisfaction_rate"] = _rate(satisfied, rated)
    rows["festival_contact_rate"] = _rate(rows["festival_contacted"], rows["festival_due"])
    rows["leader_child_pairing_rate"] = _rate(rows["children_led"], rows["children_paired"])
    for rate, (numerator, denominator) in _CALLBACK_RATES.items():
        rows[rate] = _rate(rows[numerator], rows[denominator])
    weighted = pd.Series(0.0, index=rows.index)
    weights = pd.Series(0.0, index=rows.index)
    for rate, weight in config.weights.items():  # the order of the score's formula
        present = rows[rate].notna()
        weighted = weighted + (weight * rows[rate]).fillna(0)
        weights = weights + present * weight
    rows["score"] = (100 * weighted / weights).where(weights != 0)

    if by == "overall":
        rows["overall"] = labels.CITY_LABEL
    elif by == "cadre":
        rows["cadre"] = rows["cadre_name"]
        rows["cadre_phone_masked"] = [_masked_phone(p) for p in rows["cadre_phone"]]
    result = rows[[*queries.KEY_COLUMNS[by], *queries.METRIC_COLUMNS]]
    return result.astype({c: "float64" if c in queries.FRACTIONAL_COLUMNS else "int64" for c in queries.METRIC_COLUMNS})


def compute(
    tables: dict[str, pd.DataFrame],
    period: periods.Period,
    bys: Iterable[str] = queries.GROUPINGS,
    config: settings.Settings = settings.DEFAULT_SETTINGS,
) -> dict[str, pd.DataFrame]:
    """The metrics of one period for every grouping asked for, from the loaded tables."""
    ben = beneficiary_facts(tables, period, config)
    issues = issue_facts(tables, ben, period, config)
    calls = callback_facts(tables, ben, period)
    return {by: metrics_for(ben, issues, by, period, config, calls) for by in bys}


# ---------------------------------------------------------------- the check


def _sorted(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    # the key columns, then the figures: two cadres of a department sharing a name and a masked phone
    # still come out in the same order on both sides
    order = [*queries.KEY_COLUMNS[by], *queries.METRIC_COLUMNS]
    return frame.sort_values(order, na_position="first", kind="stable").reset_index(drop=True)


def _mismatches(a: pd.Series, b: pd.Series, fractional: bool, rel_tol: float) -> np.ndarray:
    """Positions where two columns differ; missing equals missing, floats within rel_tol."""
    a_missing, b_missing = a.isna().to_numpy(), b.isna().to_numpy()
    if fractional:
        x, y = a.to_numpy("float64", na_value=np.nan), b.to_numpy("float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            close = (x == y) | (np.abs(x - y) <= rel_tol * np.maximum(np.abs(x), np.abs(y)))
    else:
        close = (a.to_numpy(object) == b.to_numpy(object)).astype(bool)
    both_missing = a_missing & b_missing
    same = both_missing | (~a_missing & ~b_missing & close)
    return np.flatnonzero(~same)


def differences(
    ours: dict[str, pd.DataFrame], peer: dict[str, pd.DataFrame], rel_tol: float = FLOAT_RTOL, limit: int = 10
) -> list[str]:
    """Every figure (up to limit) where the two results differ; empty when they are identical."""
    found: list[str] = []
    for by in ours:
        mine, theirs = _sorted(ours[by], by), _sorted(peer[by], by)
        if len(mine) != len(theirs):
            found.append(f"{by}: {len(mine)} rows (ours) vs {len(theirs)} rows (pandas)")
            continue
        for column in [*queries.KEY_COLUMNS[by], *queries.METRIC_COLUMNS]:
            fractional = column in queries.FRACTIONAL_COLUMNS
            for i in _mismatches(mine[column], theirs[column], fractional, rel_tol)[: limit - len(found)]:
                keys = tuple(mine.loc[i, list(queries.KEY_COLUMNS[by])])
                found.append(f"{by} {keys} {column}: ours {mine.loc[i, column]!r} vs pandas {theirs.loc[i, column]!r}")
            if len(found) >= limit:
                return found
    return found


def figure_count(result: dict[str, pd.DataFrame]) -> int:
    """How many figures (groups × metrics) a result holds."""
    return sum(len(frame) * len(queries.METRIC_COLUMNS) for frame in result.values())
