"""干部档案: one cadre's file — every pairing he had, the contacts and issues of his pairs while they were his, his
place among his department's cadres on a period's figures, and the 督办 lines and callbacks about his pairs.

A cadre is known by his phone (a pairing's key is (身份证号, 干部电话)). Pages and sessions never carry the phone:
they carry `masking.phone_key(phone)`, and `phone_for_key` finds the phone again only among the cadres within the
caller's scope — a department's users reach the cadres paired through their department, a county's users the
cadres with pairs in their county — so a key from elsewhere opens nothing. A file shows only the pairs within the
scope, and everything in it is masked unless asked otherwise. His standing compares his own figures with the
other cadres' figures (counts and rates per cadre), never with their people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from pipeline import config, labels, masking, periods, queries, settings
from pipeline.callbacks import doubtful
from pipeline.person import MASKS, mask_frame, parameters, read
from pipeline.queries import ALL, Scope
from pipeline.supervision import evidence, items

# the figures of a department's cadres (queries.cadre_rows) a cadre is ranked on, and whether fewer is better
STANDING_FIGURES = (("on_standard_rate", False), ("overdue_contact", True), ("issues_overdue", True))
STANDING_COLUMNS = ("department", "figure", "value", "rank", "ranked", "department_value")
SUPERVISION_COLUMNS = (
    "number_text",
    "department",
    "state_label",
    "due_on",
    "line_no",
    "beneficiary_name",
    "id_number",
    "summary",
    "done_label",
    "evidence",
)
_MASKS = {
    **MASKS,
    "beneficiary_name": masking.mask_name,
    "reported_issue": masking.mask_text,
}
# what a current pair shows from the figures of today (queries.pair_rows of the running month)
_TODAY_COLUMNS = ["id_number", "run_started_on", "last_contact_on", "days_since_contact", "is_overdue_contact"]


def keys(phones: Iterable[str | None]) -> list[str | None]:
    """The key of each phone (masking.phone_key), in order."""
    return [masking.phone_key(phone) if isinstance(phone, str) else None for phone in phones]


def phone_for_key(
    con: duckdb.DuckDBPyConnection, key: str, scope: Scope = ALL, today: dt.date | str | None = None
) -> str | None:
    """The phone of the cadre a key stands for, if he has a pairing (current or past) within the scope."""
    if not key:
        return None
    phones = read(con, "cadre_phones", parameters(scope, config.today(today), key_cadre_phone=None))
    return next((phone for phone in phones["cadre_phone"].tolist() if masking.phone_key(phone) == key), None)


@dataclass(frozen=True)
class CadreFile:
    """Everything about one cadre within a scope (masked unless asked otherwise)."""

    cadre: dict  # cadre_name, cadre_phone, cadre_key, departments, cadre_level, pairs (today), pairings (ever)
    pairs: pd.DataFrame  # every pairing within scope: today's first, each with its dates (and run start if current)
    pair_ids: list[str]  # the unmasked ID numbers of `pairs`, row for row (they open a person's file; never drawn)
    contacts: pd.DataFrame  # the contacts counted for him, latest first; callback_untrue marks those found untrue
    issues: pd.DataFrame  # the issues of his pairs open at some time while they were his, open ones first
    standing: pd.DataFrame  # STANDING_COLUMNS: per figure his value, rank and the department's (period's figures)
    supervision: pd.DataFrame  # SUPERVISION_COLUMNS: the 督办 lines naming him, newest item first
    callbacks: pd.DataFrame  # the callbacks of his pairs made while they were his, latest first


def cadre_file(
    con: duckdb.DuckDBPyConnection,
    cadre_phone: str,
    period: str | periods.Period,
    scope: Scope = ALL,
    *,
    masked: bool = True,
    today: dt.date | str | None = None,
    settings_in_force: settings.Settings | None = None,
) -> CadreFile | None:
    """One cadre's file (his standing on `period`), or None when he has no pairing within the scope."""
    day = config.today(today)
    params = parameters(scope, day, key_cadre_phone=cadre_phone)
    pairings = read(con, "cadre_pairings", params)
    if pairings.empty:
        return None
    in_force = settings_in_force or settings.read_settings(con)
    pairs = _with_today(con, pairings, cadre_phone, scope, day, in_force)
    contacts = read(con, "cadre_contacts", params)
    contacts = doubtful.mark_untrue(contacts, doubtful.untrue_contacts(con, scope, in_force, masked=False))
    issues = read(con, "cadre_issues", params)
    callbacks = read(con, "cadre_callbacks", params)
    target = periods.parse_period(period, day)
    standing = _standing(con, cadre_phone, sorted(set(pairings["department"])), target, scope, in_force)
    lines = _supervision(con, cadre_phone, scope, day)
    latest = pairings.sort_values("paired_on").iloc[-1]
    cadre = {
        "cadre_name": latest["cadre_name"],
        "cadre_phone": masking.mask_phone(cadre_phone) if masked else cadre_phone,
        "cadre_key": masking.phone_key(cadre_phone),
        "departments": "、".join(dict.fromkeys(pairings.sort_values("paired_on")["department"])),
        "cadre_level": latest["cadre_level"],
        "pairs": int(pairs["is_current"].sum()),
        "pairings": len(pairs),
    }
    pair_ids = pairs["id_number"].tolist()
    pairs, contacts, issues, callbacks = (_dates(frame) for frame in (pairs, contacts, issues, callbacks))
    if masked:
        pairs, contacts, issues, callbacks, lines = (
            mask_frame(frame, _MASKS) for frame in (pairs, contacts, issues, callbacks, lines)
        )
    return CadreFile(cadre, pairs, pair_ids, contacts, issues, standing, lines, callbacks)


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Date columns as plain dates (a table shows 2026-09-30, not a midnight timestamp), empty ones as None."""
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = [None if pd.isna(v) else v.date() for v in frame[column]]
    return frame


def _with_today(con, pairings: pd.DataFrame, phone: str, scope: Scope, day: dt.date, in_force) -> pd.DataFrame:
    """The pairings with is_current (paired with him today, the person in the programme) and, for those, the start
    of the pairing run (SPEC §5: a handover does not restart it), the last contact and whether it is overdue."""
    month = periods.parse_period(f"{day:%Y-%m}", day)
    today_rows = queries.pair_rows(con, month, "cadre", (None, None, phone), scope, masked=False, config=in_force)
    today_rows = today_rows[today_rows["is_paired"]][_TODAY_COLUMNS]
    frame = pairings.merge(today_rows, on="id_number", how="left")
    frame.insert(
        frame.columns.get_loc("unpaired_on") + 1, "is_current", frame["id_number"].isin(today_rows["id_number"])
    )
    frame["is_overdue_contact"] = frame["is_overdue_contact"].astype("boolean")
    order = frame.assign(_past=~frame["is_current"]).sort_values(
        ["_past", "paired_on", "county", "township", "id_number"], kind="stable"
    )
    return order.drop(columns="_past").reset_index(drop=True)


def _standing(
    con, phone: str, departments: list[str], period: periods.Period, scope: Scope, in_force: settings.Settings
) -> pd.DataFrame:
    """His place among the cadres of each department he had pairs through on the period's as_of (within the scope)."""
    key = masking.phone_key(phone)
    rows = []
    for department in departments:
        cadres = queries.cadre_rows(con, period, department, scope, config=in_force)
        mine = cadres.index[cadres["cadre_key"] == key]
        if mine.empty:
            continue  # no pair through this department on the period's as_of
        for figure, fewer_is_better in STANDING_FIGURES:
            values = pd.to_numeric(cadres[figure], errors="coerce").astype("float64")
            ranks = values.rank(ascending=fewer_is_better, method="min")
            value = values[mine[0]]
            if figure == "on_standard_rate":  # the department's own rate: its cadres' pairs taken together
                due = cadres["standard_due"].sum()
                whole = cadres["on_standard"].sum() / due if due else None
            else:
                whole = int(values.sum())
            rows.append(
                {
                    "department": department,
                    "figure": figure,
                    "value": None if pd.isna(value) else float(value),
                    "rank": None if pd.isna(ranks[mine[0]]) else int(ranks[mine[0]]),
                    "ranked": int(values.notna().sum()),
                    "department_value": whole,
                }
            )
    return pd.DataFrame(rows, columns=list(STANDING_COLUMNS))


def _supervision(con, phone: str, scope: Scope, day: dt.date) -> pd.DataFrame:
    """The lines of 督办事项 (within the scope) that name him as the cadre, with their item's number and state."""
    lines = evidence.evidence_frame(con, scope, day)
    lines = lines[lines["cadre_phone"] == phone]
    if lines.empty:
        return pd.DataFrame(columns=list(SUPERVISION_COLUMNS))
    found = {item.item_id: item for item in items.list_items(con, scope, day)}
    lines = lines[lines["item_id"].isin(found)]
    records = []
    for record in lines.to_dict("records"):
        item = found[record["item_id"]]
        records.append(
            {
                "number_text": item.number_text,
                "department": item.department,
                "state_label": labels.SV_STATE_LABELS[item.state],
                "due_on": item.due_on,
                "line_no": record["line_no"],
                "beneficiary_name": record["beneficiary_name"],
                "id_number": record["id_number"],
                "summary": record["summary"],
                "done_label": labels.SV_LINE_DONE if record["is_done"] else labels.SV_LINE_OPEN,
                "evidence": evidence.evidence_text(record),
                "_order": (-item.year, -item.number, record["line_no"]),
            }
        )
    records.sort(key=lambda r: r["_order"])
    return pd.DataFrame(
        [{k: v for k, v in r.items() if k != "_order"} for r in records], columns=list(SUPERVISION_COLUMNS)
    )
