"""The metric catalog: every figure of SPEC §5 declared once, and everything that lists metrics derived from it.

A metric is a name (the column of the CLI and of queries.metrics), its Chinese label, its kind, how it is
made (a count comes from the SQL models, sql/marts/mart_metrics.sql; a rate is numerator ÷ denominator of
two counts; the score is the weighted mean of the rates that carry a default weight), which rows stand
behind a cell of it (the drill-down), and where it is shown. The query column lists, the labels, the score's
weights and their renormalisation, the settings page, the report's and pages' lists and the table of
docs/metrics.md (checked by tests/test_metrics_docs.py) all come from here.

Adding a metric: a Metric below, the SQL that counts it (a column of mart_metrics), its test, its line in
docs/metrics.md (printed by `python -m pipeline.catalog`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and pandas load when figures are derived, not when labels read the catalog
    import pandas as pd

# Where a metric is shown, besides the CLI, queries.metrics, drill-down and the full tables of the
# 县区 and 单位 pages (every public metric is there):
#   cards      a KPI card on 全市总览 and in the report's headline
#   ranking    a rate of the ranking charts (overview, 县区) and of the ranking tables (单位, report); the first
#              one shown by default is RANKING_DEFAULT
#   trend      a line of the monthly trend (a single month's 联系达标率 equals its 联系覆盖率: left out)
#   strength   named among a unit's strengths in the report's text
#   behind     named among the reasons a unit is behind (below the amber band)
PLACES = ("cards", "ranking", "trend", "strength", "behind")
RANKING_DEFAULT = "on_standard_rate"

KINDS = ("count", "rate", "per_pair_month", "days", "score")


@dataclass(frozen=True)
class Metric:
    """One figure: how it is named, made, traced and shown."""

    name: str
    label: str  # Chinese, as every page, report and download shows it
    kind: str  # one of KINDS
    definition: str  # the rule in Chinese / English, for docs/metrics.md
    english: str = ""
    numerator: str | None = None  # a rate: numerator ÷ denominator (two counts); empty when the denominator is 0
    denominator: str | None = None
    drill: tuple[str, str | None] = ("beneficiaries", None)  # row kind, flag a row carries (queries.drill_rows)
    weight: float | None = None  # the default weight in 综合得分 (None: not part of the score)
    shown: frozenset[str] = frozenset()
    public: bool = True  # False: a count the rates need but no table shows (rated, satisfied, …)


def _places(*names: str) -> frozenset[str]:
    unknown = set(names) - set(PLACES)
    if unknown:
        raise ValueError(f"unknown places: {sorted(unknown)}")
    return frozenset(names)


BENEFICIARIES = ("beneficiaries", None)
PAIRED_ROWS = ("beneficiaries", "is_paired")

CATALOG: tuple[Metric, ...] = (
    Metric(
        "beneficiaries",
        "在册对象数",
        "count",
        "期末在册的对象 / people in the programme on as_of",
        "beneficiaries",
        drill=BENEFICIARIES,
    ),
    Metric(
        "paired",
        "已结对数",
        "count",
        "其中期末有有效结对的 / of those, with a pairing active on as_of",
        "paired",
        drill=PAIRED_ROWS,
    ),
    Metric(
        "pairing_rate",
        "结对覆盖率",
        "rate",
        "paired ÷ beneficiaries",
        "pairing coverage",
        numerator="paired",
        denominator="beneficiaries",
        drill=BENEFICIARIES,
        weight=0.2,
        shown=_places("cards", "ranking", "behind"),
    ),
    Metric(
        "contacted",
        "已联系数",
        "count",
        "已结对对象中，期内有至少 1 次联系（任何方式）的 / paired people with at least one contact dated in P",
        "contacted",
        drill=("beneficiaries", "is_contacted"),
    ),
    Metric(
        "contact_rate",
        "联系覆盖率",
        "rate",
        "contacted ÷ paired",
        "contact coverage",
        numerator="contacted",
        denominator="paired",
        drill=PAIRED_ROWS,
        shown=_places("cards", "ranking", "trend", "strength", "behind"),
    ),
    Metric(
        "home_visited",
        "已入户数",
        "count",
        "已结对对象中，期内有入户走访或邀请到家的 / paired people with a home visit or a visit to the cadre's "
        "home in P",
        "home-visited",
        drill=("beneficiaries", "is_home_visited"),
    ),
    Metric(
        "home_visit_rate",
        "入户覆盖率",
        "rate",
        "home_visited ÷ paired",
        "home-visit coverage",
        numerator="home_visited",
        denominator="paired",
        drill=PAIRED_ROWS,
        weight=0.2,
        shown=_places("cards", "ranking", "trend", "strength", "behind"),
    ),
    Metric(
        "contacts",
        "联系次数",
        "count",
        "已结对对象期内的联系记录条数 / contacts dated in P of paired people",
        "contacts",
        drill=("contacts", None),
    ),
    Metric(
        "contacts_per_pair_month",
        "月均联系频次",
        "per_pair_month",
        "contacts ÷ paired ÷ 期内月数 months in P",
        "contacts per pair per month",
        numerator="contacts",
        denominator="paired",
        drill=("contacts", None),
    ),
    Metric(
        "standard_due",
        "应达标数",
        "count",
        "已结对对象中，至少有一个“应联系月”的：期内涉及、到期末已经结束、且不早于本轮连续结对开始所在月的自然月。"
        "未结束的月份从不要求：12 月 6 日查看本季度，只要求 10、11 月 / paired people with at least one required "
        "month: a calendar month that P touches, that has ended by as_of, and that is not before the month the "
        "current pairing run began",
        "due for the standard",
        drill=("beneficiaries", "is_standard_due"),
    ),
    Metric(
        "on_standard",
        "联系达标数",
        "count",
        "应达标对象中，每个应联系月都有联系的 / of standard_due, those with a contact dated in P in each of "
        "their required months",
        "on standard",
        drill=("beneficiaries", "is_on_standard"),
    ),
    Metric(
        "on_standard_rate",
        "联系达标率",
        "rate",
        "on_standard ÷ standard_due；没有任何人有应联系月时（进行中的月份、同一个月内的日期范围）为空，"
        "页面说明原因 / "
        "empty when nobody has a required month yet",
        "on-standard rate",
        numerator="on_standard",
        denominator="standard_due",
        drill=("beneficiaries", "is_standard_due"),
        weight=0.3,
        shown=_places("cards", "ranking", "strength", "behind"),
    ),
    Metric(
        "overdue_contact",
        "超期未联系数",
        "count",
        "已结对对象中，期末前最后一次联系距期末超过 30 天的；从未联系过的，本轮连续结对开始日距期末超过 30 天的 / "
        "paired people whose last contact on or before as_of is more than 30 days old, or, never contacted, "
        "whose current pairing run began more than 30 days before as_of",
        "overdue contact",
        drill=("overdue_contacts", None),
    ),
    Metric(
        "issues_new",
        "本期新增问题",
        "count",
        "提出日期在期内的问题 / issues raised in P",
        "new issues",
        drill=("issues", "is_new"),
    ),
    Metric(
        "issues_total",
        "累计问题",
        "count",
        "提出日期 ≤ 期末的问题 / issues raised on or before as_of",
        "issues to date",
        drill=("issues", None),
    ),
    Metric(
        "issues_resolved",
        "累计已解决",
        "count",
        "累计问题中，状态为“已解决”且办结日期 ≤ 期末的 / of those, status 已解决 with 办结日期 on or before as_of",
        "resolved to date",
        drill=("issues", "is_resolved"),
    ),
    Metric(
        "resolution_rate",
        "问题解决率",
        "rate",
        "issues_resolved ÷ issues_total",
        "resolution rate",
        numerator="issues_resolved",
        denominator="issues_total",
        drill=("issues", None),
        weight=0.2,
        shown=_places("cards", "ranking", "trend", "strength", "behind"),
    ),
    Metric(
        "issues_closed_in_p",
        "本期办结",
        "count",
        "办结日期在期内、状态为已解决或无法解决的问题 / issues closed (已解决 or 无法解决) with 办结日期 in P",
        "closed in P",
        drill=("issues", "is_closed_in_period"),
    ),
    Metric(
        "median_days_to_close",
        "办结天数中位数",
        "days",
        "本期办结问题的（办结日期 − 提出日期）天数的中位数 / median of (办结日期 − 提出日期) over issues_closed_in_p",
        "median days to close",
        drill=("issues", "is_closed_in_period"),
    ),
    Metric(
        "issues_overdue",
        "超期未办结",
        "count",
        "累计问题中，期末尚未办结（没有 ≤ 期末的办结日期）且提出日期距期末超过 30 天的 / issues to date not closed "
        "by as_of and raised more than 30 days before it",
        "overdue issues",
        drill=("overdue_issues", None),
    ),
    Metric(
        "satisfaction_rate",
        "群众满意率",
        "rate",
        "（满意 + 基本满意）÷ 有评价的条数，范围是计入“联系次数”的联系记录和计入“本期办结”的问题中带评价的 / "
        "(满意 + 基本满意) ÷ rated, over the contacts counted in `contacts` and the issues counted in "
        "`issues_closed_in_p` that carry a rating",
        "satisfaction rate",
        numerator="satisfied",
        denominator="rated",
        drill=("ratings", None),
        weight=0.1,
        shown=_places("cards", "ranking", "trend", "strength", "behind"),
    ),
    Metric(
        "score",
        "综合得分",
        "score",
        "100 × 加权平均：结对覆盖率 0.2、联系达标率 0.3、入户覆盖率 0.2、问题解决率 0.2、群众满意率 0.1；为空的比率"
        "不参与，其余权重按比例放大 / 100 × weighted mean of the five rates; an empty rate drops out and the "
        "other weights are renormalised",
        "overall score",
        drill=BENEFICIARIES,
    ),
    Metric(
        "festival_contacted",
        "节日关爱数",
        "count",
        "已结对对象中，期内在其节日窗口内有联系的：春节（腊月廿三至正月十五）、端午节与中秋节（当天前后 3 天），孤儿和"
        "事实无人抚养儿童另有六一儿童节（5-29 至 6-03），困难重度残疾人另有全国助残日（五月第三个星期日前后 3 天）；"
        "节日日期由农历计算，窗口可在设置中调整 / paired people with a contact dated in P inside one of their "
        "festival windows",
        "festival care",
        drill=("beneficiaries", "is_festival_contacted"),
    ),
    Metric(
        "festival_contact_rate",
        "节日关爱率",
        "rate",
        "festival_contacted ÷ 已结对且至少有一个节日窗口与本期相交的对象（没有这样的对象时为空） / ÷ paired people "
        "for whom at least one of their festival windows overlaps P",
        "festival care rate",
        numerator="festival_contacted",
        denominator="festival_due",
        drill=("beneficiaries", "is_festival_due"),
        shown=_places("ranking"),
    ),
    Metric(
        "leader_child_pairing_rate",
        "爱心爸妈结对率",
        "rate",
        "已结对的孤儿和事实无人抚养儿童中，结对干部职级为领导干部（默认市级领导、县级领导，可在设置中调整）的比例 / "
        "of paired orphans and de-facto unsupported children, the share whose active cadre is at a leading level",
        "leading-cadre pairing of children",
        numerator="children_led",
        denominator="children_paired",
        drill=("beneficiaries", "is_child_paired"),
        shown=_places("ranking"),
    ),
    Metric(
        "callbacks",
        "回访数",
        "count",
        "期内回访日期的回访记录条数（回访对象期末在册，按其分组） / callbacks dated in P of people in the programme "
        "on as_of",
        "callbacks",
        drill=("callbacks", None),
    ),
    Metric(
        "callback_reach_rate",
        "接通率",
        "rate",
        "接通 ÷ 回访数 / reached ÷ callbacks",
        "callback reach rate",
        numerator="callbacks_reached",
        denominator="callbacks",
        drill=("callbacks", None),
    ),
    Metric(
        "callback_know_rate",
        "认识率",
        "rate",
        "认识结对干部（是）÷（是 + 否） / knows the cadre ÷ answered yes or no",
        "knows-the-cadre rate",
        numerator="callbacks_knowing",
        denominator="callbacks_know_answered",
        drill=("callbacks", None),
    ),
    Metric(
        "callback_truth_rate",
        "联系属实率",
        "rate",
        "近期联系属实 ÷（属实 + 不属实），“记不清”不计；可在设置中给它综合得分权重（默认 0） / true ÷ (true + untrue); "
        "its weight in the score is 0 unless the office sets one",
        "contact truth rate",
        numerator="callbacks_true",
        denominator="callbacks_truth_answered",
        drill=("callbacks", None),
        weight=0.0,
    ),
    Metric(
        "callback_satisfaction_rate",
        "回访满意率",
        "rate",
        "（满意 + 基本满意）÷ 回访中有满意度回答的 / satisfied ÷ rated, over the callbacks",
        "callback satisfaction rate",
        numerator="callbacks_satisfied",
        denominator="callbacks_rated",
        drill=("callbacks", None),
    ),
    # counts the rates need that no table shows
    Metric("rated", "有评价数", "count", "", public=False),
    Metric("satisfied", "满意数", "count", "", public=False),
    Metric("festival_due", "节日关爱应覆盖数", "count", "", public=False),
    Metric("children_paired", "已结对儿童数", "count", "", public=False),
    Metric("children_led", "领导干部结对儿童数", "count", "", public=False),
    Metric("callbacks_reached", "回访接通数", "count", "", public=False),
    Metric("callbacks_knowing", "认识结对干部数", "count", "", public=False),
    Metric("callbacks_know_answered", "回答是否认识数", "count", "", public=False),
    Metric("callbacks_true", "联系属实数", "count", "", public=False),
    Metric("callbacks_truth_answered", "回答是否属实数", "count", "", public=False),
    Metric("callbacks_rated", "回访有满意度数", "count", "", public=False),
    Metric("callbacks_satisfied", "回访满意数", "count", "", public=False),
)

BY_NAME: dict[str, Metric] = {metric.name: metric for metric in CATALOG}
if len(BY_NAME) != len(CATALOG):
    raise ValueError("a metric is declared twice")

# ---------------------------------------------------------------- derived lists

METRIC_COLUMNS: tuple[str, ...] = tuple(m.name for m in CATALOG if m.public)
# counts (public or not) as mart_metrics computes them, and the median: what is stored for a period
COMPUTED_COLUMNS: tuple[str, ...] = tuple(m.name for m in CATALOG if m.kind in ("count", "days"))
FRACTIONAL_COLUMNS: tuple[str, ...] = tuple(m.name for m in CATALOG if m.public and m.kind != "count")
RATE_COLUMNS: tuple[str, ...] = tuple(m.name for m in CATALOG if m.public and m.kind == "rate")
SCORE_RATES: tuple[str, ...] = tuple(m.name for m in CATALOG if m.weight is not None)
DEFAULT_WEIGHTS: dict[str, float] = {m.name: m.weight for m in CATALOG if m.weight is not None}
DRILL_ROWS: dict[str, tuple[str, str | None]] = {m.name: m.drill for m in CATALOG if m.public}
LABELS: dict[str, str] = {m.name: m.label for m in CATALOG if m.public}


def shown_in(place: str) -> tuple[str, ...]:
    """The public metrics shown in one place (see PLACES), in catalog order."""
    if place not in PLACES:
        raise ValueError(place)
    return tuple(m.name for m in CATALOG if m.public and place in m.shown)


def dtypes(columns: Iterable[str] = METRIC_COLUMNS) -> dict[str, str]:
    """The pandas dtype of each metric column: counts are integers, everything else a float."""
    return {name: "int64" if BY_NAME[name].kind == "count" else "float64" for name in columns}


def _ratio(numerator, denominator):
    """numerator ÷ denominator as floats, empty (NaN) where the denominator is 0 (NumPy arrays)."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator != 0, numerator / denominator, np.nan)


def derive(frame: pd.DataFrame, months, weights: Mapping[str, float]) -> pd.DataFrame:
    """The rows of counts (mart_metrics or stored rows) with the rates, 月均联系频次 and 综合得分 added.

    `months` is the divisor of 月均联系频次 per row (an array, or one number for all rows); `weights` the score's
    weight of each rate in SCORE_RATES (settings). A rate with a zero denominator is empty and drops out of the
    score, whose weights are renormalised over the rates that exist. The derived columns are computed as arrays
    and joined to the counts at once (a province's quarter has 207,000 rows).
    """
    import numpy as np
    import pandas as pd

    def counts(name: str):
        return frame[name].to_numpy("float64")

    derived = {}
    for metric in CATALOG:
        if metric.kind == "rate":
            derived[metric.name] = _ratio(counts(metric.numerator), counts(metric.denominator))
        elif metric.kind == "per_pair_month":
            derived[metric.name] = _ratio(counts(metric.numerator), counts(metric.denominator)) / months
    weighted = np.zeros(len(frame))
    total = np.zeros(len(frame))
    for rate in SCORE_RATES:  # in the order of the formula
        values = derived[rate]
        present = ~np.isnan(values)
        weight = weights[rate]
        weighted = weighted + np.where(present, weight * values, 0.0)
        total = total + np.where(present, weight, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived["score"] = np.where(total != 0, 100 * weighted / total, np.nan)
    kept = frame.drop(columns=[name for name in derived if name in frame.columns])
    return pd.concat([kept, pd.DataFrame(derived, index=frame.index, dtype="float64")], axis=1)


# ---------------------------------------------------------------- docs/metrics.md

DOC_TABLE_HEADER = "| 列 column | 指标 | Metric | 定义 Definition |\n|---|---|---|---|"


def doc_table() -> str:
    """The metrics table of docs/metrics.md, one line per public metric (tests keep the doc in step)."""
    lines = [DOC_TABLE_HEADER]
    for metric in CATALOG:
        if metric.public:
            lines.append(f"| `{metric.name}` | {metric.label} | {metric.english} | {metric.definition} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(doc_table())
