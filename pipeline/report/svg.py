"""Charts for printing as plain SVG: horizontal bars and monthly lines, in colour, with every label in full.

The printed report (HTML and PDF) draws its charts here rather than with a charting library: an SVG is a few
kilobytes, needs no script, looks the same in every browser and on paper, and its text (Chinese county
names, percentages) is laid out by the code below, never cut. Every label is escaped: names come from files.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

RAG_COLOURS = {"green": "#2e9e5b", "amber": "#f0a030", "red": "#d64541", None: "#9aa5b1"}
SERIES_COLOURS = ("#1f6fb2", "#d2691e", "#2e9e5b", "#8e44ad", "#b4232a", "#5d6d7e")
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
GRID = "#e5e8ec"
INK = "#1f2328"
MUTED = "#57606a"


def _opening(title: str, width: float, height: float, font_size: int) -> list[str]:
    """The start of a chart: the SVG element, a white ground and the title."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="{font_size}" role="img" aria-label="{_esc(title)}">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="4" y="{font_size + 6}" font-size="{font_size + 2}" font-weight="600" fill="{INK}">'
        f"{_esc(title)}</text>",
    ]


def _text_width(text: str, size: float) -> float:
    """The width of a label: a Chinese character is about one em, a Latin one about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (None: no value, drawn as —), the text at its end and its colour."""

    label: str
    value: float | None
    text: str
    colour: str


def bar_chart(
    title: str,
    bars: Sequence[Bar],
    *,
    maximum: float,
    axis_title: str = "",
    reference: float | None = None,
    width: int = 1000,
    font_size: int = 13,
) -> str:
    """Horizontal bars, first on top, with the group names at the left in full and the values at the ends."""
    row = font_size * 2
    label_width = max([_text_width(b.label, font_size) for b in bars] + [40]) + 12
    left, right, top = label_width + 8, 70, 40
    plot_width = max(200, width - left - right)
    height = top + row * len(bars) + 46
    scale = plot_width / maximum if maximum > 0 else 0
    parts = _opening(title, width, height, font_size)
    for tick in _ticks(maximum):
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + row * len(bars)}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top + row * len(bars) + font_size + 4}" text-anchor="middle" '
            f'fill="{MUTED}">{_esc(_tick_text(tick, maximum))}</text>'
        )
    for index, bar in enumerate(bars):
        y = top + index * row
        parts.append(
            f'<text x="{left - 8}" y="{y + row * 0.62:.1f}" text-anchor="end" fill="{INK}">{_esc(bar.label)}</text>'
        )
        if bar.value is not None and not math.isnan(bar.value):
            length = max(0.0, bar.value) * scale
            parts.append(
                f'<rect x="{left}" y="{y + row * 0.18:.1f}" width="{length:.1f}" height="{row * 0.64:.1f}" '
                f'fill="{bar.colour}"/>'
            )
            parts.append(
                f'<text x="{left + length + 5:.1f}" y="{y + row * 0.62:.1f}" fill="{INK}">{_esc(bar.text)}</text>'
            )
        else:
            parts.append(f'<text x="{left + 5}" y="{y + row * 0.62:.1f}" fill="{MUTED}">{_esc(bar.text)}</text>')
    if reference is not None and maximum > 0:
        x = left + reference * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + row * len(bars)}" '
            f'stroke="{RAG_COLOURS["red"]}" stroke-dasharray="5,4" stroke-width="1.5"/>'
        )
    if axis_title:
        parts.append(
            f'<text x="{left + plot_width / 2:.1f}" y="{height - 6}" text-anchor="middle" fill="{MUTED}">'
            f"{_esc(axis_title)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    percent: bool = True,
    width: int = 1000,
    height: int = 360,
    font_size: int = 13,
    notes: Sequence[str] = (),
) -> str:
    """One coloured line per series over the categories (months), a legend below with every name in full.

    A value of None leaves a gap. `notes` are shown under the category labels (e.g. 进行中 for a running month).
    """
    left, right, top = 56, 24, 40
    legend_rows = 1 + (sum(_text_width(name, font_size) + 40 for name, _ in series) // (width - left - right))
    bottom = 44 + font_size * 2 * int(legend_rows)
    plot_width, plot_height = width - left - right, height - top - bottom
    maximum = 1.0 if percent else max([v for _, values in series for v in values if v is not None] + [1])
    step = plot_width / max(1, len(categories))
    parts = _opening(title, width, height, font_size)
    for tick in _ticks(maximum):
        y = top + plot_height - tick / maximum * plot_height
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" stroke="{GRID}"/>')
        text = f"{tick:.0%}" if percent else _tick_text(tick, maximum)
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_esc(text)}</text>')
    for index, category in enumerate(categories):
        x = left + step * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_height + font_size + 6}" text-anchor="middle" fill="{INK}">'
            f"{_esc(category)}</text>"
        )
        if index < len(notes) and notes[index]:
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_height + font_size * 2 + 8}" text-anchor="middle" '
                f'fill="{MUTED}">{_esc(notes[index])}</text>'
            )
    for number, (_name, values) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        points = [
            (left + step * (i + 0.5), top + plot_height - min(max(v, 0), maximum) / maximum * plot_height)
            if v is not None and not math.isnan(v)
            else None
            for i, v in enumerate(values)
        ]
        run: list[tuple[float, float]] = []
        for point in [*points, None]:
            if point is None:
                if len(run) > 1:
                    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                    parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
                run = []
            else:
                run.append(point)
        for point in points:
            if point is not None:
                parts.append(f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="3.5" fill="{colour}"/>')
    x, y = left, height - bottom + 36 + font_size
    for number, (name, _values) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        item = _text_width(name, font_size) + 40
        if x + item > width - right:
            x, y = left, y + font_size * 2
        parts.append(f'<rect x="{x}" y="{y - font_size + 2}" width="18" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{x + 24}" y="{y}" fill="{INK}">{_esc(name)}</text>')
        x += item
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    axis_title: str = "",
    width: int = 1000,
    height: int = 360,
    font_size: int = 13,
) -> str:
    """Vertical bars side by side per category (e.g. issues resolved / open / overdue by 问题类别)."""
    left, right, top, bottom = 56, 24, 40, 80
    plot_width, plot_height = width - left - right, height - top - bottom
    maximum = max([v for _, values in series for v in values] + [1])
    group = plot_width / max(1, len(categories))
    bar = group * 0.8 / max(1, len(series))
    parts = _opening(title, width, height, font_size)
    for tick in _ticks(maximum):
        y = top + plot_height - tick / maximum * plot_height
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_width}" y2="{y:.1f}" stroke="{GRID}"/>')
        label = _esc(_tick_text(tick, maximum))
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{label}</text>')
    for index, category in enumerate(categories):
        x0 = left + group * index + group * 0.1
        for number, (_name, values) in enumerate(series):
            value = values[index]
            h = value / maximum * plot_height
            x = x0 + bar * number
            colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_height - h:.1f}" width="{bar * 0.92:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{x + bar * 0.46:.1f}" y="{top + plot_height - h - 3:.1f}" text-anchor="middle" '
                f'font-size="{font_size - 2}" fill="{INK}">{_esc(_tick_text(value, maximum))}</text>'
            )
        parts.append(
            f'<text x="{left + group * (index + 0.5):.1f}" y="{top + plot_height + font_size + 6}" '
            f'text-anchor="middle" fill="{INK}">{_esc(category)}</text>'
        )
    x, y = left, height - 14
    for number, (name, _values) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        parts.append(f'<rect x="{x}" y="{y - font_size + 2}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 18}" y="{y}" fill="{INK}">{_esc(name)}</text>')
        x += _text_width(name, font_size) + 40
    if axis_title:
        parts.append(f'<text x="4" y="{top - 8}" fill="{MUTED}">{_esc(axis_title)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _ticks(maximum: float) -> list[float]:
    """Four or five round ticks from 0 to the maximum."""
    if maximum <= 0:
        return [0.0]
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    ticks, value = [], 0.0
    while value <= maximum + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _tick_text(value: float, maximum: float) -> str:
    """A tick or a count as a person writes it: 25, 2.5, 0.25 (no trailing zeros)."""
    return f"{value:g}"
