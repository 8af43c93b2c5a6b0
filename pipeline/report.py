"""季度调度、月报、年度总结: a period's report as a printable workbook, a printable HTML page and a PDF.

`build_report` turns the figures of a period (live, or frozen in a snapshot) into the parts of the
report: headline sentences, county and department rankings with their rank changes, the departments
behind and why, the 督办 figures per department with the effect of last period's reminders, the issue
ledger summary and the best departments. `report_workbook`, `report_html` and `report_pdf` only lay
those parts out; every number in them comes from `ReportData`.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import html
import io
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pipeline import catalog, export, labels, masking, periods, queries, settings, snapshots, svg
from pipeline.callbacks import report as callback_report
from pipeline.queries import ALL, Scope
from pipeline.supervision import figures as supervision_figures

KINDS = ("month", "quarter", "year")
TYPICAL_COUNT = 5  # departments named as 典型
CHART_DEPARTMENTS = 20  # the department chart shows the lowest scores; the table lists them all

# The rates of the headline. A department is 后进 when its 综合得分 is in the red band, as on the department
# page; its reasons are its rates below the amber line (queries.BEHIND_RATES).
HEADLINE_RATES = catalog.shown_in("cards")
# a department's pairs are paired by definition, so 结对覆盖率 is no strength worth naming
STRENGTH_RATES = catalog.shown_in("strength")
# 联系达标率 of a single month equals its 联系覆盖率, so the monthly chart leaves it out
TREND_RATES = catalog.shown_in("trend")
RANKING_COLUMNS = ("rank", "rank_change", "beneficiaries", "paired", *catalog.shown_in("ranking"), "overdue_contact",
                   "issues_overdue", "score")  # fmt: skip
OVERDUE_COLUMNS = ("department", "overdue_contact", "issues_overdue", *snapshots.REMINDER_COLUMNS[1:])
CONTACT_LIST_COLUMNS = ("department", "cadre_name", "cadre_phone", "beneficiary_name", "id_number", "category",
                        "county", "township", "village", "paired_on", "run_started_on", "last_contact_on",
                        "days_since_contact",
                        "days_overdue")  # fmt: skip
ISSUE_LIST_COLUMNS = ("department", "cadre_name", "cadre_phone", "beneficiary_name", "id_number", "county",
                      "township", "issue_no", "raised_on", "issue_category", "issue_level", "status",
                      "responsible_unit", "description", "days_open", "days_overdue")  # fmt: skip
ISSUE_SUMMARY_COLUMNS = ("dimension", "item", *snapshots.ISSUE_SUMMARY_COUNTS, "resolution_rate")
TREND_COLUMNS = ("month", "beneficiaries", "paired", "pairing_rate", "contact_rate", "home_visit_rate",
                 "contacts_per_pair_month", "resolution_rate", "satisfaction_rate", "overdue_contact",
                 "issues_overdue", "score")  # fmt: skip

# Which parts each kind of report carries, in order (月报 is the short one, 年总结 adds the trend).
SECTIONS = {
    "quarter": ("summary", "counties", "departments", "behind", "overdue", "issues", "typical", "contact_list",
                "issue_list"),
    "month": ("summary", "counties", "departments", "behind", "overdue", "contact_list", "issue_list"),
    "year": ("summary", "trend", "counties", "departments", "behind", "overdue", "issues", "typical"),
}  # fmt: skip

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
PDF_TIMEOUT_MS = 60_000


@dataclass
class ReportData:
    """The parts of one report, ready to lay out: every figure and sentence it prints."""

    kind: str
    period: periods.Period
    previous: periods.Period
    scope: Scope
    config: settings.Settings
    masked: bool
    made_at: dt.datetime
    data_batch_id: int | None
    snapshot: snapshots.Snapshot | None
    title: str
    subtitle: str
    summary: pd.DataFrame  # one row per metric: current, previous, change
    sentences: list[str]
    counties: pd.DataFrame
    departments: pd.DataFrame
    unpaired: int  # beneficiaries without an active pairing (not in the department ranking)
    behind: pd.DataFrame
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
        ((float(row[rate]), rate) for rate in STRENGTH_RATES
         if not _missing(row.get(rate)) and settings.rag_band(float(row[rate]), config) == "green"),
        reverse=True,
    )  # fmt: skip
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
    counts = ["overdue_contact", "issues_overdue", *snapshots.REMINDER_COUNTS, "not_contacted_after",
              "still_open_after"]  # fmt: skip
    merged[counts] = merged[counts].fillna(0).astype("int64")
    merged = merged[merged[["overdue_contact", "issues_overdue", "overdue_contacts_before",
                            "overdue_issues_before"]].sum(axis=1) > 0]  # fmt: skip
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


def assemble(figures: snapshots.Figures, kind: str | None = None, masked: bool = True) -> ReportData:
    """Lay the figures of a period out as the parts of a report (no database access)."""
    kind = _kind_for(figures.period, kind)
    config = figures.config
    scope_label = figures.scope.label
    made_at = dt.datetime.now().replace(microsecond=0)
    overall = figures.current["overall"]
    before_overall = figures.before.get("overall")
    now = overall.iloc[0]
    earlier = before_overall.iloc[0] if before_overall is not None and not before_overall.empty else None
    summary = _summary(now, earlier)
    change = dict(zip(summary["metric"], summary["change"], strict=True))
    departments_now = figures.current["department"]
    departments = _ranking(departments_now, figures.before.get("department"), "department")
    counties = _ranking(figures.current["county"], figures.before.get("county"), "county")
    behind = _behind(departments, config)
    data_now = {"now": now, "change": change, "as_of": figures.period.as_of, "period": figures.period}
    sentences = _sentences(data_now, kind, scope_label)
    for extra in (_ranking_sentence(departments, behind, config), _reminder_sentence(figures.reminders, kind)):
        if extra:
            sentences.append(extra)
    unpaired_rows = departments_now[departments_now["department"] == labels.UNPAIRED_LABEL]
    contacts = _mask_list(figures.overdue_contacts, masked)
    issues = _mask_list(figures.overdue_issues, masked)
    return ReportData(
        kind=kind,
        period=figures.period,
        previous=figures.previous,
        scope=figures.scope,
        config=config,
        masked=masked,
        made_at=made_at,
        data_batch_id=figures.data_batch_id,
        snapshot=figures.snapshot,
        title=_title(kind, figures.scope, figures.period),
        subtitle=_subtitle(figures, made_at),
        summary=summary,
        sentences=sentences,
        counties=counties,
        departments=departments,
        unpaired=int(unpaired_rows["beneficiaries"].sum()),
        behind=behind,
        overdue=_overdue_by_department(departments_now, figures.reminders),
        overdue_contacts=contacts.sort_values(
            ["department", "days_overdue"], ascending=[True, False], kind="stable"
        ).reset_index(drop=True)[list(CONTACT_LIST_COLUMNS)],
        overdue_issues=issues.sort_values(
            ["department", "days_overdue"], ascending=[True, False], kind="stable"
        ).reset_index(drop=True)[list(ISSUE_LIST_COLUMNS)],
        issues=_issue_sections(figures.issue_summary),
        typical=_typical(departments, config),
        trend=figures.trend,
        sections=SECTIONS[kind],
    )


def build_report(
    con: duckdb.DuckDBPyConnection,
    period: str | periods.Period | None,
    kind: str | None = None,
    scope: Scope = ALL,
    today: str | dt.date | None = None,
    masked: bool = True,
    snapshot_id: int | None = None,
) -> ReportData:
    """The report of a period (kind from the period unless given), from live data or from a snapshot."""
    if snapshot_id is None:
        if period is None:
            raise ValueError(labels.MSG_REPORT_PERIOD_MISSING)
        figures = snapshots.gather_figures(con, period, scope, today)
        return _with_callbacks(con, _with_supervision(con, assemble(figures, kind, masked)), figures)
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


def _with_callbacks(con: duckdb.DuckDBPyConnection, data: ReportData, figures: snapshots.Figures) -> ReportData:
    """The report with its 回访核查情况: the callback figures of the period by county and department, and the cadres
    behind the period's 疑点 (the figures as the report's, live or frozen; the 疑点 as the data stands now)."""
    try:
        tables = callback_report.tables(con, figures, data.masked)
    except duckdb.CatalogException:  # a database opened read-only before its upgrade has no callbacks yet
        return data
    # like 督办落实情况, the sheet is there when there is something to say: callbacks or 疑点 in the period
    data.callbacks = tables if any(not frame.empty for frame in tables.values()) else None
    return data


# ---------------------------------------------------------------- column headers and number formats


def column_labels() -> dict[str, str]:
    """Chinese headers for every column of the report's tables."""
    return {**export.display_labels(), **labels.REPORT_COLUMN_LABELS}


_PERCENT = "0.0%"
_NUMBER_FORMATS = {
    **{column: _PERCENT for column in queries.RATE_COLUMNS},
    "contact_follow_rate": _PERCENT,
    "issue_close_rate": _PERCENT,
    "score": "0.0",
    "contacts_per_pair_month": "0.00",
    "median_days_to_close": "0.0",
}
_NUMBER_FORMATS.update({c: _PERCENT for c in supervision_figures.RATE_COLUMNS}, avg_days_to_close="0.0")
_RATE_LIKE = {*queries.RATE_COLUMNS, "contact_follow_rate", "issue_close_rate", *supervision_figures.RATE_COLUMNS}
_WRAPPED = {"reasons", "strengths", "description", "sentence"}
_DATE_COLUMNS = {"paired_on", "run_started_on", "last_contact_on", "raised_on", "closed_on"}


def _band_for(column: str, value: object, config: settings.Settings) -> str | None:
    """The RAG band a cell is filled with: rates by their value, the score by its points / 100."""
    if _missing(value):
        return None
    if column in queries.RATE_COLUMNS:
        return settings.rag_band(float(value), config)
    if column == "score":
        return settings.rag_band(float(value) / 100, config)
    return None


# ---------------------------------------------------------------- the workbook


_FILLS = {
    "green": PatternFill("solid", fgColor="DDF1E4"),
    "amber": PatternFill("solid", fgColor="FFEFCC"),
    "red": PatternFill("solid", fgColor="F9D9D7"),
}
_HEADER_FILL = PatternFill("solid", fgColor="DCE3EC")
_THIN = Side(style="thin", color="8A96A3")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_SUBTITLE_FONT = Font(name="宋体", size=9, color="555555")
_HEADER_FONT = Font(name="宋体", size=10, bold=True)
_BODY_FONT = Font(name="宋体", size=10)
_TOTAL_FONT = Font(name="宋体", size=10, bold=True)
_HEADER_ROW = 3


def _display_width(value: object) -> int:
    """Columns as Excel counts them: a Chinese character is two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _excel_value(value: object) -> object:
    if _missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime().date()
    elif isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    return export.neutralize(value)


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")  # a bare & starts a header/footer code


def _print_setup(sheet, data: ReportData, title_rows: str | None) -> None:
    """A4 landscape, one page wide, header row repeated, page numbers in the footer."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = 0.5
    sheet.page_margins.bottom = 0.6
    sheet.page_margins.footer = 0.25
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.left.text = _footer_text(data.title)
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.center.text = labels.REPORT_PAGE_FOOTER
    sheet.oddFooter.center.size = 9
    sheet.oddFooter.right.text = _footer_text(labels.REPORT_META_MADE.format(at=f"{data.made_at:%Y-%m-%d %H:%M}"))
    sheet.oddFooter.right.size = 8


def _heading(sheet, text: str, subtitle: str, width: int) -> None:
    sheet.cell(row=1, column=1, value=export.neutralize(text)).font = _TITLE_FONT
    sheet.cell(row=2, column=1, value=export.neutralize(subtitle)).font = _SUBTITLE_FONT
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(width, 1))
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 30
    sheet.row_dimensions[2].height = 30


def _write_table(
    sheet,
    data: ReportData,
    title: str,
    frame: pd.DataFrame,
    columns: tuple[str, ...] | list[str],
    total: dict | None = None,
    notes: list[str] | None = None,
) -> None:
    """Title, subtitle, a bordered table with Chinese headers, number formats, RAG fills and notes below."""
    names = column_labels()
    columns = list(columns)
    _heading(sheet, title, data.subtitle, len(columns))
    widths = []
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=_HEADER_ROW, column=index, value=names.get(column, column))
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths.append(_display_width(cell.value))
    rows = frame.to_dict("records")
    if total is not None:
        rows.append(total)
    for offset, row in enumerate(rows):
        row_no = _HEADER_ROW + 1 + offset
        is_total = total is not None and offset == len(rows) - 1
        for index, column in enumerate(columns, start=1):
            value = row.get(column)
            cell = sheet.cell(row=row_no, column=index, value=_excel_value(value))
            cell.font = _TOTAL_FONT if is_total else _BODY_FONT
            cell.border = _BORDER
            wrapped = column in _WRAPPED
            cell.alignment = Alignment(vertical="center", wrap_text=wrapped)
            if column in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[column]
            elif column in _DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"
            elif column in ("id_number", "cadre_phone", "issue_no"):
                cell.number_format = "@"
            band = _band_for(column, value, data.config)
            if band:
                cell.fill = _FILLS[band]
            shown = percent_text(value) if column in _RATE_LIKE else cell.value
            if isinstance(shown, dt.date):
                shown = "2026-01-01"  # dates are shown as yyyy-mm-dd
            widths[index - 1] = max(widths[index - 1], min(_display_width(shown), 60))
    for index, column in enumerate(columns, start=1):
        cap = 48 if column in _WRAPPED else 30
        sheet.column_dimensions[get_column_letter(index)].width = max(6, min(cap, widths[index - 1] + 2))
    sheet.row_dimensions[_HEADER_ROW].height = 32
    next_row = _HEADER_ROW + 1 + len(rows) + 1
    for note in notes or []:
        cell = sheet.cell(row=next_row, column=1, value=export.neutralize(note))
        cell.font = _SUBTITLE_FONT
        sheet.merge_cells(start_row=next_row, start_column=1, end_row=next_row, end_column=max(len(columns), 1))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        next_row += 1
    sheet.freeze_panes = sheet.cell(row=_HEADER_ROW + 1, column=1).coordinate
    _print_setup(sheet, data, f"{_HEADER_ROW}:{_HEADER_ROW}")


def _summary_sheet(sheet, data: ReportData, title: str) -> None:
    """The headline sentences, then every metric of the period beside the period before."""
    width = 6
    _heading(sheet, data.title, data.subtitle, width)
    sheet.cell(row=3, column=1, value=title).font = Font(name="黑体", size=12, bold=True)
    row_no = 4
    for sentence in data.sentences:
        cell = sheet.cell(row=row_no, column=1, value=export.neutralize(sentence))
        cell.font = Font(name="仿宋", size=12)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=width)
        # a merged cell does not grow by itself: about 60 characters fit one line across the six columns
        sheet.row_dimensions[row_no].height = 20 * max(1, math.ceil(_display_width(sentence) / 120))
        row_no += 1
    row_no += 1
    headers = [labels.REPORT_COLUMN_LABELS[c] for c in ("metric", "current", "previous", "change", "band")]
    headers[1] = data.period.label
    headers[2] = data.previous.label
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row_no, column=index, value=header)
        cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for record in data.summary.to_dict("records"):
        row_no += 1
        metric = record["metric"]
        band = _band_for(metric, record["current"], data.config)
        values = [
            labels.METRIC_LABELS[metric],
            _excel_value(record["current"]),
            _excel_value(record["previous"]),
            *_change_number(metric, record["change"]),
            labels.RAG_LABELS[band] + labels.RAG_BADGE_SUFFIX if band else None,
        ]
        change_format = values.pop(4)
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_no, column=index, value=export.neutralize(value))
            cell.font, cell.border = _BODY_FONT, _BORDER
            if index in (2, 3) and metric in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[metric]
            if index == 4 and change_format:
                cell.number_format = change_format
            if index in (2, 5) and band:
                cell.fill = _FILLS[band]
            if index > 1:
                cell.alignment = Alignment(horizontal="right")
    for letter, size in zip("ABCDEF", (22, 26, 26, 18, 10, 12), strict=True):
        sheet.column_dimensions[letter].width = size
    sheet.freeze_panes = "A3"
    _print_setup(sheet, data, None)


def _sheet_title(data: ReportData, section: str, number: int) -> str:
    numeral = labels.CHINESE_NUMERALS[number]
    return labels.REPORT_SECTION_HEADING.format(numeral=numeral, title=labels.REPORT_SECTION_TITLES[section])


def _ranking_total(data: ReportData, key: str) -> dict:
    overall = data.summary.set_index("metric")["current"].to_dict()
    return {**overall, key: data.scope.label, "rank": None, "rank_change": None}


def report_workbook(data: ReportData) -> bytes:
    """The report as a workbook formatted for printing: one sheet per part, A4 landscape, page numbers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = data.title
    workbook.properties.creator = labels.APP_TITLE
    for number, section in enumerate(data.sections, start=1):
        sheet = workbook.create_sheet(labels.REPORT_SHEET_NAMES[section])
        title = _sheet_title(data, section, number)
        if section == "summary":
            _summary_sheet(sheet, data, title)
        elif section == "trend":
            _write_table(sheet, data, title, data.trend, TREND_COLUMNS)
        elif section == "counties":
            _write_table(sheet, data, title, data.counties, ("rank", "rank_change", "county", *RANKING_COLUMNS[2:]),
                         total=_ranking_total(data, "county"), notes=_ranking_notes(data))  # fmt: skip
        elif section == "departments":
            notes = _ranking_notes(data)
            if data.unpaired:
                notes.append(labels.REPORT_UNPAIRED_NOTE.format(count=data.unpaired))
            _write_table(sheet, data, title, data.departments,
                         ("rank", "rank_change", "department", *RANKING_COLUMNS[2:]), notes=notes)  # fmt: skip
        elif section == "behind":
            _write_table(sheet, data, title, data.behind, data.behind.columns.tolist(), notes=[_behind_note(data)])
        elif section == "overdue":
            _write_table(sheet, data, title, data.overdue, OVERDUE_COLUMNS, total=_overdue_total(data),
                         notes=[_overdue_note(data)])  # fmt: skip
        elif section == "issues":
            _write_table(sheet, data, title, data.issues, ISSUE_SUMMARY_COLUMNS)
        elif section == "typical":
            _write_table(sheet, data, title, data.typical, data.typical.columns.tolist(), notes=[_typical_note(data)])
        elif section == "contact_list":
            _write_table(sheet, data, title, data.overdue_contacts, CONTACT_LIST_COLUMNS, notes=[_mask_note(data)])
        elif section == "issue_list":
            _write_table(sheet, data, title, data.overdue_issues, ISSUE_LIST_COLUMNS, notes=[_mask_note(data)])
    if data.supervision is not None:
        title = labels.SV_REPORT_HEADING.format(period=data.period.label)
        _write_table(workbook.create_sheet(labels.SV_REPORT_SHEET), data, title, data.supervision,
                     supervision_figures.COLUMNS, notes=[_supervision_note(data)])  # fmt: skip
    if data.callbacks is not None:
        _callback_sheet(workbook.create_sheet(labels.CB_REPORT_SHEET), data)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _callback_sheet(sheet, data: ReportData) -> None:
    """回访核查情况: the figures by county (its header on row 3, like every sheet's), then by department, then the
    doubtful cadres, one block under another."""
    tables = data.callbacks
    _heading(sheet, labels.CB_REPORT_HEADING.format(period=data.period.label), data.subtitle, 8)
    names = column_labels()
    row_no = _HEADER_ROW
    widths: dict[int, int] = {}
    blocks = (
        (None, tables["county"], labels.CB_REPORT_NONE),
        (labels.CB_REPORT_BY_DEPARTMENT, tables["department"], labels.CB_REPORT_NONE),
        (labels.CB_REPORT_DOUBTFUL, tables["doubtful"], labels.CB_REPORT_NO_DOUBTS),
    )
    for title, frame, empty in blocks:
        if title is not None:
            sheet.cell(row=row_no, column=1, value=title).font = _HEADER_FONT
            row_no += 1
        for index, column in enumerate(frame.columns, start=1):
            cell = sheet.cell(row=row_no, column=index, value=names.get(column, column))
            cell.font, cell.fill, cell.border = _HEADER_FONT, _HEADER_FILL, _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            widths[index] = max(widths.get(index, 0), _display_width(cell.value))
        if frame.empty:
            row_no += 1
            sheet.cell(row=row_no, column=1, value=empty).font = _BODY_FONT
        for values in frame.itertuples(index=False):
            row_no += 1
            for index, (column, value) in enumerate(zip(frame.columns, values, strict=True), start=1):
                cell = sheet.cell(row=row_no, column=index, value=_excel_value(value))
                cell.font, cell.border = _BODY_FONT, _BORDER
                if column in queries.RATE_COLUMNS:
                    cell.number_format = _PERCENT
                if column in ("doubt_reasons", "doubt_rules"):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[index] = max(widths.get(index, 0), min(_display_width(cell.value), 60))
        row_no += 2
    note = sheet.cell(row=row_no, column=1, value=export.neutralize(labels.CB_REPORT_NOTE))
    note.font = _SUBTITLE_FONT
    note.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=8)
    sheet.row_dimensions[row_no].height = 45
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(60, width + 2))
    sheet.freeze_panes = sheet.cell(row=_HEADER_ROW + 1, column=1).coordinate
    _print_setup(sheet, data, f"{_HEADER_ROW}:{_HEADER_ROW}")


def _supervision_note(data: ReportData) -> str:
    return labels.SV_REPORT_NOTE.format(as_of=date_text(data.period.as_of))


def _ranking_notes(data: ReportData) -> list[str]:
    config = data.config
    return [
        labels.REPORT_RANKING_NOTE.format(previous=data.previous.label),
        labels.REPORT_RAG_NOTE.format(green=threshold_text(config.rag_green), amber=threshold_text(config.rag_amber)),
    ]


def _behind_note(data: ReportData) -> str:
    threshold = score_threshold_text(data.config.rag_amber)
    if data.behind.empty:
        return labels.REPORT_NONE_BEHIND.format(threshold=threshold)
    return labels.REPORT_BEHIND_NOTE.format(threshold=threshold, rate=threshold_text(data.config.rag_amber))


def _typical_note(data: ReportData) -> str:
    if data.typical.empty:
        return labels.REPORT_NO_TYPICAL
    return labels.REPORT_TYPICAL_NOTE.format(count=TYPICAL_COUNT, green=threshold_text(data.config.rag_green))


def _overdue_note(data: ReportData) -> str:
    return labels.REPORT_OVERDUE_NOTE.format(
        days=data.config.overdue_days,
        previous_end=date_text(snapshots.reminder_period(data.period).as_of),
        as_of=date_text(data.period.as_of),
    )


def _mask_note(data: ReportData) -> str:
    return labels.REPORT_MASKED_NOTE if data.masked else labels.REPORT_UNMASKED_NOTE


def _overdue_total(data: ReportData) -> dict:
    frame = data.overdue
    counts = [c for c in OVERDUE_COLUMNS if c not in ("department", "contact_follow_rate", "issue_close_rate")]
    total = {"department": labels.REPORT_TOTAL, **{c: int(frame[c].sum()) for c in counts}}
    contacts_before, issues_before = total["overdue_contacts_before"], total["overdue_issues_before"]
    total["contact_follow_rate"] = total["contacted_after"] / contacts_before if contacts_before else None
    total["issue_close_rate"] = total["closed_after"] / issues_before if issues_before else None
    return total


# ---------------------------------------------------------------- charts and the HTML page

_RAG_COLOURS = svg.RAG_COLOURS


def score_chart(frame: pd.DataFrame, key: str, config: settings.Settings, title: str) -> str:
    """Horizontal bars of 综合得分, highest at the top, coloured by RAG band, with the amber line (SVG)."""
    ranked = frame.dropna(subset=["score"]).sort_values(["score", key], ascending=[False, True])
    bars = [
        svg.Bar(str(name), float(score), f"{score:.1f}", _RAG_COLOURS[_score_band(score, config)])
        for name, score in zip(ranked[key], ranked["score"], strict=True)
    ]
    return svg.bar_chart(
        title, bars, maximum=100, axis_title=labels.METRIC_LABELS["score"], reference=config.rag_amber * 100
    )


def trend_chart(frame: pd.DataFrame, title: str, running: str | None = None) -> str:
    """One line per rate over the months of the period (SVG); the running month, if any, marked 进行中."""
    months = [str(m) for m in frame["month"]]
    series = [
        (labels.METRIC_LABELS[rate], [None if _missing(v) else float(v) for v in frame[rate]]) for rate in TREND_RATES
    ]
    notes = [labels.TREND_RUNNING_MONTH if month == running else "" for month in months]
    return svg.line_chart(title, months, series, notes=notes)


def issue_chart(frame: pd.DataFrame, title: str) -> str:
    """Issues by category: resolved, still open on as_of, and overdue (SVG)."""
    rows = frame[frame["dimension"] == labels.REPORT_BY_CATEGORY]
    names = column_labels()
    series = [(names[c], [float(v) for v in rows[c]]) for c in ("issues_resolved", "issues_open", "issues_overdue")]
    return svg.grouped_bars(title, [str(item) for item in rows["item"]], series, axis_title=labels.REPORT_COUNT_AXIS)


def report_charts(data: ReportData) -> list[tuple[str, str]]:
    """The charts of the HTML report (SVG), each with the section it belongs to."""
    charts = []
    running = data.period.as_of.strftime("%Y-%m") if data.period.as_of != data.period.end else None
    if "trend" in data.sections:
        charts.append(("trend", trend_chart(data.trend, labels.REPORT_CHART_TREND, running)))
    elif len(data.trend) > 1:  # a quarter: its three months under the summary
        charts.append(("summary", trend_chart(data.trend, labels.REPORT_CHART_TREND, running)))
    if not data.counties.empty:
        charts.append(("counties", score_chart(data.counties, "county", data.config, labels.REPORT_CHART_COUNTIES)))
    ranked = data.departments.dropna(subset=["score"])
    if not ranked.empty:
        if len(ranked) > CHART_DEPARTMENTS:
            shown = ranked.tail(CHART_DEPARTMENTS)
            title = labels.REPORT_CHART_DEPARTMENTS_LOWEST.format(count=CHART_DEPARTMENTS)
        else:
            shown, title = ranked, labels.REPORT_CHART_DEPARTMENTS
        charts.append(("departments", score_chart(shown, "department", data.config, title)))
    if "issues" in data.sections and data.issues["issues_total"].iloc[-1] > 0:
        charts.append(("issues", issue_chart(data.issues, labels.REPORT_CHART_ISSUES)))
    return charts


_CSS = """
@page { size: A4 landscape; margin: 12mm 10mm 14mm 10mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "SimSun", "Songti SC", serif; color: #1f2328;
       font-size: 10.5pt; margin: 0 auto; max-width: 1060px; padding: 8px; -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
h1 { text-align: center; font-size: 20pt; margin: 8px 0 4px; letter-spacing: 1px; }
.meta { text-align: center; color: #57606a; font-size: 8.5pt; margin-bottom: 14px; }
h2 { font-family: "Noto Sans CJK SC", "SimHei", sans-serif; font-size: 13.5pt; margin: 18px 0 8px;
     border-left: 5px solid #b4232a; padding-left: 8px; break-after: avoid; page-break-after: avoid; }
section.part { break-before: page; page-break-before: always; }
section.part:first-of-type { break-before: auto; page-break-before: auto; }
p.lead { font-size: 12pt; line-height: 1.9; text-indent: 2em; margin: 0 0 4px; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 6px 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th { background: #dce3ec; font-family: "Noto Sans CJK SC", sans-serif; font-weight: 600; }
th, td { border: 1px solid #8a96a3; padding: 3px 5px; vertical-align: middle; }
td.num { text-align: right; white-space: nowrap; }
td.text { text-align: left; }
tr.total td { font-weight: 700; background: #f3f5f8; }
td.green { background: #ddf1e4; } td.amber { background: #ffefcc; } td.red { background: #f9d9d7; }
.note { color: #57606a; font-size: 8.5pt; margin: 4px 0; }
.chart { break-inside: avoid; page-break-inside: avoid; margin: 8px 0; }
"""


def _html_value(column: str, value: object) -> tuple[str, str]:
    """The text of a table cell and its CSS class (alignment and RAG band)."""
    if _missing(value):
        return labels.NO_VALUE, "num"
    if column in _RATE_LIKE:
        return percent_text(value), "num"
    if column == "score":
        return f"{float(value):.1f}", "num"
    if column == "contacts_per_pair_month":
        return f"{float(value):.2f}", "num"
    if column == "median_days_to_close":
        return f"{float(value):g}", "num"
    if isinstance(value, (pd.Timestamp, dt.date)):
        return f"{pd.Timestamp(value):%Y-%m-%d}", "num"
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        number = value.item() if hasattr(value, "item") else value
        return (str(int(number)) if float(number).is_integer() else f"{number:g}"), "num"
    return str(value), "text"


def _html_table(
    data: ReportData, frame: pd.DataFrame, columns: tuple[str, ...] | list[str], total: dict | None = None
) -> str:
    if frame.empty and total is None:
        return ""  # the note under it says why there is nothing to list
    names = column_labels()
    head = "".join(f"<th>{html.escape(names.get(c, c))}</th>" for c in columns)
    rows = frame.to_dict("records")
    body = []
    for index, row in enumerate([*rows, *([total] if total else [])]):
        cells = []
        is_total = total is not None and index == len(rows)
        for column in columns:
            text, css = _html_value(column, row.get(column))
            if is_total and _missing(row.get(column)):
                text = ""  # the total row has no rank
            band = _band_for(column, row.get(column), data.config)
            classes = f"{css} {band}" if band else css
            cells.append(f'<td class="{classes}">{html.escape(text)}</td>')
        row_class = ' class="total"' if is_total else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _html_notes(notes: list[str]) -> str:
    return "".join(f'<p class="note">{html.escape(note)}</p>' for note in notes)


def _summary_html(data: ReportData) -> str:
    paragraphs = "".join(f'<p class="lead">{html.escape(s)}</p>' for s in data.sentences)
    rows = []
    for record in data.summary.to_dict("records"):
        metric = record["metric"]
        now, _ = _html_value(metric, record["current"])
        before, _ = _html_value(metric, record["previous"])
        band = _band_for(metric, record["current"], data.config)
        badge = labels.RAG_LABELS[band] + labels.RAG_BADGE_SUFFIX if band else ""
        rows.append(
            f'<tr><td class="text">{html.escape(labels.METRIC_LABELS[metric])}</td>'
            f'<td class="num {band or ""}">{html.escape(now)}</td><td class="num">{html.escape(before)}</td>'
            f'<td class="num">{html.escape(_change_cell(metric, record["change"]))}</td>'
            f'<td class="num {band or ""}">{html.escape(badge)}</td></tr>'
        )
    names = labels.REPORT_COLUMN_LABELS
    head = (
        f"<th>{names['metric']}</th><th>{html.escape(data.period.label)}</th>"
        f"<th>{html.escape(data.previous.label)}</th><th>{names['change']}</th><th>{names['band']}</th>"
    )
    return f"{paragraphs}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _section_html(data: ReportData, section: str) -> str:
    if section == "summary":
        return _summary_html(data)
    if section == "trend":
        return _html_table(data, data.trend, TREND_COLUMNS)
    if section == "counties":
        columns = ("rank", "rank_change", "county", *RANKING_COLUMNS[2:])
        return _html_table(data, data.counties, columns, _ranking_total(data, "county")) + _html_notes(
            _ranking_notes(data)
        )
    if section == "departments":
        notes = _ranking_notes(data)
        if data.unpaired:
            notes.append(labels.REPORT_UNPAIRED_NOTE.format(count=data.unpaired))
        columns = ("rank", "rank_change", "department", *RANKING_COLUMNS[2:])
        return _html_table(data, data.departments, columns) + _html_notes(notes)
    if section == "behind":
        return _html_table(data, data.behind, data.behind.columns.tolist()) + _html_notes([_behind_note(data)])
    if section == "overdue":
        table = _html_table(data, data.overdue, OVERDUE_COLUMNS, _overdue_total(data))
        return table + _html_notes([_overdue_note(data), labels.REPORT_LISTS_IN_WORKBOOK])
    if section == "issues":
        return _html_table(data, data.issues, ISSUE_SUMMARY_COLUMNS)
    if section == "typical":
        return _html_table(data, data.typical, data.typical.columns.tolist()) + _html_notes([_typical_note(data)])
    return ""


def report_html(data: ReportData) -> str:
    """The report as one printable HTML page with its charts drawn inline as SVG (no script, opens offline)."""
    charts: dict[str, list[str]] = {}
    for section, drawing in report_charts(data):
        charts.setdefault(section, []).append(f'<div class="chart">{drawing}</div>')
    parts = []
    number = 0
    for section in data.sections:
        if section in ("contact_list", "issue_list"):
            continue  # the named lists are long: they go in the workbook only
        number += 1
        heading = labels.REPORT_SECTION_HEADING.format(
            numeral=labels.CHINESE_NUMERALS[number], title=labels.REPORT_SECTION_TITLES[section]
        )
        body = _section_html(data, section) + "".join(charts.get(section, []))
        parts.append(f'<section class="part"><h2>{html.escape(heading)}</h2>{body}</section>')
    if data.supervision is not None:
        heading = labels.REPORT_SECTION_HEADING.format(
            numeral=labels.CHINESE_NUMERALS[number + 1], title=labels.SV_REPORT_SHEET
        )
        body = _html_table(data, data.supervision, supervision_figures.COLUMNS) + _html_notes([_supervision_note(data)])
        parts.append(f'<section class="part"><h2>{html.escape(heading)}</h2>{body}</section>')
    title = html.escape(data.title)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>"
        f'<h1>{title}</h1><p class="meta">{html.escape(data.subtitle)}</p>'
        f"{''.join(parts)}</body></html>\n"
    )


# ---------------------------------------------------------------- PDF through headless Chromium


def chromium_candidate() -> Path:
    """Where the Chromium that renders PDFs is looked for: $GUANAI_CHROMIUM, else /usr/bin/chromium."""
    configured = os.environ.get("GUANAI_CHROMIUM")
    return Path(configured) if configured else CHROMIUM


def chromium_path() -> Path | None:
    """That Chromium when it is there and executable, else None."""
    candidate = chromium_candidate()
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


def pdf_available() -> bool:
    """True when a PDF can be rendered here (Chromium and the playwright package are both present)."""
    if chromium_path() is None:
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


_PDF_FOOTER = (
    '<div style="width:100%;text-align:center;font-size:8pt;color:#57606a;'
    'font-family:Noto Sans CJK SC,sans-serif;">{text}</div>'
)


def _render_pdf(html_text: str, executable: Path, landscape: bool = True) -> bytes:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_content(html_text, wait_until="load", timeout=PDF_TIMEOUT_MS)
            page.evaluate("document.fonts.ready.then(() => true)")
            return page.pdf(
                format="A4",
                landscape=landscape,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=_PDF_FOOTER.format(
                    text=labels.REPORT_PDF_PAGE.format(
                        page='<span class="pageNumber"></span>', pages='<span class="totalPages"></span>'
                    )
                ),
                margin={"top": "12mm", "bottom": "14mm", "left": "10mm", "right": "10mm"},
            )
        finally:
            browser.close()


def report_pdf(html_text: str, landscape: bool = True) -> bytes | None:
    """HTML printed to A4 PDF (landscape unless asked) by headless Chromium; None when Chromium is not here."""
    executable = chromium_path()
    if executable is None or not pdf_available():
        return None
    # Playwright's sync API refuses to run inside an asyncio loop (Streamlit's, for one): a thread has none
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_render_pdf, html_text, executable, landscape).result()


def file_stem(data: ReportData) -> str:
    """A file name for the report: 全市_2026年第三季度_调度报告 (no characters a file system dislikes)."""
    kind = labels.REPORT_KIND_LABELS[data.kind]
    stem = labels.REPORT_FILE_STEM.format(scope=data.scope.label, period=data.period.label, kind=kind)
    if data.snapshot is not None:
        stem += labels.REPORT_FILE_SNAPSHOT.format(snapshot_id=data.snapshot.snapshot_id)
    return re.sub(r'[\\/:*?"<>|\s]+', "_", stem)
