"""Reporting periods: "2026-10", "2026Q3", "2026", "2026-07-01..2026-09-15" → dates (SPEC §5).

A period is measured at its last day (as_of). A period that has not ended yet is cut at today
and from then on behaves like the date range from its first day to today.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from pipeline import config, labels

DAYS_PER_MONTH = 30.4375  # 365.25 / 12: the month length used for date ranges and cut periods

KINDS = ("month", "quarter", "year", "range")

# 联系达标 keeps one bit per calendar month of a period in a 128-bit integer (see
# sql/intermediate/int_period_contact_summary.sql); ten years is far beyond any report.
MAX_MONTHS = 120

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*\.\.\s*(\d{4}-\d{1,2}-\d{1,2})$")


class PeriodError(ValueError):
    """A period text that cannot be read, or a period that has not started yet."""


@dataclass(frozen=True)
class Period:
    """One reporting period: its first day, its named last day, and the day figures are taken at."""

    text: str  # canonical spelling: 2026-10, 2026Q3, 2026, 2026-07-01..2026-09-15
    kind: str  # one of KINDS
    start: dt.date
    end: dt.date  # the last day the period names
    as_of: dt.date  # end, or today when the period is still running

    @property
    def is_cut(self) -> bool:
        """True when the period is still running and its figures stop at today."""
        return self.as_of < self.end

    @property
    def days(self) -> int:
        """Days from start to as_of, both included."""
        return (self.as_of - self.start).days + 1

    @property
    def months(self) -> float:
        """Months in the period, the divisor of 月均联系频次."""
        return months_in_period(self)

    @property
    def label(self) -> str:
        """The Chinese name of the period, e.g. 2026年第三季度."""
        return period_label(self)

    def months_touched(self) -> list[dt.date]:
        """First days of the calendar months from start to as_of."""
        return months_touched(self.start, self.as_of)


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _parse_date(text: str, original: str) -> dt.date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError as exc:
        raise PeriodError(labels.MSG_PERIOD_INVALID.format(value=original)) from exc


def _named_bounds(text: str) -> tuple[str, str, dt.date, dt.date]:
    """(canonical text, kind, start, end) of a period text, before any cut."""
    value = text.strip()
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(labels.MSG_PERIOD_INVALID.format(value=text))
        return f"{year:04d}-{month:02d}", "month", dt.date(year, month, 1), _last_day(year, month)
    if m := _QUARTER.match(value):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        return f"{year:04d}Q{quarter}", "quarter", dt.date(year, first, 1), _last_day(year, first + 2)
    if m := _YEAR.match(value):
        year = int(m[1])
        return f"{year:04d}", "year", dt.date(year, 1, 1), dt.date(year, 12, 31)
    if m := _RANGE.match(value):
        start, end = _parse_date(m[1], text), _parse_date(m[2], text)
        if end < start:
            raise PeriodError(labels.MSG_PERIOD_ORDER.format(value=text))
        return f"{start.isoformat()}..{end.isoformat()}", "range", start, end
    raise PeriodError(labels.MSG_PERIOD_INVALID.format(value=text))


def parse_period(text: str | Period, today: str | dt.date | None = None) -> Period:
    """Read a period text and cut it at today when it has not ended yet."""
    if isinstance(text, Period):
        return text
    day = config.today(today)
    canonical, kind, start, end = _named_bounds(text)
    if start > day:
        raise PeriodError(labels.MSG_PERIOD_NOT_STARTED.format(value=text, today=day.isoformat()))
    touched = len(months_touched(start, end))
    if touched > MAX_MONTHS:
        raise PeriodError(labels.MSG_PERIOD_TOO_LONG.format(value=text, months=touched, limit=MAX_MONTHS))
    return Period(canonical, kind, start, end, min(end, day))


def month_end(month: dt.date) -> dt.date:
    """The last day of the month a day is in."""
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def months_touched(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of every calendar month that the dates start..end touch."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def months_in_period(period: Period) -> float:
    """Calendar months for a whole month, quarter or year; days / 30.4375 for a range or a cut period."""
    if period.kind == "range" or period.is_cut:
        return period.days / DAYS_PER_MONTH
    return float(len(months_touched(period.start, period.end)))


def previous_period(period: Period) -> Period:
    """The comparable period just before: the previous month/quarter/year, or the equal-length range before.

    A running period is compared with the same stretch of the previous one (2026Q4 up to 11-28 with
    2026Q3 up to 08-28), so that counts and rates cover the same number of days.
    """
    if period.kind == "range":
        length = period.as_of - period.start
        end = period.start - dt.timedelta(days=1)
        start = end - length
        return Period(f"{start.isoformat()}..{end.isoformat()}", "range", start, end, end)
    if period.kind == "year":
        text = f"{period.start.year - 1:04d}"
    elif period.kind == "quarter":
        quarter = (period.start.month - 1) // 3 + 1
        year, quarter = (period.start.year - 1, 4) if quarter == 1 else (period.start.year, quarter - 1)
        text = f"{year:04d}Q{quarter}"
    else:
        year, month = period.start.year, period.start.month
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        text = f"{year:04d}-{month:02d}"
    _, kind, start, end = _named_bounds(text)
    as_of = min(end, start + (period.as_of - period.start)) if period.is_cut else end
    return Period(text, kind, start, end, as_of)


TREND_MONTHS = 12  # the months of the overview's trend, the last one included


def trend_months(end_month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last month (their first days) of the overview's trend ending with end_month's month."""
    end = end_month.replace(day=1)
    back = end.year * 12 + end.month - 1 - (TREND_MONTHS - 1)
    return end.replace(year=back // 12, month=back % 12 + 1), end


def month_periods(
    start_month: str | dt.date, end_month: str | dt.date, today: str | dt.date | None = None
) -> list[Period]:
    """One month period for each calendar month from start_month to end_month, stopping at today."""
    first, last = _month_start(start_month), _month_start(end_month)
    if last < first:
        raise PeriodError(labels.MSG_MONTH_ORDER.format(start=f"{first:%Y-%m}", end=f"{last:%Y-%m}"))
    day = config.today(today)
    return [parse_period(f"{m:%Y-%m}", day) for m in months_touched(first, last) if m <= day]


def _month_start(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    m = _MONTH.match(value.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise PeriodError(labels.MSG_MONTH_INVALID.format(value=value))
    return dt.date(int(m[1]), int(m[2]), 1)


def _date_label(day: dt.date) -> str:
    return labels.PERIOD_DATE_LABEL.format(year=day.year, month=day.month, day=day.day)


def period_label(period: Period) -> str:
    """The Chinese name of a period (2026年10月, 2026年第三季度, 2026年, a range), cut ones up to when."""
    if period.kind == "month":
        label = labels.PERIOD_MONTH_LABEL.format(year=period.start.year, month=period.start.month)
    elif period.kind == "quarter":
        quarter = (period.start.month - 1) // 3 + 1
        name = labels.QUARTER_NAMES[quarter]
        label = labels.PERIOD_QUARTER_LABEL.format(year=period.start.year, quarter_name=name)
    elif period.kind == "year":
        label = labels.PERIOD_YEAR_LABEL.format(year=period.start.year)
    else:
        start, end = _date_label(period.start), _date_label(period.as_of)
        return labels.PERIOD_RANGE_LABEL.format(start=start, end=end)
    if period.is_cut:
        return labels.PERIOD_CUT_LABEL.format(label=label, as_of=_date_label(period.as_of))
    return label
