"""Working days as the State Council's holiday notice sets them (法定节假日 and 调休), from `chinese-calendar`.

`chinese_calendar` ships each year's arrangement as it is announced (usually in November for the next year)
and refuses a date of a year it does not know. Such a day is counted Monday to Friday instead, and every
answer says so (`estimated`), so that a time limit running into an unknown year is shown as an estimate to
check, never silently wrong; updating the pinned package brings the new year in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

_ONE_DAY = dt.timedelta(days=1)
MAX_WORKING_DAYS = 250  # about a year: no time limit asks for more


@dataclass(frozen=True)
class Counted:
    """A day or a number of working days, and whether any day of it was counted Monday to Friday."""

    value: object
    estimated: bool


def known(day: dt.date) -> bool:
    """Whether the calendar library knows the holiday arrangement of this day's year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(a working day?, estimated?): official holidays off, 调休 weekend days on; unknown years Monday–Friday."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def add_working_days(start: dt.date, days: int) -> Counted:
    """The day that is `days` working days after `start` (start itself not counted): 交办日期 + 办理时限."""
    if not 1 <= days <= MAX_WORKING_DAYS:
        raise ValueError(days)
    day, left, estimated = start, days, False
    while left:
        day += _ONE_DAY
        working, guessed = is_workday(day)
        estimated = estimated or guessed
        left -= working
    return Counted(day, estimated)


def working_days_left(today: dt.date, due: dt.date) -> Counted:
    """Working days after today up to and including the time limit (0 on the day itself; negative: none)."""
    if due < today:
        return Counted(-1, False)
    count, estimated, day = 0, False, today
    while day < due:
        day += _ONE_DAY
        working, guessed = is_workday(day)
        estimated = estimated or guessed
        count += working
    return Counted(count, estimated)
