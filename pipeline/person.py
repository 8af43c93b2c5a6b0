"""一人一档: find a person or a cadre by name, ID number or phone, and gather one person's or one cadre's file.

A search text is read as what it looks like: 18 characters of digits (and X) a full ID number, six characters,
stars and four a masked one (620102********1234), 11 digits a full phone, 3 digits, stars and 4 a masked phone
(138****1234), anything else a part of a name. Full ID numbers and phones are looked up only for users who
may show full identifiers; for the others such a text finds nothing (a masked one works for everybody).
Everything stays within the caller's scope, and what is returned is masked unless asked otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline import config, db, masking, periods, queries, reminders, settings
from pipeline.queries import Scope

SEARCH_LIMIT = 50
_FULL_ID = re.compile(r"^\d{17}[\dX]$")
_MASKED_ID = re.compile(r"^(\d{6})\*+(\d{3}[\dX])$")
_FULL_PHONE = re.compile(r"^1\d{10}$")
_MASKED_PHONE = re.compile(r"^(1\d{2})\*+(\d{4})$")


@dataclass(frozen=True)
class SearchText:
    """What a search text stands for; a pattern a user may not use is None."""

    name_text: str | None = None
    full_id: str | None = None
    id_head: str | None = None
    id_tail: str | None = None
    full_phone: str | None = None
    phone_head: str | None = None
    phone_tail: str | None = None

    @classmethod
    def read(cls, text: str, may_unmask: bool) -> SearchText:
        """Read a search text typed by a user (trimmed, half-width, x as X)."""
        cleaned = text.strip().replace(" ", "").replace("＊", "*").upper()
        if not cleaned:
            return cls()
        if _FULL_ID.match(cleaned):
            return cls(full_id=cleaned if may_unmask else None)
        masked_id = _MASKED_ID.match(cleaned)
        if masked_id:
            return cls(id_head=masked_id.group(1), id_tail=masked_id.group(2))
        if _FULL_PHONE.match(cleaned):
            return cls(full_phone=cleaned if may_unmask else None)
        masked_phone = _MASKED_PHONE.match(cleaned)
        if masked_phone:
            return cls(phone_head=masked_phone.group(1), phone_tail=masked_phone.group(2))
        if "*" in cleaned or cleaned.isdigit():
            return cls()  # a number that is neither an ID nor a phone, or a mask of something else
        return cls(name_text=text.strip())

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())

    def parameters(self) -> dict[str, str | None]:
        return dict(vars(self))


def _params(scope: Scope, today: dt.date, **extra) -> dict:
    return {"scope_county": scope.county, "scope_department": scope.department, "as_of": today, **extra}


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    sql = queries.with_models(db.read_sql(f"person/{name}.sql"))
    used = dict.fromkeys(re.findall(r"\$([a-z_][a-z0-9_]*)", sql))
    return con.execute(sql, {key: params[key] for key in used}).df()


def _mask(frame: pd.DataFrame) -> pd.DataFrame:
    masks = {
        "id_number": masking.mask_id,
        "phone": masking.mask_phone,
        "cadre_phone": masking.mask_phone,
        "visit_cadre_phone": masking.mask_phone,
        "summary": masking.mask_text,
        "description": masking.mask_text,
    }
    for column, mask in masks.items():
        if column in frame.columns:
            frame[column] = [mask(v) if isinstance(v, str) else v for v in frame[column].tolist()]
    return frame


def _search(con, sql_name: str, wanted: SearchText, scope: Scope, masked: bool, today, limit: int) -> pd.DataFrame:
    params = _params(scope, config.today(today), limit=int(limit), **wanted.parameters())
    frame = _run(con, sql_name, params)
    return _mask(frame) if masked else frame


def search_people(
    con: duckdb.DuckDBPyConnection,
    text: str,
    scope: Scope = queries.ALL,
    *,
    may_unmask: bool = False,
    masked: bool = True,
    today: dt.date | str | None = None,
    limit: int = SEARCH_LIMIT,
) -> pd.DataFrame:
    """The beneficiaries within scope that a search text finds (at most `limit`), closest first."""
    wanted = SearchText.read(text, may_unmask)
    if wanted.is_empty:
        return pd.DataFrame()
    return _search(con, "person_search", wanted, scope, masked, today, limit)


def search_cadres(con: duckdb.DuckDBPyConnection, text: str, scope: Scope = queries.ALL, **options) -> pd.DataFrame:
    """The cadres (with pairs today within scope) that a search text finds: by name or phone (options as above)."""
    wanted = SearchText.read(text, options.get("may_unmask", False))
    if wanted.name_text is None and wanted.full_phone is None and wanted.phone_head is None:
        return pd.DataFrame()
    masked, today, limit = options.get("masked", True), options.get("today"), options.get("limit", SEARCH_LIMIT)
    return _search(con, "cadre_search", wanted, scope, masked, today, limit)


@dataclass(frozen=True)
class PersonFile:
    """Everything the system holds about one person (masked unless asked otherwise)."""

    person: dict  # the roster row
    pairings: pd.DataFrame  # every pairing, earliest first
    run_started_on: dt.date | None  # the first day of the pairing run active today (None: not paired)
    contacts: pd.DataFrame  # every contact, latest first
    issues: pd.DataFrame  # every issue, latest raised first
    issue_history: pd.DataFrame  # each state an import set on each of his issues, oldest first
    overdue_contact: pd.DataFrame  # the person's line of today's 督办 list of overdue contacts (empty: none)
    overdue_issues: pd.DataFrame  # his issues on today's list of overdue issues
    reminder_texts: list[str]  # what the reminder to his cadre says about him today


def _run_start(pairings: pd.DataFrame, today: dt.date) -> dt.date | None:
    """The first day of the current pairing run (SPEC §5): the active pairing and those before it without a gap."""
    rows = pairings.sort_values(["paired_on", "cadre_phone"]).to_dict("records")
    start = None
    latest_end = None
    for row in rows:
        paired_on = pd.Timestamp(row["paired_on"]).date()
        if paired_on > today:
            break
        unpaired = row["unpaired_on"]
        end = dt.date.max if unpaired is None or pd.isna(unpaired) else pd.Timestamp(unpaired).date()
        if start is None or latest_end is None or latest_end < paired_on:
            start = paired_on
        latest_end = end if latest_end is None else max(latest_end, end)
    if start is None or latest_end is None or latest_end <= today:
        return None
    return start


def person_file(
    con: duckdb.DuckDBPyConnection,
    id_number: str,
    scope: Scope = queries.ALL,
    *,
    masked: bool = True,
    today: dt.date | str | None = None,
    settings_in_force: settings.Settings | None = None,
) -> PersonFile | None:
    """One person's whole file, or None when he is unknown or outside the scope."""
    day = config.today(today)
    params = _params(scope, day, id_number=id_number)
    found = _run(con, "person_row", params)
    if found.empty:
        return None
    pairings = _run(con, "person_pairings", params)
    contacts = _run(con, "person_contacts", params)
    issues = _run(con, "person_issues", params)
    history = _run(con, "person_issue_history", params)
    # today's 督办 lists, narrowed to this person (the list is computed for his county only)
    county_scope = Scope(county=str(found.iloc[0]["county"]), department=scope.department)
    period = periods.parse_period(f"{day:%Y-%m}", day)
    in_force = settings_in_force or settings.read_settings(con)
    overdue = queries.overdue(con, period, "contacts", county_scope, masked=False, config=in_force)
    overdue = overdue[overdue["id_number"] == id_number].reset_index(drop=True)
    late = queries.overdue(con, period, "issues", county_scope, masked=False, config=in_force)
    late = late[late["id_number"] == id_number].reset_index(drop=True)
    texts = [reminders.contact_item(row, in_force.overdue_days) for row in overdue.to_dict("records")]
    texts += [reminders.issue_item(row) for row in late.to_dict("records")]
    person = found.iloc[0].to_dict()
    run_started_on = _run_start(pairings, day)
    if masked:
        person = _mask(found.copy()).iloc[0].to_dict()
        pairings, contacts, issues = _mask(pairings), _mask(contacts), _mask(issues)
        overdue, late = _mask(overdue), _mask(late)
    return PersonFile(person, pairings, run_started_on, contacts, issues, history, overdue, late, texts)


@dataclass(frozen=True)
class CadreFile:
    """One cadre: his pairs today, their contacts and issues in the period, his place in his department."""

    cadre: dict  # department, cadre (name), cadre_phone_masked and his metrics row
    pairs: pd.DataFrame  # queries.pair_rows of the cadre
    rank: int | None  # his place among his department's cadres by 综合得分 (1 = best)
    cadres_in_department: int


def cadre_file(
    con: duckdb.DuckDBPyConnection,
    department: str,
    cadre_name: str,
    cadre_phone: str,
    period: str | periods.Period,
    scope: Scope = queries.ALL,
    *,
    masked: bool = True,
    today: dt.date | str | None = None,
) -> CadreFile | None:
    """One cadre's file for a period (cadre_phone full or masked), or None when he has no pairs in scope."""
    target = periods.parse_period(period, today)
    key = (department, cadre_name, cadre_phone)
    pairs = queries.pair_rows(con, target, "cadre", key, scope, masked=masked)
    if pairs.empty:
        return None
    cadres = queries.metrics(con, target, "cadre", scope)
    cadres = cadres[cadres["department"] == department].reset_index(drop=True)
    phone_masked = masking.mask_phone(cadre_phone) if "*" not in cadre_phone else cadre_phone
    mine = cadres[(cadres["cadre"] == cadre_name) & (cadres["cadre_phone_masked"] == phone_masked)]
    ranks = cadres["score"].rank(ascending=False, method="min", na_option="bottom")
    rank = int(ranks[mine.index[0]]) if not mine.empty else None
    row = mine.iloc[0].to_dict() if not mine.empty else {"department": department, "cadre": cadre_name}
    return CadreFile(row, pairs, rank, len(cadres))
