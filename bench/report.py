"""docs/benchmarks.md: tables of medians with their targets, and the two summary lines it must end with.

The writer knows nothing about how a figure was measured: it takes tables of rows (a name, the values
of repeated runs or a single value, a unit, an optional target) and renders them. The file ends with
exactly two lines, `ratio pandas/ours: N` and `ratio ours/scan: N`, and nothing after them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024**2
GIB = 1024**3


@dataclass(frozen=True)
class Target:
    """A bound a median must meet: `<= value` or `>= value`."""

    op: str  # "<=" or ">="
    value: float

    def met(self, measured: float) -> bool:
        return measured <= self.value if self.op == "<=" else measured >= self.value


@dataclass
class Row:
    """One measurement: the values of its runs (a ratio has one), how to show them, and its target."""

    name: str
    values: list[float]
    unit: str  # "s", "rows/s", "bytes", "x", "rows"
    target: Target | None = None
    note: str = ""
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def status(self) -> str:
        if self.error or not self.values:
            return "ERROR"
        if self.target is None:
            return "—"
        return "PASS" if self.target.met(self.median) else "MISS"


@dataclass
class Table:
    """A titled table of rows, with an optional paragraph before it."""

    title: str
    rows: list[Row]
    intro: str = ""
    single: bool = False  # one value per row (a profile, a single visit): no min, max or runs columns


@dataclass
class Report:
    """Everything docs/benchmarks.md holds."""

    title: str
    facts: list[tuple[str, str]]  # the machine, versions, command, data: "name: value" lines
    tables: list[Table]
    pandas_over_ours: float
    ours_over_scan: float
    notes: list[str] = field(default_factory=list)


def show(value: float, unit: str) -> str:
    """A value in its unit, for a reader: 0.412 s, 312,000 rows/s, 1.21 GiB, 12.3×."""
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "bytes":
        return f"{value / GIB:.2f} GiB" if value >= GIB else f"{value / MIB:,.0f} MiB"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "rows":
        return f"{value:,.0f}"
    return f"{value:g} {unit}".strip()


def _target_text(row: Row) -> str:
    if row.target is None:
        return "—"
    return f"{'≤' if row.target.op == '<=' else '≥'} {show(row.target.value, row.unit)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(table: Table) -> list[str]:
    """A markdown table: name, median, min, max, runs, target, result, notes (or name, value, notes)."""
    lines = [f"## {table.title}", ""]
    if table.intro:
        lines += [table.intro, ""]
    if table.single:
        lines += ["| Measurement | Value | Notes |", "|---|---:|---|"]
        for row in table.rows:
            value = show(row.median, row.unit) if row.values else "—"
            lines.append("| " + " | ".join(_cell(c) for c in (row.name, value, row.note or row.error)) + " |")
        return [*lines, ""]
    lines += [
        "| Measurement | Median | Min | Max | Runs | Target | Result | Notes |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for row in table.rows:
        if row.values:
            median, low, high = (
                show(row.median, row.unit),
                show(min(row.values), row.unit),
                show(max(row.values), row.unit),
            )
        else:
            median = low = high = "—"
        note = row.note if not row.error else f"{row.note} error: {row.error}".strip()
        cells = [row.name, median, low, high, str(len(row.values)), _target_text(row), f"**{row.status}**", note]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return [*lines, ""]


def summary_lines(pandas_over_ours: float, ours_over_scan: float) -> list[str]:
    """The two lines the file must end with."""
    return [f"ratio pandas/ours: {pandas_over_ours:.2f}", f"ratio ours/scan: {ours_over_scan:.2f}"]


def render(report: Report) -> str:
    """The whole file as text; its last line is `ratio ours/scan: N`, with no newline after it."""
    lines = [f"# {report.title}", ""]
    lines += [f"- **{name}**: {value}" for name, value in report.facts]
    lines.append("")
    targeted = [(table, row) for table in report.tables for row in table.rows if row.target is not None]
    if targeted:
        lines += ["## Targets at a glance", "", "| Target | Measured (median) | Result |", "|---|---:|---|"]
        for table, row in targeted:
            measured = show(row.median, row.unit) if row.values else "—"
            lines.append(
                f"| {_cell(table.title)}: {_cell(row.name)} {_target_text(row)} | {measured} | **{row.status}** |"
            )
        lines.append("")
    for table in report.tables:
        lines += render_table(table)
    if report.notes:
        lines += ["## Notes", ""]
        lines += [f"- {note}" for note in report.notes]
        lines.append("")
    lines += ["## Summary (quarter's metrics over all groupings)", ""]
    lines += summary_lines(report.pandas_over_ours, report.ours_over_scan)
    return "\n".join(lines)


def write(report: Report, path: Path) -> Path:
    """Write the report (UTF-8, nothing after the last summary line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report), encoding="utf-8")
    return path
