"""The parts of a report (季度调度、月报、年度总结): headline sentences, rankings, the units behind and why, the
督办 figures, the issue summary and the best units, from the figures of a period (live, or frozen in a snapshot).

The other modules of this package only lay these parts out; every number in them comes from `ReportData`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import catalog, labels, masking, periods, queries, reminders, settings, snapshots
from pipeline.callbacks import report as callback_report
from pipeline.queries import ALL, Scope
from pipeline.supervision import figures as supervision_figures

KINDS = ("month", "quarter", "year")
TYPICAL_COUNT = 5  # departments named as 典型
CHART_DEPARTMENTS = 20  # the department chart shows the lowest scores; the table lists them all
HEADLINE_GROUPINGS = ("overall", "department")  # what the top of a report is made of (Headline)

# The rates of the headline. A department is 后进 when its 综合得分 is in the red band, as on the department
# page; its reasons are its rates below the amber line (queries.BEHIND_RATES).
HEADLINE_RATES = catalog.shown_in("cards")
# a department's pairs are paired by definition, so 结对覆盖率 is no strength worth naming
STRENGTH_RATES = catalog.shown_in("strength")
# 联系达标率 of a single month equals its 联系覆盖率, so the monthly chart leaves it out
TREND_RATES = catalog.shown_in("trend")
RANKING_COLUMNS = (
    "rank",
    "rank_change",
    "beneficiaries",
    "paired",
    *catalog.shown_in("ranking"),
    "overdue_contact",
    "issues_overdue",
    "score",
)
OVERDUE_COLUMNS = ("department", "overdue_contact", "issues_overdue", *snapshots.REMINDER_COLUMNS[1:])
CONTACT_LIST_COLUMNS = reminders.CONTACT_COLUMNS  # the overdue pairs as the reminder sheets list them
ISSUE_LIST_COLUMNS = (
    "department",
    "cadre_name",
    "cadre_phone",
    "beneficiary_name",
    "id_number",
    "county",
    "township",
    "issue_no",
    "raised_on",
    "issue_category",
    "issue_level",
    "status",
    "responsible_unit",
    "description",
    "days_open",
    "days_overdue",
)
ISSUE_SUMMARY_COLUMNS = ("dimension", "item", *snapshots.ISSUE_SUMMARY_COUNTS, "resolution_rate")
TREND_COLUMNS = (
    "month",
    "beneficiaries",
    "paired",
    "pairing_rate",
    "contact_rate",
    "home_visit_rate",
    "contacts_per_pair_month",
    "resolution_rate",
    "satisfaction_rate",
    "overdue_contact",
    "issues_overdue",
    "score",
)

# Which parts each kind of report carries, in order (月报 is the short one, 年总结 adds the trend).
SECTIONS = {
    "quarter": (
        "summary",
        "counties",
        "departments",
        "behind",
        "overdue",
        "issues",
        "typical",
        "contact_list",
        "issue_list",
    ),
    "month": ("summary", "counties", "departments", "behind", "overdue", "contact_list", "issue_list"),
    "year": ("summary", "trend", "counties", "departments", "behind", "overdue", "issues", "typical"),
}

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PDF_TIMEOUT_MS = 60_000


@dataclass
class Headline:
    """The top of a report, as its page shows it before the document is asked for: the title, the headline figures
    and sentences, the department ranking, the units behind and whether last period's reminders worked. The same
    parts, made by the same code, open the document (ReportData)."""

    kind: str
    period: periods.Period
    previous: periods.Period
    scope: Scope
    config: settings.Settings
    made_at: dt.datetime
    data_batch_id: int | None
    snapshot: snapshots.Snapshot | None
    title: str
    subtitle: str
    summary: pd.DataFrame  # one row per metric: current, previous, change
    sentences: list[str]
    departments: pd.DataFrame
    unpaired: int  # beneficiaries without an active pairing (not in the department ranking)
    behind: pd.DataFrame
    reminders: pd.DataFrame  # per department: overdue at the end of the previous period, dealt with since


@dataclass
class ReportData(Headline):
    """The parts of one report, ready to lay out: every figure and sentence it prints (its Headline, then the rest)."""

    masked: bool
    counties: pd.DataFrame
    overdue: pd.DataFrame  # per department: overdue now and the reminder effectiveness
    overdue_contacts: pd.DataFrame
    overdue_issues: pd.DataFrame
    issues: pd.DataFrame
    typical: pd.DataFrame
    trend: pd.DataFrame
    sections: tuple[str, ...] = field(default=())
    supervision: pd.DataFrame | None = None  # 督办落实情况 per department (SPEC §7), when items were 交办 in the period
    callbacks: dict[str, pd.DataFrame] | None = None  # 回访核查情况 (SPEC §8): figures and doubtful cadres


# ---------------------------------------------------------------- words and numbers


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def percent_text(value: object) -> str:
    """0.7414 → 74.1%; an empty rate → —."""
    return labels.NO_VALUE if _missing(value) else f"{float(value):.1%}"


def threshold_text(fraction: float) -> str:
    """A RAG line as the office writes it: 75%, 87.5%."""
    text = f"{fraction * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def score_threshold_text(fraction: float) -> str:
    """The same line in score points: 75, 87.5."""
    return f"{fraction * 100:.1f}".rstrip("0").rstrip(".")


def _previous_name(kind: str) -> str:
    return labels.REPORT_PREVIOUS_NAMES.get(kind, labels.REPORT_PREVIOUS_NAMES["range"])


def rate_change_phrase(change: object, kind: str) -> str:
    """较上季度提高1.5个百分点 / 下降 / 与上季度持平 / 上季度无可比数据."""
    previous = _previous_name(kind)
    if _missing(change):
        return labels.REPORT_NO_COMPARISON.format(previous=previous)
    points = round(abs(float(change)) * 100, 1)
    if points == 0:
        return labels.REPORT_FLAT.format(previous=previous)
    template = labels.REPORT_RATE_UP if change > 0 else labels.REPORT_RATE_DOWN
    return template.format(previous=previous, points=f"{points:.1f}")


def count_change_phrase(change: object, kind: str, unit: str) -> str:
    """较上季度增加3人 / 减少 / 与上季度持平."""
    previous = _previous_name(kind)
    if _missing(change):
        return labels.REPORT_NO_COMPARISON.format(previous=previous)
    amount = round(float(change))
    if amount == 0:
        return labels.REPORT_FLAT.format(previous=previous)
    template = labels.REPORT_COUNT_UP if amount > 0 else labels.REPORT_COUNT_DOWN
    return template.format(previous=previous, amount=abs(amount), unit=unit)


def score_change_phrase(change: object, kind: str) -> str:
    """较上季度提高1.2分 / 降低 / 持平."""
    previous = _previous_name(kind)
    if _missing(change):
        return labels.REPORT_NO_COMPARISON.format(previous=previous)
    points = round(abs(float(change)), 1)
    if points == 0:
        return labels.REPORT_FLAT.format(previous=previous)
    template = labels.REPORT_SCORE_UP if change > 0 else labels.REPORT_SCORE_DOWN
    return template.format(previous=previous, points=f"{points:.1f}")


def rank_change_text(rank_now: object, rank_before: object) -> str:
    """↑2 (moved up two places), ↓3, — (same place), 新 (not ranked last period)."""
    if _missing(rank_before):
        return labels.RANK_NEW
    if _missing(rank_now):
        return labels.NO_VALUE
    moved = int(rank_before) - int(rank_now)
    if moved > 0:
        return labels.RANK_UP.format(places=moved)
    if moved < 0:
        return labels.RANK_DOWN.format(places=-moved)
    return labels.RANK_SAME


def date_text(day: dt.date) -> str:
    """2026年9月30日."""
    return labels.PERIOD_DATE_LABEL.format(year=day.year, month=day.month, day=day.day)


def _score_band(score: object, config: settings.Settings) -> str | None:
    return None if _missing(score) else settings.rag_band(float(score) / 100, config)


def behind_reasons(row: dict, config: settings.Settings) -> str:
    """Why a department is behind: its rates below the amber line, lowest first (联系达标率61.0%，低于75%).

    The words are those of the department page (queries.behind_reason); when every rate clears the line on its
    own and only the weighted score does not, the score itself is the reason.
    """
    reasons = queries.behind_reason(row, config)
    if reasons:
        return reasons
    return labels.REPORT_REASON_SCORE.format(
        score=f"{float(row['score']):.1f}", threshold=score_threshold_text(config.rag_amber)
    )


def strengths(row: dict, config: settings.Settings) -> str:
    """What a best-performing department does well: its rates in the green band, highest first."""
    high = sorted(
        (
            (float(row[rate]), rate)
            for rate in STRENGTH_RATES
            if not _missing(row.get(rate)) and settings.rag_band(float(row[rate]), config) == "green"
        ),
        reverse=True,
    )
    parts = [labels.REPORT_STRENGTH.format(metric=labels.METRIC_LABELS[r], value=percent_text(v)) for v, r in high]
    if not parts:
        parts.append(labels.REPORT_STRENGTH_SCORE.format(score=f"{float(row['score']):.1f}", rank=int(row["rank"])))
    return labels.REPORT_LIST_SEPARATOR.join(parts)


def _mask_list(frame: pd.DataFrame, masked: bool) -> pd.DataFrame:
    """A 督办 list with ID numbers, names and phones masked (also inside free text) unless masked=False."""
    result = frame.copy()
    if not masked:
        return result
    maskers = {"id_number": masking.mask_id, "cadre_phone": masking.mask_phone, "beneficiary_name": masking.mask_name}
    for column, mask in maskers.items():
        if column in result.columns:
            result[column] = [mask(v) if isinstance(v, str) else None for v in result[column]]
    for column in ("description", "responsible_unit"):  # free text may quote an ID or a phone number
        if column in result.columns:
            result[column] = [masking.mask_text(v) if isinstance(v, str) else v for v in result[column]]
    return result


# ---------------------------------------------------------------- the parts of the report


def _ranking(current: pd.DataFrame, before: pd.DataFrame | None, key: str) -> pd.DataFrame:
    """Groups by 综合得分 (1 = best; equal scores share a place) with the change of place since the period before."""
    frame = current[current[key] != labels.UNPAIRED_LABEL].copy()
    frame["rank"] = frame["score"].rank(ascending=False, method="min")
    previous_rank: dict[str, float] = {}
    if before is not None and not before.empty:
        earlier = before[before[key] != labels.UNPAIRED_LABEL]
        ranks = earlier["score"].rank(ascending=False, method="min")
        previous_rank = {name: r for name, r in zip(earlier[key], ranks, strict=True) if not _missing(r)}
    frame["rank_before"] = [previous_rank.get(name) for name in frame[key]]
    frame["rank_change"] = [rank_change_text(r, b) for r, b in zip(frame["rank"], frame["rank_before"], strict=True)]
    frame = frame.sort_values(["rank", key], na_position="last", kind="stable").reset_index(drop=True)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame[["rank", "rank_change", key, *RANKING_COLUMNS[2:]]]


def _summary(current: pd.Series, before: pd.Series | None) -> pd.DataFrame:
    rows = []
    for metric in queries.METRIC_COLUMNS:
        now = current[metric]
        earlier = None if before is None else before[metric]
        change = None if _missing(now) or _missing(earlier) else float(now) - float(earlier)
        rows.append({"metric": metric, "current": now, "previous": earlier, "change": change})
    return pd.DataFrame(rows)


def _change_cell(metric: str, change: object) -> str:
    """The change column of the summary table: +1.5个百分点 for rates, +3 for counts."""
    if _missing(change):
        return labels.NO_VALUE
    if metric in queries.RATE_COLUMNS:
        return f"{float(change) * 100:+.1f}{labels.PERCENT_POINTS}"
    if metric in queries.FRACTIONAL_COLUMNS:
        return f"{float(change):+.2f}" if metric == "contacts_per_pair_month" else f"{float(change):+.1f}"
    return f"{round(float(change)):+d}"


def _change_number(metric: str, change: object) -> tuple[object, str | None]:
    """The change as a number and a signed number format (a text "+3" would need neutralising in a workbook)."""
    if _missing(change):
        return labels.NO_VALUE, None
    if metric in queries.RATE_COLUMNS:  # in percentage points
        points = labels.PERCENT_POINTS
        return float(change) * 100, f'+0.0"{points}";-0.0"{points}";0.0"{points}"'
    if metric == "contacts_per_pair_month":
        return float(change), "+0.00;-0.00;0.00"
    if metric in queries.FRACTIONAL_COLUMNS:
        return float(change), "+0.0;-0.0;0.0"
    return round(float(change)), "+0;-0;0"


def running_period_sentence(period: periods.Period, kind: str) -> str:
    """What a period that has not ended covers, and which months 联系达标率 asks for."""
    first = period.start.replace(day=1)
    ended = [m for m in periods.months_touched(first, period.as_of) if periods.month_end(m) <= period.as_of]
    period_name = labels.REPORT_PERIOD_NAMES.get(kind, labels.REPORT_PERIOD_NAMES["range"])
    if not ended:
        return labels.REPORT_SENTENCE_RUNNING_NONE.format(period_name=period_name, as_of=date_text(period.as_of))
    months = "、".join(labels.REPORT_MONTH_NAME.format(month=m.month) for m in ended)
    return labels.REPORT_SENTENCE_RUNNING.format(period_name=period_name, as_of=date_text(period.as_of), months=months)


def _sentences(data: dict, kind: str, scope_label: str) -> list[str]:
    """The headline written as an official would: one figure and its change per sentence."""
    now, change = data["now"], data["change"]
    period_name = labels.REPORT_PERIOD_NAMES.get(kind, labels.REPORT_PERIOD_NAMES["range"])
    sentences = [
        labels.REPORT_SENTENCE_BASE.format(
            as_of=date_text(data["as_of"]),
            scope=scope_label,
            beneficiaries=int(now["beneficiaries"]),
            paired=int(now["paired"]),
            period_name=period_name,
            contacts=int(now["contacts"]),
            contacted=int(now["contacted"]),
            home_visited=int(now["home_visited"]),
        )
    ]
    period = data.get("period")
    if period is not None and period.is_cut:  # a period still running: say what it covers
        sentences.append(running_period_sentence(period, kind))
    for rate in HEADLINE_RATES:
        if rate == "on_standard_rate" and _missing(now[rate]):  # no month of the period has ended yet
            sentences.append(labels.REPORT_SENTENCE_NOT_DUE.format(scope=scope_label))
            continue
        sentences.append(
            labels.REPORT_SENTENCE_RATE.format(
                scope=scope_label,
                metric=labels.METRIC_LABELS[rate],
                value=percent_text(now[rate]),
                change=rate_change_phrase(change[rate], kind),
            )
        )
    sentences.append(
        labels.REPORT_SENTENCE_OVERDUE.format(
            overdue_contact=int(now["overdue_contact"]),
            contact_change=count_change_phrase(change["overdue_contact"], kind, labels.UNIT_PEOPLE),
            issues_overdue=int(now["issues_overdue"]),
            issue_change=count_change_phrase(change["issues_overdue"], kind, labels.UNIT_ITEMS),
        )
    )
    sentences.append(
        labels.REPORT_SENTENCE_ISSUES.format(
            period_name=period_name,
            issues_new=int(now["issues_new"]),
            issues_closed=int(now["issues_closed_in_p"]),
            issues_total=int(now["issues_total"]),
            issues_resolved=int(now["issues_resolved"]),
        )
    )
    if not _missing(now["score"]):
        sentences.append(
            labels.REPORT_SENTENCE_SCORE.format(
                scope=scope_label, score=f"{float(now['score']):.1f}", change=score_change_phrase(change["score"], kind)
            )
        )
    return sentences


def _ranking_sentence(departments: pd.DataFrame, behind: pd.DataFrame, config: settings.Settings) -> str | None:
    ranked = departments.dropna(subset=["score"])
    if ranked.empty:
        return None
    best = ranked.iloc[0]
    return labels.REPORT_SENTENCE_RANKING.format(
        count=len(ranked),
        threshold=score_threshold_text(config.rag_amber),
        behind=len(behind),
        best=best["department"],
        best_score=f"{float(best['score']):.1f}",
    )


def _reminder_sentence(reminders: pd.DataFrame, kind: str) -> str | None:
    contacts_before = int(reminders["overdue_contacts_before"].sum())
    issues_before = int(reminders["overdue_issues_before"].sum())
    if not contacts_before and not issues_before:
        return None
    contacted = int(reminders["contacted_after"].sum())
    closed = int(reminders["closed_after"].sum())
    return labels.REPORT_SENTENCE_REMINDERS.format(
        previous_end=labels.REPORT_PREVIOUS_END_NAMES.get(kind, labels.REPORT_PREVIOUS_END_NAMES["range"]),
        contacts_before=contacts_before,
        contacted=contacted,
        contact_rate=percent_text(contacted / contacts_before if contacts_before else None),
        issues_before=issues_before,
        closed=closed,
        close_rate=percent_text(closed / issues_before if issues_before else None),
    )


def _behind(departments: pd.DataFrame, config: settings.Settings) -> pd.DataFrame:
    rows = [
        {**row, "reasons": behind_reasons(row, config)}
        for row in departments.to_dict("records")
        if _score_band(row["score"], config) == "red"
    ]
    columns = ["rank", "department", "score", "reasons", "overdue_contact", "issues_overdue"]
    frame = pd.DataFrame(rows, columns=[*departments.columns, "reasons"])
    frame = frame.sort_values(["score", "department"], kind="stable").reset_index(drop=True)
    return frame[columns]


def _typical(departments: pd.DataFrame, config: settings.Settings) -> pd.DataFrame:
    ranked = departments.dropna(subset=["score"])
    ranked = ranked[[_score_band(s, config) != "red" for s in ranked["score"]]].head(TYPICAL_COUNT)
    rows = [{**row, "strengths": strengths(row, config)} for row in ranked.to_dict("records")]
    columns = ["rank", "department", "score", "strengths", *HEADLINE_RATES]
    return pd.DataFrame(rows, columns=[*departments.columns, "strengths"])[columns].reset_index(drop=True)


def _overdue_by_department(departments: pd.DataFrame, reminders: pd.DataFrame) -> pd.DataFrame:
    now = departments[["department", "overdue_contact", "issues_overdue"]]
    merged = now.merge(reminders, on="department", how="outer")
    counts = [
        "overdue_contact",
        "issues_overdue",
        *snapshots.REMINDER_COUNTS,
        "not_contacted_after",
        "still_open_after",
    ]
    merged[counts] = merged[counts].fillna(0).astype("int64")
    merged = merged[
        merged[["overdue_contact", "issues_overdue", "overdue_contacts_before", "overdue_issues_before"]].sum(axis=1)
        > 0
    ]
    merged = merged.assign(_load=merged["overdue_contact"] + merged["issues_overdue"])
    merged = merged.sort_values(["_load", "overdue_contact", "department"], ascending=[False, False, True])
    return merged[list(OVERDUE_COLUMNS)].reset_index(drop=True)


def _issue_sections(summary: pd.DataFrame) -> pd.DataFrame:
    """The ledger summary by category, then by handling level, then the total."""
    counts = list(snapshots.ISSUE_SUMMARY_COUNTS)
    parts = []
    for column, dimension in (("issue_category", labels.REPORT_BY_CATEGORY), ("issue_level", labels.REPORT_BY_LEVEL)):
        grouped = summary.groupby(column, sort=False)[counts].sum().reset_index()
        grouped = grouped.rename(columns={column: "item"})
        grouped.insert(0, "dimension", dimension)
        parts.append(grouped)
    total = {"dimension": labels.REPORT_TOTAL, "item": "", **{c: int(summary[c].sum()) for c in counts}}
    parts.append(pd.DataFrame([total]))
    frame = pd.concat(parts, ignore_index=True)
    frame[counts] = frame[counts].astype("int64")
    frame["resolution_rate"] = frame["issues_resolved"] / frame["issues_total"].where(frame["issues_total"] > 0)
    return frame[list(ISSUE_SUMMARY_COLUMNS)]


def _title(kind: str, scope: Scope, period: periods.Period) -> str:
    return labels.REPORT_TITLES[kind].format(scope=scope.label, period=period.label)


def _subtitle(figures: snapshots.Figures, made_at: dt.datetime) -> str:
    period, previous = figures.period, figures.previous
    parts = [
        labels.REPORT_META_PERIOD.format(start=date_text(period.start), end=date_text(period.as_of)),
        labels.REPORT_META_PREVIOUS.format(
            previous=previous.label, start=date_text(previous.start), end=date_text(previous.as_of)
        ),
        labels.REPORT_META_VERSION.format(batch=figures.data_batch_id or 0),
    ]
    snapshot = figures.snapshot
    if snapshot is not None:
        parts.append(
            labels.REPORT_META_SNAPSHOT.format(
                snapshot_id=snapshot.snapshot_id, user=snapshot.created_by, at=f"{snapshot.created_at:%Y-%m-%d %H:%M}"
            )
        )
    parts.append(labels.REPORT_META_MADE.format(at=f"{made_at:%Y-%m-%d %H:%M}"))
    return labels.REPORT_META_SEPARATOR.join(parts)


def _kind_for(period: periods.Period, kind: str | None) -> str:
    if kind is None:
        return period.kind if period.kind in KINDS else "quarter"
    if kind not in KINDS:
        raise ValueError(labels.MSG_REPORT_KIND_INVALID.format(value=kind))
    if period.kind != "range" and period.kind != kind:
        raise ValueError(
            labels.MSG_REPORT_KIND_MISMATCH.format(
                period=period.text, kind=labels.REPORT_KIND_LABELS[kind], period_kind=period.kind
            )
        )
    return kind


def headline(figures: snapshots.Figures, kind: str | None = None) -> Headline:
    """The top of the report of the figures (no database access): it needs their overall and department metrics of
    the period and of the one before, and the reminders' effect."""
    kind = _kind_for(figures.period, kind)
    config = figures.config
    made_at = dt.datetime.now().replace(microsecond=0)
    overall = figures.current["overall"]
    before_overall = figures.before.get("overall")
    now = overall.iloc[0]
    earlier = before_overall.iloc[0] if before_overall is not None and not before_overall.empty else None
    summary = _summary(now, earlier)
    change = dict(zip(summary["metric"], summary["change"], strict=True))
    departments_now = figures.current["department"]
    departments = _ranking(departments_now, figures.before.get("department"), "department")
    behind = _behind(departments, config)
    data_now = {"now": now, "change": change, "as_of": figures.period.as_of, "period": figures.period}
    sentences = _sentences(data_now, kind, figures.scope.label)
    for extra in (_ranking_sentence(departments, behind, config), _reminder_sentence(figures.reminders, kind)):
        if extra:
            sentences.append(extra)
    unpaired_rows = departments_now[departments_now["department"] == labels.UNPAIRED_LABEL]
    return Headline(
        kind=kind,
        period=figures.period,
        previous=figures.previous,
        scope=figures.scope,
        config=config,
        made_at=made_at,
        data_batch_id=figures.data_batch_id,
        snapshot=figures.snapshot,
        title=_title(kind, figures.scope, figures.period),
        subtitle=_subtitle(figures, made_at),
        summary=summary,
        sentences=sentences,
        departments=departments,
        unpaired=int(unpaired_rows["beneficiaries"].sum()),
        behind=behind,
        reminders=figures.reminders,
    )


def assemble(figures: snapshots.Figures, kind: str | None = None, masked: bool = True) -> ReportData:
    """Lay the figures of a period out as the parts of a report (no database access)."""
    top = headline(figures, kind)
    contacts = _mask_list(figures.overdue_contacts, masked)
    issues = _mask_list(figures.overdue_issues, masked)
    return ReportData(
        **{part.name: getattr(top, part.name) for part in fields(Headline)},
        masked=masked,
        counties=_ranking(figures.current["county"], figures.before.get("county"), "county"),
        overdue=_overdue_by_department(figures.current["department"], figures.reminders),
        overdue_contacts=contacts.sort_values(
            ["department", "days_overdue"], ascending=[True, False], kind="stable"
        ).reset_index(drop=True)[list(CONTACT_LIST_COLUMNS)],
        overdue_issues=issues.sort_values(
            ["department", "days_overdue"], ascending=[True, False], kind="stable"
        ).reset_index(drop=True)[list(ISSUE_LIST_COLUMNS)],
        issues=_issue_sections(figures.issue_summary),
        typical=_typical(top.departments, top.config),
        trend=figures.trend,
        sections=SECTIONS[top.kind],
    )


def build_headline(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period,
    kind: str | None = None,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    known: Mapping[str, pd.DataFrame] | None = None,
) -> Headline:
    """The top of the live report of a period (see Headline): the metrics it needs and the reminders' effect only.

    `known` holds parts already read for the same period and scope (snapshots.gather_figures)."""
    figures = snapshots.gather_figures(
        con, period, scope, today, groupings=HEADLINE_GROUPINGS, lists=False, known=known
    )
    return headline(figures, kind)


def build_report(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period | None,
    kind: str | None = None,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    masked: bool = True,
    snapshot_id: int | None = None,
    known: Mapping[str, pd.DataFrame] | None = None,
    doubts: pd.DataFrame | None = None,
) -> ReportData:
    """The report of a period (kind from the period unless given), from live data or from a snapshot.

    `known` holds parts of the live figures already read for the same period and scope (snapshots.gather_figures);
    `doubts` the period's 疑点 in the scope as doubtful.find gives them, masked as the report is.
    """
    if snapshot_id is None:
        if period is None:
            raise ValueError(labels.MSG_REPORT_PERIOD_MISSING)
        figures = snapshots.gather_figures(con, period, scope, today, known=known)
        return _with_callbacks(con, _with_supervision(con, assemble(figures, kind, masked)), figures, doubts)
    figures = snapshots.load_figures(con, snapshot_id)
    if period is not None:
        text = period.text if isinstance(period, periods.Period) else str(period).strip()
        wanted = periods.parse_period(text, figures.period.as_of).text if text else figures.period.text
        if wanted != figures.period.text:
            raise ValueError(
                labels.MSG_SNAPSHOT_PERIOD_MISMATCH.format(
                    snapshot_id=snapshot_id, snapshot_period=figures.period.text, period=text
                )
            )
    if scope != ALL and scope != figures.scope:
        raise snapshots.SnapshotNotFound(labels.MSG_SNAPSHOT_NOT_FOUND.format(snapshot_id=snapshot_id))
    return _with_callbacks(con, _with_supervision(con, assemble(figures, kind, masked)), figures)


def _with_supervision(con: duckdb.DuckDBPyConnection, data: ReportData) -> ReportData:
    """The report with its 督办落实情况: items 交办 in the period, as handled by the period's as_of."""
    try:
        frame = supervision_figures.department_figures(con, data.period, data.period.as_of, data.scope, total=True)
    except duckdb.CatalogException:  # a database opened read-only before its upgrade has no items yet
        return data
    data.supervision = None if frame.empty else frame
    return data


def _with_callbacks(
    con: duckdb.DuckDBPyConnection, data: ReportData, figures: snapshots.Figures, doubts: pd.DataFrame | None = None
) -> ReportData:
    """The report with its 回访核查情况: the callback figures of the period by county and department, and the cadres
    behind the period's 疑点 (the figures as the report's, live or frozen; the 疑点 as the data stands now)."""
    try:
        tables = callback_report.tables(con, figures, data.masked, doubts)
    except duckdb.CatalogException:  # a database opened read-only before its upgrade has no callbacks yet
        return data
    # like 督办落实情况, the sheet is there when there is something to say: callbacks or 疑点 in the period
    data.callbacks = tables if any(not frame.empty for frame in tables.values()) else None
    return data


def file_stem(data: ReportData | Headline) -> str:
    """A file name for the report: 全市_2026年第三季度_调度报告 (no characters a file system dislikes)."""
    return _stem(data.kind, data.scope, data.period, data.snapshot)


def snapshot_file_stem(snapshot: snapshots.Snapshot) -> str:
    """The file name of the report of a snapshot's figures, known before the report is made."""
    return _stem(_kind_for(snapshot.period, None), snapshot.scope, snapshot.period, snapshot)


def _stem(kind: str, scope: Scope, period: periods.Period, snapshot: snapshots.Snapshot | None) -> str:
    stem = labels.REPORT_FILE_STEM.format(scope=scope.label, period=period.label, kind=labels.REPORT_KIND_LABELS[kind])
    if snapshot is not None:
        stem += labels.REPORT_FILE_SNAPSHOT.format(snapshot_id=snapshot.snapshot_id)
    return re.sub(r'[\\/:*?"<>|\s]+', "_", stem)
