"""Synthetic demo data: a fictitious city (or province) of pairs, contacts and issues, built from a seed.

Everything is drawn from one seeded numpy generator, so a seed always gives the same ledgers.
Loops run over places, departments and counties only; beneficiaries, pairings, contacts and issues
are whole-array operations, which keeps the province scale (half a million beneficiaries, about ten
million contacts) within seconds. Text columns are assembled as Arrow arrays (dictionary + indices)
so that millions of strings never pass through Python objects.

The data is uneven on purpose, so that the dashboard has something to show: in each city one or
two counties and several departments work less, a few per cent of cadres went silent two to three
months ago, and some issues stay open for months.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import config, demo_names, labels, status
from pipeline.idnumber import CHECK_CHARS, WEIGHTS

KINDS = ("roster", "visits", "issues")
CALLBACK_KIND = "callback"  # the office's callbacks (SPEC §8): loaded with the ledgers, not written as a ledger file
MONTHS = 18  # calendar months of contacts, the current (partial) one included
EXCEL_MAX_ROWS = 1_048_576
NO_DATE = np.iinfo(np.int32).max  # "no end": sorts after every real day number


@dataclass(frozen=True)
class _Scale:
    cities: int
    beneficiaries: int


SCALES = {"city": _Scale(cities=1, beneficiaries=8_000), "province": _Scale(cities=14, beneficiaries=540_000)}

# ---------------------------------------------------------------- the shape of the programme
# Tables below are aligned with the enumerations of labels.py (same order, same length).

# labels.CATEGORIES: 孤儿, 事实无人抚养儿童, 困难重度残疾人, 特困人员
CATEGORY_SHARES = np.array([0.03, 0.05, 0.52, 0.40])
CHILD_CATEGORIES = np.array([True, True, False, False])
# mean number of extra contacts in a month when there was one (children are called more often)
EXTRA_CONTACTS = np.array([1.0, 0.9, 0.55, 0.6])

# labels.CADRE_LEVELS by kind of department: city leadership office, other city department,
# county government office, other county department. Levels 0 and 1 are the leaders (爱心爸妈).
LEVEL_SHARES = np.array(
    [
        [0.22, 0.30, 0.24, 0.24],
        [0.00, 0.10, 0.32, 0.58],
        [0.00, 0.35, 0.30, 0.35],
        [0.00, 0.02, 0.28, 0.70],
    ]
)
DEPT_LEADERSHIP, DEPT_CITY, DEPT_COUNTY_OFFICE, DEPT_COUNTY = range(4)

# labels.PAIRING_MODES: 属地结对, 帮扶县结对, 调配结对
MODE_LOCAL, MODE_HELPER, MODE_REASSIGNED = range(3)

# labels.CONTACT_METHODS: 入户走访, 电话, 微信, 短信, 视频, 邀请到家, 其他 — rows by category
METHOD_SHARES = np.array(
    [
        [0.34, 0.24, 0.20, 0.02, 0.08, 0.10, 0.02],
        [0.34, 0.24, 0.20, 0.02, 0.08, 0.10, 0.02],
        [0.38, 0.36, 0.13, 0.05, 0.05, 0.00, 0.03],
        [0.42, 0.38, 0.08, 0.05, 0.04, 0.00, 0.03],
    ]
)
METHOD_HOME, METHOD_PHONE = 0, 1
# chance that a contact brings up an issue, by method (a home visit sees the most)
ISSUE_CHANCE = np.array([0.035, 0.012, 0.012, 0.005, 0.012, 0.03, 0.01])

# labels.ISSUE_CATEGORIES: 生活, 学习, 医疗, 就业, 住房, 政策落实, 心理关爱, 其他 — rows by category
ISSUE_CATEGORY_SHARES = np.array(
    [
        [0.22, 0.34, 0.14, 0.01, 0.05, 0.10, 0.12, 0.02],
        [0.22, 0.34, 0.14, 0.01, 0.05, 0.10, 0.12, 0.02],
        [0.25, 0.01, 0.27, 0.10, 0.12, 0.18, 0.03, 0.04],
        [0.32, 0.00, 0.28, 0.02, 0.16, 0.14, 0.04, 0.04],
    ]
)
# labels.ISSUE_LEVELS: the higher the level, the harder the issue and the longer it takes
ISSUE_LEVEL_SHARES = np.array([0.52, 0.26, 0.15, 0.07])
ISSUE_MEDIAN_DAYS = np.array([5.0, 15.0, 35.0, 60.0])
ISSUE_STUCK_SHARE = 0.04  # never solved: these become the long-overdue issues
# labels.ISSUE_STATUSES: 待办理, 办理中, 已解决, 无法解决
STATUS_TODO, STATUS_DOING, STATUS_SOLVED, STATUS_UNSOLVABLE = range(4)
# labels.SATISFACTION: 满意, 基本满意, 不满意

# Mobile prefixes of the three carriers (only the shape matters: 11 digits starting with 1).
PHONE_PREFIXES = np.array([*range(130, 140), *range(150, 160), 166, 173, 176, 177, *range(180, 190), 199])
# Letters that start the demo's record numbers (走访 ZF…) and issue numbers (问题 WT…).
RECORD_PREFIX = np.frombuffer(b"ZF", np.uint8)
ISSUE_PREFIX = np.frombuffer(b"WT", np.uint8)
# Area codes 62 71xx…: province 62 exists, prefectures 71 and above do not, so no synthetic
# ID number can belong to a real person.
PROVINCE_CODE = 62
FIRST_PREFECTURE = 71


# ---------------------------------------------------------------- small vectorised helpers


def _day(value: dt.date) -> int:
    return (value - dt.date(1970, 1, 1)).days


def _pick(rng: np.random.Generator, shares: np.ndarray, rows: np.ndarray | None = None, n: int = 0):
    """Index drawn per element from a table of shares: one row of shares per element (via rows)."""
    cum = np.cumsum(shares / shares.sum(axis=-1, keepdims=True), axis=-1)
    if rows is None:
        return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)
    u = rng.random(len(rows))
    # column by column: a (rows × choices) matrix would cost gigabytes at the province scale
    picked = np.zeros(len(rows), np.int64)
    for column in range(cum.shape[1] - 1):
        picked += u >= cum[rows, column]
    return picked


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII digit matrix (n × width) of non-negative integers, zero-padded."""
    values = values.astype(np.int64)
    out = np.empty((len(values), width), np.uint8)
    # one column at a time: an (n × width) int64 intermediate would be gigabytes for the contacts
    for position in range(width):
        out[:, position] = (values // 10 ** (width - 1 - position)) % 10 + ord("0")
    return out


def _ascii_text(matrix: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Arrow strings from an n × width matrix of ASCII codes."""
    width = matrix.shape[1]
    raw = pa.array(np.ascontiguousarray(matrix).view(f"S{width}").ravel()).cast(pa.string())
    if null is not None and null.any():
        raw = pc.if_else(pa.array(null), pa.scalar(None, pa.string()), raw)
    return raw


def _take(words, indices: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Arrow strings words[indices], null where null is True."""
    dictionary = words if isinstance(words, pa.Array) else pa.array(list(words), pa.string())
    positions = indices.astype(np.int64)
    index = pa.array(positions) if null is None else pa.array(positions, mask=null)
    return dictionary.take(index)


def _date_text(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """ISO date strings of day numbers, null where null is True."""
    values = np.where(null, 0, days) if null is not None else days
    unique, inverse = np.unique(values, return_inverse=True)
    words = np.datetime_as_string(unique.astype("datetime64[D]"))
    return _take(pa.array(words.tolist(), pa.string()), inverse.ravel(), null)


def _spread(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """n picks from pool that use every member once before any member twice, in random order."""
    first = rng.permutation(pool)[:n]
    rest = rng.choice(pool, n - len(first)) if n > len(first) else np.empty(0, pool.dtype)
    picks = np.concatenate([first, rest])
    rng.shuffle(picks)
    return picks


def _group_rank(keys: np.ndarray) -> np.ndarray:
    """0, 1, 2… within each group of equal keys, in the original order."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1]
    lengths = np.diff(np.r_[starts, len(keys)])
    ranks = np.empty(len(keys), np.int64)
    ranks[order] = np.arange(len(keys)) - np.repeat(starts, lengths)
    return ranks


def _stem(rng: np.random.Generator, taken: set[str]) -> str:
    syllables = demo_names.PLACE_SYLLABLES
    while True:
        a, b = rng.integers(0, len(syllables), 2)
        stem = syllables[a] + syllables[b]
        if a != b and stem not in taken:
            taken.add(stem)
            return stem


def _person_names(rng: np.random.Generator, male: np.ndarray, two_char_share) -> pa.Array:
    """Synthetic full names: a surname weighted by frequency rank, one or two given characters."""
    n = len(male)
    surnames = np.array(list(demo_names.SURNAMES))
    weights = 1.0 / (np.arange(len(surnames)) + 6.0)
    family = surnames[_pick(rng, weights, n=n)]
    pools = [np.array(list(demo_names.GIVEN_FEMALE)), np.array(list(demo_names.GIVEN_MALE))]
    given = []
    for _ in range(2):
        female_pick = pools[0][rng.integers(0, len(pools[0]), n)]
        male_pick = pools[1][rng.integers(0, len(pools[1]), n)]
        given.append(np.where(male, male_pick, female_pick))
    second = np.where(rng.random(n) < two_char_share, given[1], "")
    return pa.array(np.char.add(np.char.add(family, given[0]), second).tolist(), pa.string())


def _phones(rng: np.random.Generator, n: int, unique: bool) -> np.ndarray:
    """11-digit mobile numbers as integers; unique ones keep the order in which they were drawn."""
    draw = int(n * 1.05) + 16 if unique else n
    prefixes = PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), draw)]
    numbers = prefixes * 10**8 + rng.integers(0, 10**8, draw)
    if unique:
        _, first = np.unique(numbers, return_index=True)
        numbers = numbers[np.sort(first)]
    return numbers[:n]


# ---------------------------------------------------------------- places, departments, cadres


@dataclass
class _Places:
    region: str
    city_names: list[str]
    county_names: list[str]
    county_city: np.ndarray
    county_area: np.ndarray  # 6-digit area code of each county
    county_district: np.ndarray  # 区 (urban) rather than 县
    county_factor: np.ndarray  # how well the county works, 1 = fully
    county_weight: np.ndarray
    township_names: list[str]
    township_county: np.ndarray
    village_names: list[str]
    village_township: np.ndarray
    village_weight: np.ndarray


def _places(rng: np.random.Generator, spec: _Scale) -> _Places:
    stems: set[str] = set()
    city_names = [demo_names.CITY_NAME]
    stems.add(demo_names.CITY_NAME[:-1])
    for _ in range(spec.cities - 1):
        city_names.append(_stem(rng, stems) + demo_names.CITY_SUFFIX)
    county_names: list[str] = []
    county_city, county_area, county_district = [], [], []
    for city in range(spec.cities):
        if city == 0:
            names = list(demo_names.CITY_COUNTIES)
            stems.update(name[:-1] for name in names)
        else:
            count = rng.integers(6, 11)
            urban = rng.random(count) < 0.25
            kinds = (demo_names.COUNTY_SUFFIX, demo_names.DISTRICT_SUFFIX)
            names = [_stem(rng, stems) + kinds[int(is_urban)] for is_urban in urban]
        # area codes follow the national habit: districts 02…, counties 21…
        next_district, next_county = 2, 21
        for name in names:
            district = name.endswith(demo_names.DISTRICT_SUFFIX)
            code = next_district if district else next_county
            next_district, next_county = next_district + district, next_county + (not district)
            county_names.append(name)
            county_city.append(city)
            county_area.append(PROVINCE_CODE * 10_000 + (FIRST_PREFECTURE + city) * 100 + code)
            county_district.append(district)
    county_city_arr = np.array(county_city)
    n_counties = len(county_names)

    # one or two counties per city clearly behind, the rest close to full effort
    factor = rng.uniform(0.97, 1.0, n_counties)
    for city in range(spec.cities):
        members = np.flatnonzero(county_city_arr == city)
        behind = rng.choice(members, 2 if len(members) >= 6 else 1, replace=False)
        factor[behind[0]] = rng.uniform(0.55, 0.62)
        if len(behind) > 1:
            factor[behind[1]] = rng.uniform(0.72, 0.80)
    district_arr = np.array(county_district)
    weight = rng.lognormal(0.0, 0.35, n_counties) * np.where(district_arr, 1.2, 1.0)

    township_names: list[str] = []
    township_county: list[int] = []
    village_names: list[str] = []
    village_township: list[int] = []
    village_weight: list[float] = []
    for county, name in enumerate(county_names):
        local: set[str] = set()
        seat = name[:-1]
        local.add(seat)
        for t in range(int(rng.integers(10, 16))):
            if t == 0:
                seat_kind = demo_names.SUBDISTRICT_SUFFIX if district_arr[county] else demo_names.TOWN_SUFFIX
                township = seat + seat_kind
            else:
                # urban districts are mostly 街道, rural counties mostly 镇 and 乡
                suffixes = (demo_names.SUBDISTRICT_SUFFIX, demo_names.TOWN_SUFFIX, demo_names.TOWNSHIP_SUFFIX)
                shares = np.array([0.65, 0.3, 0.05]) if district_arr[county] else np.array([0.05, 0.6, 0.35])
                township = _stem(rng, local) + suffixes[int(_pick(rng, shares, n=1)[0])]
            township_index = len(township_names)
            township_names.append(township)
            township_county.append(county)
            township_weight = rng.lognormal(0.0, 0.5)
            in_town: set[str] = set()
            for _ in range(int(rng.integers(6, 16))):
                community = township.endswith(demo_names.SUBDISTRICT_SUFFIX) or rng.random() < 0.1
                suffix = demo_names.COMMUNITY_SUFFIX if community else demo_names.VILLAGE_SUFFIX
                village_names.append(_stem(rng, in_town) + suffix)
                village_township.append(township_index)
                village_weight.append(township_weight * rng.lognormal(0.0, 0.6))
    region = demo_names.CITY_NAME if spec.cities == 1 else demo_names.PROVINCE_NAME
    return _Places(
        region=region,
        city_names=city_names,
        county_names=county_names,
        county_city=county_city_arr,
        county_area=np.array(county_area, np.int64),
        county_district=district_arr,
        county_factor=factor,
        county_weight=weight,
        township_names=township_names,
        township_county=np.array(township_county),
        village_names=village_names,
        village_township=np.array(village_township),
        village_weight=np.array(village_weight),
    )


@dataclass
class _Departments:
    names: list[str]
    kind: np.ndarray  # DEPT_* constants
    county: np.ndarray  # the county of a county department, -1 for a city department
    city: np.ndarray
    helps: np.ndarray  # the county a department's cadres are paired in (帮扶县), or its own county
    factor: np.ndarray
    weight: np.ndarray


def _departments(rng: np.random.Generator, places: _Places, county_demand: np.ndarray) -> _Departments:
    names: list[str] = []
    kind, county, city, helps, weight = [], [], [], [], []
    single_city = len(places.city_names) == 1
    for c, city_name in enumerate(places.city_names):
        members = np.flatnonzero(places.county_city == c)
        city_depts = [(n, DEPT_LEADERSHIP) for n in demo_names.CITY_LEADERSHIP_DEPARTMENTS]
        city_depts += [(n, DEPT_CITY) for n in demo_names.CITY_DEPARTMENTS]
        # every county gets at least one helping city department, the bigger counties more
        demand = county_demand[members].astype(float) + 1.0
        helped = _spread(rng, members, len(members))
        extra = rng.choice(members, len(city_depts) - len(members), p=demand / demand.sum())
        assignment = rng.permutation(np.concatenate([helped, extra]))
        for (name, dept_kind), target in zip(city_depts, assignment, strict=True):
            # "市教育局" in a one-city demo, "云川市教育局" when several cities share the data
            names.append(name if single_city else city_name + name[1:])
            kind.append(dept_kind)
            county.append(-1)
            city.append(c)
            helps.append(int(target))
            weight.append(rng.lognormal(0.0, 0.4) * (0.6 if dept_kind == DEPT_LEADERSHIP else 1.0))
        for member in members:
            for suffix_index, suffix in enumerate(demo_names.COUNTY_DEPARTMENTS):
                office = suffix_index == len(demo_names.COUNTY_DEPARTMENTS) - 1
                names.append(places.county_names[member] + suffix)
                kind.append(DEPT_COUNTY_OFFICE if office else DEPT_COUNTY)
                county.append(int(member))
                city.append(c)
                helps.append(int(member))
                weight.append(rng.lognormal(0.0, 0.3) * (0.6 if office else 1.0))
    n = len(names)
    factor = rng.uniform(0.97, 1.0, n)
    behind = rng.choice(n, max(3, round(0.08 * n)), replace=False)
    factor[behind] = rng.uniform(0.45, 0.65, len(behind))
    return _Departments(
        names=names,
        kind=np.array(kind),
        county=np.array(county),
        city=np.array(city),
        helps=np.array(helps),
        factor=factor,
        weight=np.array(weight),
    )


@dataclass
class _Cadres:
    dept: np.ndarray
    home_county: np.ndarray  # the county whose beneficiaries the cadre is paired with
    level: np.ndarray
    name: pa.Array
    phone: pa.Array
    factor: np.ndarray  # personal diligence
    silent_from: np.ndarray  # day from which the cadre stopped contacting anyone, NO_DATE if never


CADRES_PER_PAIRING = 0.38
LOCAL_CADRE_SHARE = 0.45  # cadres from county departments; the rest come from helping city departments


def _cadres(rng: np.random.Generator, depts: _Departments, county_demand: np.ndarray, today: int) -> _Cadres:
    dept_parts, county_parts = [], []
    for county, demand in enumerate(county_demand):
        total = max(8, round(demand * CADRES_PER_PAIRING))
        local = np.flatnonzero(depts.county == county)
        helpers = np.flatnonzero((depts.county == -1) & (depts.helps == county))
        n_local = round(total * LOCAL_CADRE_SHARE)
        for pool, size in ((local, n_local), (helpers, total - n_local)):
            w = depts.weight[pool]
            dept_parts.append(rng.choice(pool, size, p=w / w.sum()))
            county_parts.append(np.full(size, county))
    dept = np.concatenate(dept_parts)
    n = len(dept)
    level = _pick(rng, LEVEL_SHARES, rows=depts.kind[dept])
    male = rng.random(n) < 0.6
    # most cadres keep to the monthly rhythm; some are slack; a few went silent altogether
    slack = rng.random(n) < 0.12
    diligence = np.where(slack, rng.uniform(0.6, 0.85, n), 1.0 - 0.1 * rng.beta(1.0, 8.0, n))
    silent = rng.random(n) < 0.035
    silent_from = np.where(silent, today - rng.integers(60, 96, n), NO_DATE)
    return _Cadres(
        dept=dept,
        home_county=np.concatenate(county_parts),
        level=level,
        name=_person_names(rng, male, 0.7),
        phone=_ascii_text(_digits(_phones(rng, n, unique=True), 11)),
        factor=diligence,
        silent_from=silent_from,
    )


# ---------------------------------------------------------------- beneficiaries and pairings


@dataclass
class _People:
    village: np.ndarray
    township: np.ndarray
    county: np.ndarray
    category: np.ndarray
    id_number: pa.Array
    name: pa.Array
    phone: pa.Array
    enrolled: np.ndarray
    enrolled_blank: np.ndarray  # the ledger leaves 纳入日期 empty
    exited: np.ndarray  # NO_DATE while still in the programme


def _years(days: float) -> int:
    return round(days * 365.25)


def _people(rng: np.random.Generator, places: _Places, n: int, today: int, launch: int) -> _People:
    n_counties = len(places.county_names)
    county = np.sort(rng.choice(n_counties, n, p=places.county_weight / places.county_weight.sum()))
    village = np.empty(n, np.int64)
    village_county = places.township_county[places.village_township]
    bounds = np.searchsorted(county, np.arange(n_counties + 1))
    for c in range(n_counties):
        candidates = np.flatnonzero(village_county == c)
        w = places.village_weight[candidates]
        size = bounds[c + 1] - bounds[c]
        village[bounds[c] : bounds[c + 1]] = np.sort(rng.choice(candidates, size, p=w / w.sum()))
    township = places.village_township[village]

    # the mix of categories differs a little from county to county
    mixes = rng.dirichlet(CATEGORY_SHARES * 300, n_counties)
    category = _pick(rng, mixes, rows=county)
    child = CHILD_CATEGORIES[category]

    # ages: children up to the age at which they left the programme since its launch
    oldest_child = _years(18) + (today - launch) - 30
    age = np.where(
        child,
        rng.integers(365, oldest_child, n),
        np.where(
            category == 2,
            np.clip(rng.normal(55, 18, n), 3, 95) * 365.25,
            np.clip(rng.normal(74, 10, n), 35, 99) * 365.25,
        ),
    ).astype(np.int64)
    birth = today - age
    male = rng.random(n) < np.where(category == 3, 0.62, 0.5)

    # ID numbers: mostly born in their county; the order code is unique per area and birth date
    elsewhere = places.county_area[rng.integers(0, n_counties, n)]
    area = np.where(rng.random(n) < 0.9, places.county_area[county], elsewhere)
    birth_d = birth.astype("datetime64[D]")
    year = birth_d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth_d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (birth_d - birth_d.astype("datetime64[M]")).astype(np.int64) + 1
    _, group = np.unique(area * 100_000 + (birth + 50_000), return_inverse=True)
    group = group.ravel()
    offset = rng.integers(0, 500, group.max() + 1)[group]
    sequence = ((offset + _group_rank(group)) % 500) * 2 + male
    parts = [_digits(area, 6), _digits(year, 4), _digits(month, 2), _digits(day, 2), _digits(sequence, 3)]
    body = np.hstack(parts)
    check = ((body - ord("0")).astype(np.int64) @ np.array(WEIGHTS)) % 11
    check_chars = np.frombuffer(CHECK_CHARS.encode(), np.uint8)[check]
    id_number = _ascii_text(np.hstack([body, check_chars[:, None]]))

    has_phone = rng.random(n) < np.where(child, 0.85, 0.65)
    phone = _ascii_text(_digits(_phones(rng, n, unique=False), 11), null=~has_phone)

    # children leave the programme on their 18th birthday (29 February lands on 1 March)
    month_18 = ((year + 18 - 1970) * 12 + month - 1).astype("datetime64[M]")
    birthday_18 = month_18.astype("datetime64[D]").astype(np.int64) + day - 1
    stays_until = np.where(child, birthday_18, NO_DATE)

    # enrolment: most before the launch of the pairing action, some since; children after birth
    # and, when enrolled late, still a month before coming of age
    legacy_lo = np.maximum(birth + 30, launch - _years(8))
    legacy_ok = legacy_lo < launch - 1
    new_lo = np.maximum(birth + 30, launch)
    new_hi = np.minimum(today - 3, stays_until - 30)
    new = ~legacy_ok | ((rng.random(n) < 0.15) & (new_lo < new_hi))
    lo = np.where(new, new_lo, legacy_lo)
    hi = np.where(new, new_hi, launch - 1)
    enrolled = lo + (rng.random(n) * np.maximum(hi - lo, 1)).astype(np.int64)
    enrolled_blank = ~new & (rng.random(n) < 0.08)

    # exits: children when they turn 18, adults (death, moving away) now and then
    exit_lo = np.maximum(enrolled, launch) + 30
    adult_exit = (rng.random(n) < np.where(category == 3, 0.07, 0.04)) & (exit_lo < today)
    adult_exit_day = exit_lo + (rng.random(n) * np.maximum(today - exit_lo, 1)).astype(np.int64)
    exited = np.where(
        child & (birthday_18 <= today), birthday_18, np.where(~child & adult_exit, adult_exit_day, NO_DATE)
    )
    return _People(
        village=village,
        township=township,
        county=county,
        category=category,
        id_number=id_number,
        name=_person_names(rng, male, np.where(child, 0.85, 0.6)),
        phone=phone,
        enrolled=enrolled,
        enrolled_blank=enrolled_blank,
        exited=exited,
    )


@dataclass
class _Pairings:
    ben: np.ndarray
    cadre: np.ndarray
    mode: np.ndarray
    start: np.ndarray
    end: np.ndarray  # 解除日期 (exclusive), NO_DATE when still running


def _pairing_dates(rng: np.random.Generator, people: _People, today: int, launch: int):
    """Which beneficiaries are paired, from when to when, and which were re-paired later."""
    n = len(people.county)
    new = people.enrolled >= launch
    start = np.where(
        new,
        people.enrolled + 3 + (45 * rng.beta(1.5, 3.0, n)).astype(np.int64),
        launch + (100 * rng.beta(1.2, 3.0, n)).astype(np.int64),
    )
    stop = np.minimum(people.exited, today + 1)
    hard_case = rng.random(n) < 0.02  # nobody found for them yet
    paired = (start < stop) & ~hard_case
    first_ben = np.flatnonzero(paired)
    first_start = start[first_ben]
    first_end = people.exited[first_ben]  # a pairing ends when its beneficiary leaves

    # re-pairing: the cadre changed; the old row ends, a new row starts the same day or a bit later
    room = stop[first_ben] - first_start
    changed = (room > 180) & (rng.random(len(first_ben)) < 0.07)
    change_day = first_start + 90 + (rng.random(len(first_ben)) * np.maximum(room - 120, 1)).astype(np.int64)
    new_start = change_day + rng.integers(0, 21, len(first_ben))
    not_replaced = (change_day > today - 60) & (rng.random(len(first_ben)) < 0.3)
    follow = changed & (new_start < stop[first_ben]) & ~not_replaced
    first_end = np.where(changed, change_day, first_end)
    second = np.flatnonzero(follow)
    return (
        first_ben,
        first_start,
        first_end,
        second,  # positions in first_ben that get a second pairing
        new_start[second],
        people.exited[first_ben[second]],
    )


def _pairings(
    rng: np.random.Generator,
    people: _People,
    places: _Places,
    depts: _Departments,
    cadres: _Cadres,
    dates,
) -> _Pairings:
    first_ben, first_start, first_end, second, second_start, second_end = dates
    n_first = len(first_ben)
    first_cadre = np.empty(n_first, np.int64)
    second_cadre = np.empty(len(second), np.int64)
    second_of_first = np.full(n_first, -1)
    second_of_first[second] = np.arange(len(second))
    ben_county = people.county[first_ben]
    ben_child = CHILD_CATEGORIES[people.category[first_ben]]
    leader = cadres.level <= 1
    reassigned = rng.random(n_first) < 0.05
    for county in range(len(places.county_names)):
        pool = np.flatnonzero(cadres.home_county == county)
        leaders, others = pool[leader[pool]], pool[~leader[pool]]
        if len(leaders) == 0:
            leaders = pool
        children = np.flatnonzero((ben_county == county) & ben_child)
        picks = _spread(rng, leaders, len(children))
        first_cadre[children] = picks
        # leaders left without a child take adults, like everyone else
        idle = np.setdiff1d(leaders, picks)
        adults_pool = np.concatenate([others, idle]) if len(others) + len(idle) else pool
        adults = np.flatnonzero((ben_county == county) & ~ben_child)
        first_cadre[adults] = _spread(rng, adults_pool, len(adults))
        for rows, group in ((children, leaders), (adults, adults_pool)):
            later = second_of_first[rows]
            later_rows = rows[later >= 0]
            if len(later_rows) == 0:
                continue
            # the new cadre comes from the same pool and is never the old one
            position = rng.integers(0, len(group), len(later_rows))
            chosen = group[position]
            same = chosen == first_cadre[later_rows]
            chosen[same] = group[(position[same] + 1) % len(group)]
            second_cadre[second_of_first[later_rows]] = chosen

    # a few adults are paired by the city across county lines (调配结对) with city-department cadres
    city_cadre = (depts.county[cadres.dept] == -1) & ~leader
    for city in range(len(places.city_names)):
        candidates = np.flatnonzero(city_cadre & (depts.city[cadres.dept] == city))
        rows = np.flatnonzero(reassigned & ~ben_child & (places.county_city[ben_county] == city))
        rows = rows[second_of_first[rows] < 0]  # keep re-paired rows simple: same pool both times
        if len(candidates) and len(rows):
            first_cadre[rows] = rng.choice(candidates, len(rows))

    ben = np.concatenate([first_ben, first_ben[second]])
    cadre = np.concatenate([first_cadre, second_cadre])
    county = people.county[ben]
    dept = cadres.dept[cadre]
    mode = np.where(
        depts.county[dept] == county,
        MODE_LOCAL,
        np.where(depts.helps[dept] == county, MODE_HELPER, MODE_REASSIGNED),
    )
    return _Pairings(
        ben=ben,
        cadre=cadre,
        mode=mode,
        start=np.concatenate([first_start, second_start]),
        end=np.concatenate([first_end, second_end]),
    )


# ---------------------------------------------------------------- contacts and issues


@dataclass
class _Contacts:
    pairing: np.ndarray
    day: np.ndarray
    method: np.ndarray
    cadre: np.ndarray  # the cadre written on the record (usually the paired one)
    summary: np.ndarray  # index into the flattened summary list, -1 = blank
    satisfaction: np.ndarray  # index into labels.SATISFACTION, -1 = not rated


def _month_starts(today: dt.date) -> np.ndarray:
    first = (today.year - 1970) * 12 + today.month - 1 - (MONTHS - 1)
    months = np.arange(first, first + MONTHS + 1).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64)


def _pair_performance(people, places, depts, cadres, pairs) -> np.ndarray:
    """How much work a pairing sees: its county's, its department's and its cadre's effort together."""
    return (
        places.county_factor[people.county[pairs.ben]]
        * depts.factor[cadres.dept[pairs.cadre]]
        * cadres.factor[pairs.cadre]
    )


def _contacts(
    rng: np.random.Generator,
    people: _People,
    cadres: _Cadres,
    pairs: _Pairings,
    performance: np.ndarray,
    today: dt.date,
    blank_cadre_county: np.ndarray,
) -> _Contacts:
    today_n = _day(today)
    starts = _month_starts(today)
    window = starts[0]
    lengths = np.diff(starts)
    calendar_month = (np.arange(MONTHS) + (today.month - MONTHS)) % 12 + 1
    # around the Spring Festival cadres call more, in the summer break a little less
    season = np.select([np.isin(calendar_month, [1, 2]), np.isin(calendar_month, [7, 8])], [1.04, 0.96], 1.0)

    ben = pairs.ben
    active_from = np.maximum(pairs.start, window)
    active_to = np.minimum.reduce(
        [pairs.end, people.exited[ben], np.full(len(ben), today_n + 1), cadres.silent_from[pairs.cadre]]
    )
    overlaps = (starts[None, :-1] < active_to[:, None]) & (starts[None, 1:] > active_from[:, None])
    cell_pair, cell_month = (a.astype(np.int32) for a in np.nonzero(overlaps))
    del overlaps
    chance = np.clip(performance[cell_pair] * season[cell_month], 0.0, 0.995)
    contacted = rng.random(len(cell_pair)) < chance
    extra = rng.poisson(EXTRA_CONTACTS[people.category[ben[cell_pair]]] * performance[cell_pair])
    count = contacted * (1 + extra)
    pairing = np.repeat(cell_pair, count)
    month = np.repeat(cell_month, count)
    # a monthly rhythm: each pair's first contact of a month falls near its own usual day, any
    # further ones anywhere in the month
    usual_day = rng.integers(0, 28, len(ben))
    first_of_month = np.zeros(len(pairing), bool)
    first_of_month[np.cumsum(count)[count > 0] - count[count > 0]] = True
    offset = np.where(
        first_of_month,
        np.clip(usual_day[pairing] + rng.integers(-4, 5, len(pairing)), 0, lengths[month] - 1),
        (rng.random(len(pairing)) * lengths[month]).astype(np.int64),
    )
    day = (starts[month] + offset).astype(np.int32)
    del month, offset, first_of_month, cell_pair, cell_month, chance, contacted, extra, count

    # the first home visit (认亲) a few days after a pairing starts
    fresh = np.flatnonzero(pairs.start >= window).astype(np.int32)
    pairing = np.concatenate([pairing, fresh])
    day = np.concatenate([day, pairs.start[fresh] + rng.integers(0, 10, len(fresh))])
    keep = (day >= active_from[pairing]) & (day < active_to[pairing])
    pairing, day = pairing[keep], day[keep]
    n_fresh_kept = int(keep[-len(fresh) :].sum()) if len(fresh) else 0

    category = people.category[ben[pairing]]
    method = _pick(rng, METHOD_SHARES, rows=category)
    method[len(method) - n_fresh_kept :] = METHOD_HOME
    # those who work less pick up the phone instead of going to the door
    lazy = (method == METHOD_HOME) & (rng.random(len(method)) < 1.5 * (1.0 - performance[pairing]))
    method[lazy] = METHOD_PHONE

    # one record per beneficiary, day and method (the import's dedup key without 记录编号)
    key = (ben[pairing].astype(np.int64) << 24) | ((day - window) << 3) | method
    _, first = np.unique(key, return_index=True)
    order = first[np.lexsort((ben[pairing[first]], day[first]))]
    pairing, day, method = pairing[order], day[order], method[order]
    n = len(pairing)

    cadre = pairs.cadre[pairing].copy()
    # now and then a colleague of the same department made the call
    colleague = rng.random(n) < 0.006
    neighbour = np.minimum(cadre[colleague] + 1, len(cadres.dept) - 1)
    same_dept = cadres.dept[neighbour] == cadres.dept[cadre[colleague]]
    cadre[np.flatnonzero(colleague)[same_dept]] = neighbour[same_dept]
    cadre[blank_cadre_county[people.county[ben[pairing]]]] = -1

    summary_counts = np.array([len(demo_names.CONTACT_SUMMARIES[m]) for m in labels.CONTACT_METHODS])
    summary_offsets = np.r_[0, np.cumsum(summary_counts)[:-1]]
    summary = summary_offsets[method] + (rng.random(n) * summary_counts[method]).astype(np.int64)
    summary[rng.random(n) < 0.2] = -1

    pair_perf = performance[pairing]
    rated = rng.random(n) < 0.35
    u = rng.random(n)
    unhappy = 0.02 + 0.25 * (1 - pair_perf)
    lukewarm = unhappy + 0.18 + 0.2 * (1 - pair_perf)
    satisfaction = np.where(u < unhappy, 2, np.where(u < lukewarm, 1, 0))
    satisfaction[~rated] = -1
    return _Contacts(pairing, day, method, cadre, summary, satisfaction)


@dataclass
class _Issues:
    pairing: np.ndarray
    raised: np.ndarray
    category: np.ndarray
    description: np.ndarray  # index into the flattened description list
    level: np.ndarray
    status: np.ndarray
    closed: np.ndarray  # NO_DATE while open
    rating: np.ndarray  # -1 = not rated
    numbered: np.ndarray


def _issues(
    rng: np.random.Generator,
    people: _People,
    pairs: _Pairings,
    performance: np.ndarray,
    contacts: _Contacts,
    today: int,
    unnumbered_county: np.ndarray,
) -> _Issues:
    n_contacts = len(contacts.day)
    ben_cat = people.category[pairs.ben[contacts.pairing]]
    chance = ISSUE_CHANCE[contacts.method] * np.where(CHILD_CATEGORIES[ben_cat], 1.3, 1.0)
    source = np.flatnonzero(rng.random(n_contacts) < chance)
    pairing = contacts.pairing[source]
    n = len(source)
    # most are written down the day they come up, some a few days later
    delay = np.where(rng.random(n) < 0.7, 0, rng.integers(1, 4, n))
    raised = np.minimum(contacts.day[source] + delay, today)
    category = _pick(rng, ISSUE_CATEGORY_SHARES, rows=ben_cat[source])
    desc_counts = np.array([len(demo_names.ISSUE_DESCRIPTIONS[c]) for c in labels.ISSUE_CATEGORIES])
    desc_offsets = np.r_[0, np.cumsum(desc_counts)[:-1]]
    description = desc_offsets[category] + (rng.random(n) * desc_counts[category]).astype(np.int64)

    # the key of an issue without 问题编号 is (person, day, category, description): keep one of each
    key = (
        (pairs.ben[pairing].astype(np.int64) << 28)
        | ((raised - raised.min()).astype(np.int64) << 12)
        | (category << 6)
        | description
    )
    _, first = np.unique(key, return_index=True)
    first = first[np.argsort(raised[first], kind="stable")]
    pairing, raised = pairing[first], raised[first]
    category, description = category[first], description[first]
    n = len(pairing)

    level = _pick(rng, ISSUE_LEVEL_SHARES, n=n)
    perf = performance[pairing]
    days = ISSUE_MEDIAN_DAYS[level] * np.exp(0.9 * rng.standard_normal(n)) / perf**1.5
    stuck = rng.random(n) < ISSUE_STUCK_SHARE
    closed = np.where(stuck, NO_DATE, raised + np.round(days).astype(np.int64))
    is_closed = closed <= today
    closed = np.where(is_closed, closed, NO_DATE)
    age = today - raised
    status = np.where(
        is_closed,
        np.where(rng.random(n) < 0.07 + 0.05 * level, STATUS_UNSOLVABLE, STATUS_SOLVED),
        np.where(rng.random(n) < np.where(age < 14, 0.6, 0.15), STATUS_TODO, STATUS_DOING),
    )
    u = rng.random(n)
    slow = (closed - raised) > 30
    unhappy = 0.04 + 0.10 * slow + 0.25 * (status == STATUS_UNSOLVABLE)
    lukewarm = unhappy + 0.2
    rating = np.where(u < unhappy, 2, np.where(u < lukewarm, 1, 0))
    rating[~is_closed | (rng.random(n) > 0.7)] = -1
    numbered = ~unnumbered_county[people.county[pairs.ben[pairing]]] & (rng.random(n) > 0.03)
    return _Issues(pairing, raised, category, description, level, status, closed, rating, numbered)


# ---------------------------------------------------------------- frames


def _frame(columns: dict[str, pa.Array], kind: str) -> pd.DataFrame:
    labels_in_order = [c.label for c in labels.COLUMNS[kind]]
    table = pa.table({label: columns[label] for label in labels_in_order})
    return table.to_pandas()


def _roster_frame(people, places, depts, cadres, pairs) -> pd.DataFrame:
    n_people = len(people.county)
    unpaired = np.setdiff1d(np.arange(n_people), pairs.ben)
    ben = np.concatenate([pairs.ben, unpaired])
    pairing = np.concatenate([np.arange(len(pairs.ben)), np.full(len(unpaired), -1)])
    start = np.where(pairing >= 0, pairs.start[np.maximum(pairing, 0)], 0)
    order = np.lexsort((start, ben))  # people are numbered in geographic order already
    ben, pairing = ben[order], pairing[order]
    blank = pairing < 0
    p = np.maximum(pairing, 0)
    cadre = pairs.cadre[p]
    end = pairs.end[p]
    columns = {
        "id_number": people.id_number.take(pa.array(ben)),
        "name": people.name.take(pa.array(ben)),
        "category": _take(labels.CATEGORIES, people.category[ben]),
        "county": _take(places.county_names, people.county[ben]),
        "township": _take(places.township_names, people.township[ben]),
        "village": _take(places.village_names, people.village[ben]),
        "phone": people.phone.take(pa.array(ben)),
        "enrolled_on": _date_text(people.enrolled[ben], people.enrolled_blank[ben]),
        "exited_on": _date_text(people.exited[ben], people.exited[ben] == NO_DATE),
        "cadre_name": cadres.name.take(pa.array(cadre, mask=blank)),
        "cadre_phone": cadres.phone.take(pa.array(cadre, mask=blank)),
        "department": _take(depts.names, cadres.dept[cadre], blank),
        "cadre_level": _take(labels.CADRE_LEVELS, cadres.level[cadre], blank),
        "pairing_mode": _take(labels.PAIRING_MODES, pairs.mode[p], blank),
        "paired_on": _date_text(pairs.start[p], blank),
        "unpaired_on": _date_text(end, blank | (end == NO_DATE)),
    }
    return _frame({labels.column_label("roster", k): v for k, v in columns.items()}, "roster")


def _visits_frame(people, places, cadres, pairs, contacts, numbered_county) -> pd.DataFrame:
    ben = pairs.ben[contacts.pairing]
    no_cadre = contacts.cadre < 0
    cadre = np.maximum(contacts.cadre, 0)
    summaries = [s for m in labels.CONTACT_METHODS for s in demo_names.CONTACT_SUMMARIES[m]]
    # some county offices number their visit records: area code + running number
    county = people.county[ben]
    has_no = numbered_county[county]
    numbered = np.flatnonzero(has_no)
    running = _group_rank(county[numbered]) + 1
    numbers = _ascii_text(
        np.hstack(
            [
                np.full((len(numbered), 2), RECORD_PREFIX),
                _digits(places.county_area[county[numbered]], 6),
                _digits(running, 7),
            ]
        )
    )
    record_no = numbers.take(pa.array(np.cumsum(has_no) - 1, mask=~has_no))
    unrated = contacts.satisfaction < 0
    columns = {
        "id_number": people.id_number.take(pa.array(ben)),
        "contact_date": _date_text(contacts.day),
        "method": _take(labels.CONTACT_METHODS, contacts.method),
        "cadre_name": cadres.name.take(pa.array(cadre, mask=no_cadre)),
        "cadre_phone": cadres.phone.take(pa.array(cadre, mask=no_cadre)),
        "summary": _take(summaries, np.maximum(contacts.summary, 0), contacts.summary < 0),
        "satisfaction": _take(labels.SATISFACTION, np.maximum(contacts.satisfaction, 0), unrated),
        "record_no": record_no,
    }
    return _frame({labels.column_label("visits", k): v for k, v in columns.items()}, "visits")


def _issues_frame(people, places, depts, cadres, pairs, issues) -> pd.DataFrame:
    ben = pairs.ben[issues.pairing]
    county = people.county[ben]
    n_counties = len(places.county_names)
    n_categories = len(labels.ISSUE_CATEGORIES)
    # the responsible unit: the cadre's department, a county office by category, or the city's
    # leading group office, all in one list of words
    county_units = [
        places.county_names[c] + demo_names.ISSUE_UNIT_BY_CATEGORY[category]
        for c in range(n_counties)
        for category in labels.ISSUE_CATEGORIES
    ]
    city_units = [name + demo_names.LEADING_GROUP_OFFICE for name in places.city_names]
    units = depts.names + county_units + city_units
    dept_unit = cadres.dept[pairs.cadre[issues.pairing]]
    county_unit = len(depts.names) + county * n_categories + issues.category
    city_unit = len(depts.names) + len(county_units) + places.county_city[county]
    unit = np.select([issues.level <= 1, issues.level == 2], [dept_unit, county_unit], city_unit)

    year = issues.raised.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    running = _group_rank(year) + 1
    if running.max(initial=0) >= 10**6:
        raise ValueError("issue numbers need more digits")
    issue_no = _ascii_text(
        np.hstack([np.full((len(ben), 2), ISSUE_PREFIX), _digits(year, 4), _digits(running, 6)]),
        null=~issues.numbered,
    )
    descriptions = [d for c in labels.ISSUE_CATEGORIES for d in demo_names.ISSUE_DESCRIPTIONS[c]]
    open_ = issues.closed == NO_DATE
    columns = {
        "issue_no": issue_no,
        "id_number": people.id_number.take(pa.array(ben)),
        "raised_on": _date_text(issues.raised),
        "category": _take(labels.ISSUE_CATEGORIES, issues.category),
        "description": _take(descriptions, issues.description),
        "level": _take(labels.ISSUE_LEVELS, issues.level),
        "responsible_unit": _take(units, unit),
        "status": _take(labels.ISSUE_STATUSES, issues.status),
        "closed_on": _date_text(issues.closed, open_),
        "rating": _take(labels.SATISFACTION, np.maximum(issues.rating, 0), issues.rating < 0),
    }
    return _frame({labels.column_label("issues", k): v for k, v in columns.items()}, "issues")


def build_frames(
    scale: str = "city", seed: int = 1, today: dt.date | None = None, size: int | None = None
) -> dict[str, pd.DataFrame]:
    """The three ledgers of a synthetic city or province, as text frames under the canonical headers."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {sorted(SCALES)}")
    spec = SCALES[scale]
    if size is not None:
        spec = _Scale(cities=spec.cities, beneficiaries=int(size))
    today = config.today(today)
    today_n = _day(today)
    # the pairing action started in March two years before "today": long enough for re-pairings,
    # exits and new enrolments to show up inside the 18 months of contacts
    launch = _day(dt.date(today.year - 2, 3, 1))
    rng = np.random.default_rng(seed)

    places = _places(rng, spec)
    people = _people(rng, places, spec.beneficiaries, today_n, launch)
    dates = _pairing_dates(rng, people, today_n, launch)
    first_ben, second = dates[0], dates[3]
    demand = np.bincount(
        people.county[np.concatenate([first_ben, first_ben[second]])], minlength=len(places.county_names)
    )
    depts = _departments(rng, places, demand)
    cadres = _cadres(rng, depts, demand, today_n)
    pairs = _pairings(rng, people, places, depts, cadres, dates)
    performance = _pair_performance(people, places, depts, cadres, pairs)

    # ledger habits that differ between county offices
    n_counties = len(places.county_names)

    def some_counties(share: float) -> np.ndarray:
        chosen = np.zeros(n_counties, bool)
        chosen[rng.choice(n_counties, max(1, round(share * n_counties)), replace=False)] = True
        return chosen

    blank_cadre_county = some_counties(0.12)  # visit records without the cadre's name and phone
    numbered_county = some_counties(0.25)  # visit records carry 记录编号
    unnumbered_county = some_counties(0.12)  # issue ledger without 问题编号
    contacts = _contacts(rng, people, cadres, pairs, performance, today, blank_cadre_county)
    issues = _issues(rng, people, pairs, performance, contacts, today_n, unnumbered_county)
    # 回访核查 (SPEC §8): a few doubtful ledgers and the office's callbacks, from generators of their own
    contacts, late, same_day = _plant(np.random.default_rng([seed, 8]), people, places, cadres, pairs, contacts, today)
    calls = _callbacks(
        np.random.default_rng([seed, 9]), people, places, cadres, pairs, performance, contacts, today, same_day
    )

    visits = _visits_frame(people, places, cadres, pairs, contacts, numbered_county)
    # the late contacts last: the demo imports them as a batch of their own, after the rest (see build)
    visits = pd.concat([visits[~late], visits[late]], ignore_index=True)
    visits.attrs["late_from"] = int((~late).sum())
    frames = {
        "roster": _roster_frame(people, places, depts, cadres, pairs),
        "visits": visits,
        "issues": _issues_frame(people, places, depts, cadres, pairs, issues),
        CALLBACK_KIND: _callback_frame(np.random.default_rng([seed, 10]), people, places, calls),
    }
    for frame in frames.values():
        frame.attrs["region"] = places.region
        frame.attrs["as_of"] = today.isoformat()
    return frames


# ---------------------------------------------------------------- 回访核查: doubtful records and callbacks (SPEC §8)
# Drawn from generators of their own (seeded from the demo's seed), after everything above: the ledgers of a seed
# are the same with or without them. A few cadres fill their ledgers at a desk, as real ones do: every pair on the
# same day each month, five home visits in three townships in a day, a month's contacts sent in late in one go;
# a few contacts are dated after their person left the programme. The office calls about 4% of the pairs back
# each quarter; the people of the desk-filling cadres say they do not know them.

PLANTED_SAME_DAY = 0.002  # share of cadres contacting all their pairs on one day each month, four months running
PLANTED_BUSY_DAY = 0.001  # share of cadres with five home visits in three townships on one day
PLANTED_LATE = 0.001  # share of cadres whose contacts of a month came in one late batch
PLANTED_AFTER_EXIT = 0.008  # share of the people who left whose contacts went on
CALLBACK_MONTHS = 13  # callbacks in the last twelve complete months and the current one
CALLBACK_SHARE = 0.013  # of the active pairs called back each month (about 4% a quarter)
CALLERS_PER_COUNTY = 2


def _stable_pairs(pairs: _Pairings, people: _People, cadres: _Cadres, since: int, today: int) -> np.ndarray:
    """Pairings running from before `since` through today, of people still in the programme, with a working cadre."""
    return (
        (pairs.start < since)
        & (pairs.end > today)
        & (people.exited[pairs.ben] > today)
        & (cadres.silent_from[pairs.cadre] > today)
    )


def _rows_by_cadre(pairs: _Pairings, mask: np.ndarray):
    """A lookup of the pairings in `mask` by cadre: rows(cadre) → their positions (one sort, no scan per cadre)."""
    chosen = np.flatnonzero(mask)
    order = chosen[np.argsort(pairs.cadre[chosen], kind="stable")]
    sorted_cadres = pairs.cadre[order]

    def rows(cadre: int) -> np.ndarray:
        low, high = np.searchsorted(sorted_cadres, [cadre, cadre + 1])
        return order[low:high]

    return rows


def _plant(rng: np.random.Generator, people, places, cadres, pairs: _Pairings, contacts: _Contacts, today: dt.date):
    """Add the desk-filled and after-exit contacts; returns (contacts, late mask, same-day cadres)."""
    today_n = _day(today)
    starts = _month_starts(today)
    stable = _stable_pairs(pairs, people, cadres, starts[-6], today_n)
    n_cadres = len(cadres.dept)
    per_cadre = np.bincount(pairs.cadre[stable], minlength=n_cadres)
    all_pairs = np.bincount(
        pairs.cadre[(pairs.end > today_n) & (people.exited[pairs.ben] > today_n)], minlength=n_cadres
    )
    whole = (per_cadre >= 3) & (per_cadre == all_pairs)  # every pair of the cadre is a stable one
    added_pairing, added_day, added_method = [], [], []

    stable_rows = _rows_by_cadre(pairs, stable)
    same_day = rng.permutation(np.flatnonzero(whole))[: max(2, round(PLANTED_SAME_DAY * n_cadres))]
    for cadre in same_day:
        rows = stable_rows(cadre)
        day_of_month = int(rng.integers(5, 25))
        for month in range(len(starts) - 6, len(starts) - 2):  # the last four complete months
            added_pairing.append(rows)
            added_day.append(np.full(len(rows), starts[month] + day_of_month))
            added_method.append(np.full(len(rows), METHOD_PHONE))

    township = people.township[pairs.ben]
    stable_at = np.flatnonzero(stable)  # the townships of each cadre's stable pairs, counted once each
    places_of = np.unique(pairs.cadre[stable_at].astype(np.int64) * len(places.township_names) + township[stable_at])
    spread = np.bincount(places_of // len(places.township_names), minlength=n_cadres)
    busy_pool = np.setdiff1d(np.flatnonzero((per_cadre >= 5) & (spread >= 3)), same_day)
    busy = rng.permutation(busy_pool)[: max(1, round(PLANTED_BUSY_DAY * n_cadres))]
    for cadre in busy:
        rows = stable_rows(cadre)
        rows = rows[np.argsort(township[rows], kind="stable")]
        _, first = np.unique(township[rows], return_index=True)
        chosen = np.concatenate([rows[first], np.setdiff1d(rows, rows[first])])[:5]
        added_pairing.append(chosen)
        added_day.append(np.full(len(chosen), starts[-3] + int(rng.integers(3, 25))))
        added_method.append(np.full(len(chosen), METHOD_HOME))

    exited = people.exited[pairs.ben]
    left = np.flatnonzero(
        (exited < today_n - 40) & (exited > starts[0] + 30) & (pairs.end >= exited) & (pairs.start < exited)
    )
    after = rng.permutation(left)[: max(2, round(PLANTED_AFTER_EXIT * len(left)))]
    added_pairing.append(after)
    added_day.append(exited[after] + rng.integers(3, 35, len(after)))
    added_method.append(np.where(rng.random(len(after)) < 0.5, METHOD_HOME, METHOD_PHONE))

    pairing = np.concatenate([contacts.pairing, *added_pairing]).astype(contacts.pairing.dtype)
    day = np.concatenate([contacts.day, *added_day]).astype(contacts.day.dtype)
    method = np.concatenate([contacts.method, *added_method]).astype(contacts.method.dtype)
    n_old, n_new = len(contacts.day), len(pairing) - len(contacts.day)
    cadre = np.concatenate([contacts.cadre, pairs.cadre[pairing[n_old:]]])
    summary = np.concatenate([contacts.summary, np.full(n_new, -1)])
    satisfaction = np.concatenate([contacts.satisfaction, np.full(n_new, -1)])
    # one record per person, day and method, as the ledgers have; then in date order like the rest
    key = (pairs.ben[pairing].astype(np.int64) << 24) | ((day.astype(np.int64) - starts[0] + 4096) << 3) | method
    _, first = np.unique(key, return_index=True)
    keep = np.sort(first)
    order = keep[np.lexsort((pairs.ben[pairing[keep]], day[keep]))]
    planted = _Contacts(pairing[order], day[order], method[order], cadre[order], summary[order], satisfaction[order])

    # a month's contacts of a few cadres arrive in one batch weeks after the month ended
    month = len(starts) - 4  # three months before the current one
    in_month = (planted.day >= starts[month]) & (planted.day < starts[month + 1])
    counts = np.bincount(pairs.cadre[planted.pairing[in_month]], minlength=n_cadres)
    late_pool = np.setdiff1d(np.flatnonzero(counts >= 4), np.concatenate([same_day, busy]))
    late_cadres = rng.permutation(late_pool)[: max(1, round(PLANTED_LATE * n_cadres))]
    late = in_month & np.isin(pairs.cadre[planted.pairing], late_cadres)
    return planted, late, same_day


@dataclass
class _Callbacks:
    ben: np.ndarray
    day: np.ndarray
    caller: np.ndarray  # index into the callers' names
    reach: np.ndarray  # index into labels.CALLBACK_REACH
    knows: np.ndarray  # index into labels.CALLBACK_KNOWS, -1 = not asked
    truth: np.ndarray  # index into labels.CALLBACK_TRUTH, -1 = not asked
    satisfaction: np.ndarray  # index into labels.SATISFACTION, -1 = not asked
    issue: np.ndarray  # index into demo_names.CALLBACK_ISSUES, -1 = none


def _callbacks(
    rng: np.random.Generator, people, places, cadres, pairs: _Pairings, performance, contacts: _Contacts, today, planted
) -> _Callbacks:
    today_n = _day(today)
    starts = _month_starts(today)
    ben_all, day_all, pairing_all = [], [], []
    called_until = np.full(len(people.county), -(10**6))  # day of each person's last callback
    for month in range(len(starts) - 1 - CALLBACK_MONTHS, len(starts) - 1):
        first, last = starts[month], min(starts[month + 1] - 1, today_n)
        active = np.flatnonzero((pairs.start <= first) & (pairs.end > last) & (people.exited[pairs.ben] > last))
        active = active[called_until[pairs.ben[active]] < first - 90]
        n = round(CALLBACK_SHARE * len(active) * (last - first + 1) / 30.4)
        chosen = rng.permutation(active)[:n]
        days = rng.integers(first, last + 1, len(chosen))
        called_until[pairs.ben[chosen]] = days
        ben_all.append(pairs.ben[chosen])
        day_all.append(days)
        pairing_all.append(chosen)
    # the people of the desk-filling cadres are called this month, and say they do not know the cadre
    forced = []
    running = _rows_by_cadre(pairs, pairs.end > today_n)
    for cadre in planted:
        forced.append(running(cadre)[:1])
    forced_pairs = np.concatenate(forced) if forced else np.zeros(0, np.int64)
    ben_all.append(pairs.ben[forced_pairs])
    day_all.append(np.full(len(forced_pairs), max(starts[-2], today_n - 10)))
    pairing_all.append(forced_pairs)
    ben = np.concatenate(ben_all)
    day = np.concatenate(day_all)
    pairing = np.concatenate(pairing_all)
    n = len(ben)
    perf = np.clip(performance[pairing], 0.0, 1.0)
    reach = _pick(rng, np.array([0.84, 0.12, 0.04]), n=n)
    reached = reach == 0
    knows = np.where(rng.random(n) < 0.02 + 0.25 * (1 - perf), 1, 0)
    # did the ledger record a contact with the person in the 90 days before the call?
    contact_ben = pairs.ben[contacts.pairing].astype(np.int64)
    keys = np.sort((contact_ben << 24) | (contacts.day.astype(np.int64) - starts[0] + 4096))
    low = (ben.astype(np.int64) << 24) | (day - 90 - starts[0] + 4096 + 1)
    high = (ben.astype(np.int64) << 24) | (day - starts[0] + 4096)
    recent = np.searchsorted(keys, high, side="right") > np.searchsorted(keys, low, side="left")
    u = rng.random(n)
    untrue = 0.02 + 0.12 * (1 - perf)
    truth = np.where(u < untrue, 1, np.where(u < untrue + 0.1, 2, 0))
    truth[~recent] = -1
    u = rng.random(n)
    unhappy = 0.02 + 0.2 * (1 - perf)
    satisfaction = np.where(u < unhappy, 2, np.where(u < unhappy + 0.2 + 0.15 * (1 - perf), 1, 0))
    issue = np.where(rng.random(n) < 0.05, rng.integers(0, len(demo_names.CALLBACK_ISSUES), n), -1)
    tail = slice(n - len(forced_pairs), n)
    reach[tail], knows[tail], truth[tail], satisfaction[tail], issue[tail] = 0, 1, 1, 1, -1
    reached[tail] = True
    knows[~reached], truth[~reached], satisfaction[~reached], issue[~reached] = -1, -1, -1, -1
    county = people.county[ben]
    caller = county * CALLERS_PER_COUNTY + rng.integers(0, CALLERS_PER_COUNTY, n)
    order = np.lexsort((ben, day))
    return _Callbacks(
        ben[order],
        day[order],
        caller[order],
        reach[order],
        knows[order],
        truth[order],
        satisfaction[order],
        issue[order],
    )


def _callback_frame(rng: np.random.Generator, people, places, calls: _Callbacks) -> pd.DataFrame:
    n_callers = len(places.county_names) * CALLERS_PER_COUNTY
    callers = _person_names(rng, rng.random(n_callers) < 0.4, 0.7)
    columns = {
        "id_number": people.id_number.take(pa.array(calls.ben)),
        "callback_date": _date_text(calls.day),
        "caller": callers.take(pa.array(calls.caller)),
        "reach": _take(labels.CALLBACK_REACH, calls.reach),
        "knows_cadre": _take(labels.CALLBACK_KNOWS, np.maximum(calls.knows, 0), calls.knows < 0),
        "contact_truth": _take(labels.CALLBACK_TRUTH, np.maximum(calls.truth, 0), calls.truth < 0),
        "satisfaction": _take(labels.SATISFACTION, np.maximum(calls.satisfaction, 0), calls.satisfaction < 0),
        "reported_issue": _take(demo_names.CALLBACK_ISSUES, np.maximum(calls.issue, 0), calls.issue < 0),
    }
    table = pa.table({labels.column_label("callback", k): v for k, v in columns.items()})
    # the same person called twice on one day by the same caller is one callback (the import's key)
    frame = table.to_pandas()
    key = [labels.column_label("callback", k) for k in ("id_number", "callback_date", "caller")]
    return frame.drop_duplicates(subset=key, keep="first").reset_index(drop=True)


# ---------------------------------------------------------------- xlsx files


def _rows_per_file() -> int:
    # a sheet holds 1,048,576 rows (title and header included), and the importer takes at most
    # config.MAX_ROWS data rows per file: split on whichever is smaller, one sheet per file
    return min(EXCEL_MAX_ROWS - 2, config.MAX_ROWS)


def _part_names(kind: str, rows: int) -> list[str]:
    parts = max(1, math.ceil(rows / _rows_per_file()))
    name = labels.KIND_LABELS[kind]
    if parts == 1:
        return [name]
    return [labels.DEMO_FILE_PART.format(name=name, part=i + 1) for i in range(parts)]


def _write_ledger(path: Path, kind: str, frame: pd.DataFrame, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    columns = labels.COLUMNS[kind]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(labels.KIND_LABELS[kind])
    id_position = next(i for i, c in enumerate(columns) if c.field == "id_number")
    for i, column in enumerate(columns):
        letter = get_column_letter(i + 1)
        wide = column.field in ("id_number", "summary", "description", "responsible_unit", "department")
        ws.column_dimensions[letter].width = 22 if wide else max(10, 2 * len(column.label) + 4)
        if column.field in ("id_number", "phone", "cadre_phone"):
            ws.column_dimensions[letter].number_format = "@"
    ws.freeze_panes = "A3"
    last = get_column_letter(len(columns))
    ws.merged_cells.add(f"A1:{last}1")
    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(bold=True, size=14)
    title_cell.alignment = Alignment(horizontal="center")
    ws.append([title_cell])
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.label)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    # one styled cell reused for every ID: the writer serialises each row as soon as it is appended
    id_cell = WriteOnlyCell(ws)
    id_cell.number_format = "@"
    step = 100_000
    for begin in range(0, len(frame), step):
        block = frame.iloc[begin : begin + step].to_numpy(dtype=object, na_value=None).tolist()
        for row in block:
            id_cell.value = row[id_position]
            row[id_position] = id_cell
            ws.append(row)
    wb.save(path)


def write_xlsx(frames: dict[str, pd.DataFrame], out_dir: str | os.PathLike) -> list[Path]:
    """Write the three ledgers as the .xlsx files an office would upload; returns the paths written."""
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        frame = frames[kind]
        as_of = dt.date.fromisoformat(frame.attrs.get("as_of") or config.today().isoformat())
        title = labels.DEMO_TITLES[kind].format(
            region=frame.attrs.get("region", ""), year=as_of.year, month=as_of.month
        )
        step = _rows_per_file()
        for part, name in enumerate(_part_names(kind, len(frame))):
            path = target / f"{name}.xlsx"
            _write_ledger(path, kind, frame.iloc[part * step : (part + 1) * step], title)
            written.append(path)
    return written


# ---------------------------------------------------------------- loading through the real import


# One account of each role for trying the demo (README lists them). Demo databases only: a real
# deployment starts without accounts and creates them with `python -m pipeline user add`.
DEMO_PASSWORD = "guanai-demo"


def add_demo_accounts(con) -> list[dict[str, str]]:
    """演示市级, 演示县区 and 演示单位 (the first county and department by name), 演示只读; unless present."""
    from pipeline import access

    options = status.filter_options(con)
    county, department = options["county"][0], options["department"][0]
    wanted = [
        (labels.DEMO_ACCOUNTS["city"], "city", None, None, True),
        (labels.DEMO_ACCOUNTS["county"], "county", county, None, False),
        (labels.DEMO_ACCOUNTS["department"], "department", None, department, False),
        (labels.DEMO_ACCOUNTS["readonly"], "readonly", None, None, False),
    ]
    made = []
    for name, role, own_county, own_department, can_unmask in wanted:
        if access.load_user(con, name) is None:
            access.add_user(con, name, role, DEMO_PASSWORD, own_county, own_department, can_unmask, labels.DEMO_USER)
        made.append({"name": name, "role": labels.ROLE_LABELS[role], "scope": own_county or own_department or ""})
    return made


def _demo_sample(con, seed: int, today: dt.date) -> None:
    """One callback sample of the current quarter (3% of each department's pairs), waiting for the callers."""
    from pipeline import periods
    from pipeline.callbacks import sample

    if sample.list_samples(con):
        return
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    sample.draw(
        con,
        periods.parse_period(quarter, today),
        share=0.03,
        seed=seed,
        prefer_doubtful=True,
        user=labels.DEMO_USER,
        today=today,
    )


def build(
    db_path: str | os.PathLike | None,
    scale: str = "city",
    seed: int = 1,
    today: dt.date | None = None,
    xlsx_dir: str | os.PathLike | None = None,
    size: int | None = None,
) -> dict[str, object]:
    """Build the demo, optionally write its .xlsx files, and load it into the database via the import."""
    from pipeline import db, materialized
    from pipeline.ingest.load import import_table

    today = config.today(today)
    frames = build_frames(scale, seed, today, size)
    if xlsx_dir is not None:
        write_xlsx(frames, xlsx_dir)
    totals = {"read": 0, "inserted": 0, "updated": 0, "unchanged": 0, "duplicate": 0, "rejected": 0}
    errors: list[dict] = []  # the first few, for whoever calls; every one is kept in the database
    con = db.connect(db_path)
    try:
        step = _rows_per_file()
        batches = []
        for kind in KINDS:
            frame = frames[kind]
            late_from = frame.attrs.get("late_from", len(frame))
            # the same split as the .xlsx files, so that each batch matches a file an office could send
            for part, name in enumerate(_part_names(kind, late_from)):
                batches.append((kind, frame.iloc[part * step : min((part + 1) * step, late_from)], f"{name}.xlsx"))
            if late_from < len(frame):  # a few cadres' contacts of one month, sent in weeks late in one go
                name = labels.DEMO_LATE_FILE.format(name=labels.KIND_LABELS[kind])
                batches.append((kind, frame.iloc[late_from:], f"{name}.xlsx"))
        if CALLBACK_KIND in frames:
            batches.append((CALLBACK_KIND, frames[CALLBACK_KIND], f"{labels.KIND_LABELS[CALLBACK_KIND]}.xlsx"))
        for kind, rows, file_name in batches:
            report = import_table(
                con, kind, rows.reset_index(drop=True), file_name=file_name, user=labels.DEMO_USER, today=today
            )
            if report.status == "failed":
                raise RuntimeError(report.message)
            for key in totals:
                totals[key] += getattr(report, key)
            errors.extend(error.as_dict() for error in report.errors[: max(0, 20 - len(errors))])
        accounts = add_demo_accounts(con)
        _demo_sample(con, seed, today)
        # the figures of the common periods, as after any import (a failure here is a failed build)
        materialized.refresh(con, today)
        counts = status.data_status(con)
    finally:
        con.close()
    return {
        "accounts": accounts,
        "beneficiaries": counts["beneficiaries"],
        "pairings": counts["pairings"],
        "contacts": counts["contacts"],
        "issues": counts["issues"],
        **totals,
        "errors": errors,
        "db": str(config.db_path(db_path)),
    }
