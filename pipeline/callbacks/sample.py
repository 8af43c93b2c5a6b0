"""Drawing a callback sample (抽样, SPEC §8): people per department, random but reproducible, stored with its seed.

For a period P the population is the pairs of the scope active on as_of (queries.pair_rows), grouped by the
department of that pairing. People called back after as_of − callback_skip_days (a setting, 90 days) are left
out. Each department gets `per_department` people, or a `share` of its pairs rounded half up, at least one (as
many as it has left when fewer). Who is drawn depends only on the seed and each person's ID number: every
person gets a number u in (0, 1] from a hash of (seed, ID number), and a department takes the people with the
largest u^(1/w), w = DOUBT_WEIGHT for the people behind a 疑点 of P when prefer_doubtful, else 1 (weighted
sampling without replacement, Efraimidis–Spirakis). The same seed on the same data gives the same people, and
a change elsewhere (another department's pairs) does not move anyone of this department.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import secrets

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline import access, config, db, labels, masking, periods, queries, settings
from pipeline.callbacks import doubtful
from pipeline.queries import ALL, Scope

DOUBT_WEIGHT = 5  # how much likelier a person behind a 疑点 is drawn with prefer_doubtful
MAX_PER_DEPARTMENT = 1000
SEED_LIMIT = 2**31 - 1
CONTACTS_SHOWN = 12  # contacts written out per person on the sheet; the count says how many more
_HASH_SPAN = 2**64


class SampleError(ValueError):
    """A sample that cannot be drawn or found; the message is the Chinese text for the office."""


@dataclasses.dataclass
class Sample:
    """A sample as stored: how it was drawn, and (when just drawn) what the drawing noticed."""

    sample_id: int
    period: str
    as_of: dt.date
    scope_county: str | None
    scope_department: str | None
    per_department: int | None
    share: float | None
    prefer_doubtful: bool
    skip_since: dt.date
    seed: int
    data_batch_id: int | None
    created_at: dt.datetime
    created_by: str
    people: int = 0
    done: int = 0
    reached: int = 0
    departments: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def scope(self) -> Scope:
        return Scope(county=self.scope_county, department=self.scope_department)

    @property
    def rule(self) -> str:
        """How many per department, in words."""
        if self.per_department is not None:
            return labels.SAMPLE_RULE_COUNT.format(count=self.per_department)
        return labels.SAMPLE_RULE_SHARE.format(share=f"{self.share:.1%}".replace(".0%", "%"))


def skip_since(as_of: dt.date, thresholds: settings.Settings) -> dt.date:
    """People with a callback dated after this day are not drawn."""
    return as_of - dt.timedelta(days=thresholds.callback_skip_days)


def may_draw(user: access.User | None) -> bool:
    """Who draws samples and records callbacks: the offices that import (市级, 县区); the command line's own user."""
    return user is None or user.may_import


def draw_key(seed: int, id_number: str, weight: float = 1.0) -> float:
    """The person's key in a draw: u^(1/weight), u in (0, 1] from a hash of the seed and the ID number."""
    digest = hashlib.blake2b(f"{int(seed)}|{id_number}".encode(), digest_size=8).digest()
    u = (int.from_bytes(digest, "big") + 1) / _HASH_SPAN
    return u ** (1.0 / weight)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _check(per_department, share, seed) -> tuple[int | None, float | None, int | None]:
    if (per_department is None) == (share is None):
        raise SampleError(labels.MSG_SAMPLE_HOW)
    if per_department is not None:
        try:
            count = int(per_department)
        except (TypeError, ValueError):
            count = None
        if count is None or count != float(per_department) or not 1 <= count <= MAX_PER_DEPARTMENT:
            raise SampleError(labels.MSG_SAMPLE_PER_DEPARTMENT.format(limit=MAX_PER_DEPARTMENT, value=per_department))
        per_department = count
    if share is not None:
        try:
            fraction = float(share)
        except (TypeError, ValueError):
            fraction = math.nan
        if not 0 < fraction <= 1:
            raise SampleError(labels.MSG_SAMPLE_SHARE.format(value=share))
        share = fraction
    if seed is not None:
        text = str(seed).strip()
        if isinstance(seed, bool) or not text.isdigit() or not 0 <= int(text) <= SEED_LIMIT:
            raise SampleError(labels.MSG_SAMPLE_SEED.format(limit=SEED_LIMIT, value=seed))
        seed = int(text)
    return per_department, share, seed


def choose(
    population: pd.DataFrame,
    seed: int,
    per_department: int | None,
    share: float | None,
    eligible: set[str],
    weights: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """The people drawn from `population` (one row per pair: id_number, department, …), per department.

    Returns the rows drawn (sheet order: department, county, township, village, ID number) and the departments
    that had fewer people left than they should give.
    """
    weights = weights or {}
    ids = population["id_number"].tolist()
    keyed = population.assign(
        _eligible=[i in eligible for i in ids], _key=[draw_key(seed, i, weights.get(i, 1.0)) for i in ids]
    )
    drawn, short = [], []
    for department, pairs in keyed.groupby("department", sort=True):
        wanted = per_department if per_department is not None else max(1, _round_half_up(share * len(pairs)))
        left = pairs[pairs["_eligible"]]
        if len(left) < wanted:
            short.append(department)
        ranked = left.sort_values(["_key", "id_number"], ascending=[False, True], kind="stable")
        drawn.append(ranked.head(wanted).drop(columns=["_key", "_eligible"]))
    if not drawn:
        return population.head(0), short
    rows = pd.concat(drawn, ignore_index=True)
    order = ["department", "county", "township", "village", "id_number"]
    return rows.sort_values(order, kind="stable", na_position="last").reset_index(drop=True), short


def draw(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    *,
    per_department: int | None = None,
    share: float | None = None,
    seed: int | None = None,
    prefer_doubtful: bool = False,
    scope: Scope = ALL,
    user: str = labels.DEFAULT_USER,
    today: dt.date | str | None = None,
    thresholds: settings.Settings | None = None,
) -> Sample:
    """Draw a sample for a period and store it with its seed (a random one when none is given); SampleError when
    the arguments cannot be used or nobody can be drawn."""
    per_department, share, seed = _check(per_department, share, seed)
    chosen_seed = seed is None
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT) + 1
    day = config.today(today)
    target = period if isinstance(period, periods.Period) else periods.parse_period(period, day)
    current = thresholds if thresholds is not None else settings.read_settings(con)
    pairs = queries.pair_rows(con, target, "overall", None, scope, day, masked=False, config=current)
    pairs = pairs[pairs["is_paired"].astype(bool)]
    since = skip_since(target.as_of, current)
    ids = pairs["id_number"].tolist()
    rows = con.execute(db.read_sql("callbacks/sample_population.sql"), {"ids": ids, "since": since}).fetchall()
    eligible = {id_number for id_number, _ in rows}
    doubts = doubtful.people(con, target, scope, current)
    weights = {i: float(DOUBT_WEIGHT) for i in doubts} if prefer_doubtful else {}
    drawn, short = choose(pairs, seed, per_department, share, eligible, weights)
    if drawn.empty:
        raise SampleError(labels.MSG_SAMPLE_EMPTY.format(days=current.callback_skip_days))
    notes = []
    skipped = len(set(ids) - eligible)
    if skipped:
        notes.append(labels.MSG_SAMPLE_SKIPPED.format(count=skipped, since=since.isoformat()))
    if short:
        notes.append(labels.MSG_SAMPLE_SHORT.format(departments="、".join(short)))
    if chosen_seed:
        notes.append(labels.MSG_SAMPLE_SEED_CHOSEN.format(seed=seed))
    created_at = dt.datetime.now().replace(microsecond=0)
    batch = con.execute(db.read_sql("status/data_generation.sql")).fetchall()[0][0]
    with db.transaction(con):
        sample_id = con.execute("select nextval('callback_sample_seq')").fetchall()[0][0]
        con.execute(
            db.read_sql("callbacks/sample_insert.sql"),
            {
                "sample_id": sample_id,
                "period": target.text,
                "as_of": target.as_of,
                "scope_county": scope.county,
                "scope_department": scope.department,
                "per_department": per_department,
                "share": share,
                "prefer_doubtful": bool(prefer_doubtful),
                "skip_since": since,
                "seed": seed,
                "data_batch_id": batch,
                "created_at": created_at,
                "created_by": user,
            },
        )
        lines = pa.table(
            {
                "sample_id": pa.array([sample_id] * len(drawn), pa.int32()),
                "line_no": pa.array(range(1, len(drawn) + 1), pa.int32()),
                "id_number": pa.array(drawn["id_number"].tolist(), pa.string()),
                "department": pa.array(drawn["department"].tolist(), pa.string()),
                "cadre_name": pa.array(drawn["cadre_name"].tolist(), pa.string()),
                "cadre_phone": pa.array(drawn["cadre_phone"].tolist(), pa.string()),
                "doubt": pa.array(
                    [
                        labels.SAMPLE_DOUBT_SEPARATOR.join(doubts[i]) if i in doubts else None
                        for i in drawn["id_number"]
                    ],
                    pa.string(),
                ),
            }
        )
        con.register("drawn", lines)
        try:
            con.execute(db.read_sql("callbacks/sample_lines_insert.sql"))
        finally:
            con.unregister("drawn")
    sample = Sample(
        sample_id,
        target.text,
        target.as_of,
        scope.county,
        scope.department,
        per_department,
        share,
        bool(prefer_doubtful),
        since,
        seed,
        batch,
        created_at,
        user,
        people=len(drawn),
        departments=drawn["department"].nunique(),
        notes=notes,
    )
    return sample


def audit_detail(sample: Sample) -> str:
    """The audit record of a sample drawn (no person named)."""
    return labels.AUDIT_DETAIL_SAMPLE.format(
        sample=sample.sample_id, period=sample.period, rule=sample.rule, people=sample.people, seed=sample.seed
    )


def _samples(con, scope: Scope, sample_id: int | None) -> list[Sample]:
    cursor = con.execute(
        db.read_sql("callbacks/sample_list.sql"),
        {
            "scope_county": scope.county,
            "scope_department": scope.department,
            "sample_id": sample_id,
            "reached_answer": labels.CALLBACK_REACHED,
        },
    )
    names = [d[0] for d in cursor.description]
    found = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        found.append(Sample(**record))
    return found


def list_samples(con: duckdb.DuckDBPyConnection, scope: Scope = ALL) -> list[Sample]:
    """The samples with people in the scope, newest first (their counts are of the people in the scope)."""
    return _samples(con, scope, None)


def get_sample(con: duckdb.DuckDBPyConnection, sample_id: int, scope: Scope = ALL) -> Sample:
    """One sample seen from a scope, or SampleError when it does not exist or has nobody in the scope."""
    found = _samples(con, scope, int(sample_id))
    if not found:
        raise SampleError(labels.MSG_SAMPLE_NOT_FOUND.format(sample=sample_id))
    return found[0]


def contacts_text(contacts) -> str:
    """The contacts recorded in the period, as the sheet writes them: 2026-07-05 电话；2026-08-12 入户走访."""
    items = list(contacts) if contacts is not None else []
    if not items:
        return labels.SAMPLE_CONTACTS_NONE
    texts = [
        labels.SAMPLE_CONTACT_ITEM.format(date=_iso(c["contact_date"]), method=c["method"])
        for c in items[:CONTACTS_SHOWN]
    ]
    text = labels.SAMPLE_CONTACT_SEPARATOR.join(texts)
    if len(items) > CONTACTS_SHOWN:
        text += labels.SAMPLE_CONTACTS_MORE.format(count=len(items))
    return text


def _iso(value) -> str:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    return value.isoformat()


LINE_COLUMNS = (
    "sample_id",
    "line_no",
    "department",
    "cadre_name",
    "cadre_phone",
    "county",
    "township",
    "village",
    "beneficiary_name",
    "id_number",
    "phone",
    "contacts_in_period",
    "doubt",
    "callback_date",
    "caller",
    "reach",
    "knows_cadre",
    "contact_truth",
    "callback_satisfaction",
    "reported_issue",
)


def lines(con: duckdb.DuckDBPyConnection, sample: Sample, scope: Scope = ALL, masked: bool = True) -> pd.DataFrame:
    """The people of a sample in the scope, in sheet order, with the contacts of the period and the latest callback
    since the sample was drawn (masked by default: ID number, name, the person's and the cadre's phones)."""
    target = periods.parse_period(sample.period, sample.as_of)
    cursor = con.execute(
        db.read_sql("callbacks/sample_lines.sql"),
        {
            "sample_id": sample.sample_id,
            "scope_county": scope.county,
            "scope_department": scope.department,
            "period_start": target.start,
            "as_of": sample.as_of,
        },
    )
    frame = cursor.df()
    frame["contacts_in_period"] = [contacts_text(c) for c in frame["contacts"]]
    frame["callback_date"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in frame["callback_date"]]
    if masked:
        frame["id_number"] = [masking.mask_id(v) for v in frame["id_number"]]
        frame["beneficiary_name"] = [masking.mask_name(v) for v in frame["beneficiary_name"]]
        frame["phone"] = [masking.mask_phone(v) if isinstance(v, str) else None for v in frame["phone"]]
        frame["cadre_phone"] = [masking.mask_phone(v) if isinstance(v, str) else None for v in frame["cadre_phone"]]
    return frame[list(LINE_COLUMNS)]
