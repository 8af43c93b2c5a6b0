"""The festival windows of 节日关爱率 (SPEC §5), by the lunar calendar of lunar-python, widths from the settings.

春节 runs from 腊月廿三 to 正月十五 (lunar days set in 设置); 端午节 (五月初五) and 中秋节 (八月十五) the day ± N days;
六一儿童节 a stretch around June 1 for 孤儿 and 事实无人抚养儿童; 全国助残日 (the third Sunday of May) ± N days for
困难重度残疾人. Nothing here is a hand-typed table of dates: every festival day comes from the calendar library.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from lunar_python import Lunar

from pipeline import labels

COMMON, CHILDREN, DISABLED = "common", "children", "disabled"  # who a window is for (int_festival_days)


@dataclass(frozen=True)
class Window:
    """One festival window: its name, first and last day (both included), and whom it is for."""

    name: str
    first_day: dt.date
    last_day: dt.date
    group: str


@functools.cache
def _solar(lunar_year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a lunar one (the library takes some milliseconds: each is worked out once)."""
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _third_sunday_of_may(year: int) -> dt.date:
    first = dt.date(year, 5, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 14)


def windows_of_year(year: int, widths) -> list[Window]:
    """The windows that begin or lie in one Gregorian year (春节's window begins in the lunar year before).

    `widths` is the Settings object (festival_* fields): the lunar days of 春节's window, ± days around
    端午节, 中秋节 and 全国助残日, days before and after June 1.
    """
    around = dt.timedelta(days=widths.festival_days_around)
    dragon = _solar(year, 5, 5)
    moon = _solar(year, 8, 15)
    disability_day = _third_sunday_of_may(year)
    june_first = dt.date(year, 6, 1)
    names = labels.FESTIVAL_LABELS
    return [
        Window(
            names["spring"],
            _solar(year - 1, 12, widths.festival_spring_from_day),
            _solar(year, 1, widths.festival_spring_to_day),
            COMMON,
        ),
        Window(names["dragon_boat"], dragon - around, dragon + around, COMMON),
        Window(names["mid_autumn"], moon - around, moon + around, COMMON),
        Window(
            names["childrens_day"],
            june_first - dt.timedelta(days=widths.festival_children_days_before),
            june_first + dt.timedelta(days=widths.festival_children_days_after),
            CHILDREN,
        ),
        Window(names["disability_day"], disability_day - around, disability_day + around, DISABLED),
    ]


def windows_between(first: dt.date, last: dt.date, widths) -> list[Window]:
    """Every window that overlaps the days from `first` to `last`."""
    found = []
    for year in range(first.year - 1, last.year + 2):
        found += [w for w in windows_of_year(year, widths) if w.first_day <= last and w.last_day >= first]
    return sorted(found, key=lambda w: (w.first_day, w.name))


def parameters(spans: Iterable[tuple[dt.date, dt.date]], widths) -> dict[str, list]:
    """The windows overlapping any of the spans, as the parallel lists int_festival_days binds."""
    spans = list(spans)
    if not spans:
        return {"festival_starts": [], "festival_ends": [], "festival_groups": []}
    windows = windows_between(min(a for a, _ in spans), max(b for _, b in spans), widths)
    return {
        "festival_starts": [w.first_day for w in windows],
        "festival_ends": [w.last_day for w in windows],
        "festival_groups": [w.group for w in windows],
    }
