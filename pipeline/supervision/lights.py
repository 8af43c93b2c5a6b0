"""The light of an item on a day: 绿 more than 3 working days left, 黄 3 or fewer, 红 past the time limit.

A closed or withdrawn item has no light. Working days left are those after the day up to and including
the time limit (on the last day itself: 0 left, still 黄); 红 from the day after the time limit on.
"""

from __future__ import annotations

import datetime as dt

from pipeline import labels
from pipeline.supervision import rules, workdays

LIGHTS = ("green", "yellow", "red")


def light(state: str, due_on: dt.date, day: dt.date) -> str | None:
    """green, yellow, red, or None for an item no longer open."""
    if state not in rules.OPEN_STATES:
        return None
    if day > due_on:
        return "red"
    left = workdays.working_days_left(day, due_on).value
    return "yellow" if left <= rules.LIGHT_DAYS else "green"


def light_text(value: str | None) -> str:
    """🟢 绿灯 / 🟡 黄灯 / 🔴 红灯, or — for no light."""
    return labels.SV_LIGHT_LABELS.get(value, labels.NO_VALUE)


def days_text(state: str, due_on: dt.date, day: dt.date) -> str:
    """剩3个工作日 / 今天到期 / 超期5天 (calendar days past the limit), or — once closed."""
    if state not in rules.OPEN_STATES:
        return labels.NO_VALUE
    if day > due_on:
        return labels.SV_DAYS_OVERDUE.format(days=(day - due_on).days)
    left = workdays.working_days_left(day, due_on).value
    return labels.SV_DUE_TODAY if left == 0 and day == due_on else labels.SV_DAYS_LEFT.format(days=left)
