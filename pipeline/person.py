"""一人一档: find a person or a cadre by name, ID number or phone, and gather one person's or one cadre's file.

A search text is read as what it looks like: 18 characters of digits (and X) a full ID number, six characters,
stars and four a masked one (620102********1234), 11 digits a full phone, 3 digits, stars and 4 a masked phone
(138****1234), anything else a part of a name. Full ID numbers and phones are looked up only for users who
may show full identifiers; for the others such a text finds nothing (a masked one works for everybody).
Everything stays within the caller's scope, and what is returned is masked unless asked otherwise. A cadre's file
is pipeline/cadre.py; it reads its SQL (sql/person/cadre_*.sql) through `read` below.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline import config, contact_state, db, masking, periods, queries, reminders, settings
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


def parameters(scope: Scope, today: dt.date, **extra) -> dict:
    """The values a statement under sql/person/ is given: the caller's scope, the day, and its own (`extra`)."""
    return {"scope_county": scope.county, "scope_department": scope.department, "as_of": today, **extra}


def read(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pd.DataFrame:
    """Run sql/person/<name>.sql with the models it names in front of it.

    The models get the labels they read (the staging models' answers and statuses); values that follow the
    settings are the defaults, so a statement here must not read one (none does).
    """
    sql = queries.with_models(db.read_sql(f"person/{name}.sql"))
    day = params["as_of"]
    scope = Scope(county=params["scope_county"], department=params["scope_department"])
    month = periods.parse_period(f"{day:%Y-%m}", day)
    bound = queries.bound_parameters(sql, [month], scope, settings.DEFAULT_SETTINGS, **params)
    return con.execute(sql, contact_state.bind(con, sql, bound)).df()


# what a masked frame shows of each identifier or free text
MASKS = {
    "id_number": masking.mask_id,
    "phone": masking.mask_phone,
    "cadre_phone": masking.mask_phone,
    "visit_cadre_phone": masking.mask_phone,
    "summary": masking.mask_text,
    "description": masking.mask_text,
}


def mask_frame(frame: pd.DataFrame, masks: dict = MASKS) -> pd.DataFrame:
    """The frame with its identifiers and free texts masked (in place, and returned)."""
    for column, mask in masks.items():
        if column in frame.columns:
            frame[column] = [mask(v) if isinstance(v, str) else v for v in frame[column].tolist()]
    return frame


def _search(con, sql_name: str, wanted: SearchText, scope: Scope, masked: bool, today, limit: int) -> pd.DataFrame:
    params = parameters(scope, config.today(today), limit=int(limit), **wanted.parameters())
    frame = read(con, sql_name, params)
    return mask_frame(frame) if masked else frame


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
    pairing_keys: list[str | None]  # the key of each pairing's cadre (masking.phone_key), row for row: opens his file


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
    params = parameters(scope, day, id_number=id_number)
    found = read(con, "person_row", params)
    if found.empty:
        return None
    pairings = read(con, "person_pairings", params)
    contacts = read(con, "person_contacts", params)
    issues = read(con, "person_issues", params)
    history = read(con, "person_issue_history", params)
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
    keys = [masking.phone_key(phone) for phone in pairings["cadre_phone"].tolist()]
    if masked:
        person = mask_frame(found.copy()).iloc[0].to_dict()
        pairings, contacts, issues = mask_frame(pairings), mask_frame(contacts), mask_frame(issues)
        overdue, late = mask_frame(overdue), mask_frame(late)
    return PersonFile(person, pairings, run_started_on, contacts, issues, history, overdue, late, texts, keys)
