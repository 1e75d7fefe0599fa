"""Inline SVG charts for the run report: pure functions, numbers in, markup out.

Charts are static SVG (no script, no network): they render wherever the HTML
opens. Every text that may come from a filing is escaped here; every bar is a
`<rect class="bar">` carrying `data-label` and `data-value`, with a `<title>`
tooltip, so tests and browsers read the same numbers."""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

CHAR_PX = 8  # width of a 12 px capital in common sans fonts: room reserved per label character


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    tooltip: str
    color: str | None = None


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: list[float]  # one per bucket


def escape_html(text: object) -> str:
    """Text for HTML or SVG: markup characters and quotes escaped; None is empty."""
    return escape("" if text is None else str(text), quote=True)


def _num(value: float) -> str:
    """A number for a data- attribute, exactly as charted."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def compact(value: float, prefix: str = "", signed: bool = False) -> str:
    """12345678 -> '12.3M'; with signed, +/- (a real minus sign) in front."""
    sign = "\u2212" if value < 0 else ("+" if signed and value > 0 else "")
    v = abs(value)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= size:
            scaled = v / size
            text = f"{scaled:.1f}" if scaled < 100 else f"{scaled:.0f}"
            return f"{sign}{prefix}{text.removesuffix('.0')}{suffix}"
    text = f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v)}"
    return f"{sign}{prefix}{text}"


def nice_ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering [low, high];
    with integer, steps of at least 1 (counts)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if integer:
        step = max(1, math.ceil(step))
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    n = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(n + 1)]


def _svg_open(kind: str, chart_id: str, width: int, height: int, title: str) -> str:
    return (f'<svg class="chart chart-{kind}" data-chart="{escape_html(chart_id)}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape_html(title)}" xmlns="http://www.w3.org/2000/svg" '
            f'preserveAspectRatio="xMinYMin meet"><title>{escape_html(title)}</title>')


def _clip(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[:chars - 1] + "\u2026"


def stacked_columns(chart_id: str, title: str, buckets: list[str], series: list[Series], *,
                    unit: str, width: int = 1040, height: int = 300, max_labels: int = 12) -> str:
    """Columns over time (one per bucket), stacked by series; values are counts."""
    left, right, top, bottom = 44, 12, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(buckets))]
    ticks = nice_ticks(0, max(totals, default=1) or 1, 4, integer=True)
    y_max = ticks[-1]
    slot = plot_w / max(1, len(buckets))
    bar_w = max(1.0, slot * (0.78 if slot > 6 else 0.92))
    out = [_svg_open("columns", chart_id, width, height, title)]
    for t in ticks:
        y = top + plot_h - t / y_max * plot_h
        out.append(f'<line class="gridline" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape_html(compact(t))}</text>')
    every = max(1, math.ceil(len(buckets) / max_labels))
    for i, bucket in enumerate(buckets):
        x = left + i * slot + (slot - bar_w) / 2
        base = top + plot_h
        for s in series:
            value = s.values[i]
            if not value:
                continue
            h = value / y_max * plot_h
            base -= h
            out.append(f'<rect class="bar" x="{x:.2f}" y="{base:.2f}" width="{bar_w:.2f}" height="{h:.2f}" '
                       f'fill="{s.color}" data-label="{escape_html(bucket)}" data-series="{escape_html(s.name)}" '
                       f'data-value="{_num(value)}">'
                       f'<title>{escape_html(bucket)} \u00b7 {escape_html(s.name)}: {value:g} {escape_html(unit)}</title></rect>')
        if totals[i]:
            # A transparent hit area over the whole column: its tooltip gives the column's total.
            out.append(f'<rect class="hit" x="{left + i * slot:.2f}" y="{top}" width="{slot:.2f}" '
                       f'height="{base - top:.2f}"><title>{escape_html(bucket)}: {totals[i]:g} {escape_html(unit)}</title></rect>')
        if i % every == 0:
            out.append(f'<text class="tick" x="{left + (i + 0.5) * slot:.1f}" y="{height - bottom + 16}" '
                       f'text-anchor="middle">{escape_html(bucket)}</text>')
    out.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    out.append("</svg>")
    return "".join(out)


def horizontal_bars(chart_id: str, title: str, bars: list[Bar], *, fmt=compact, width: int = 520,
                    label_chars: int = 34) -> str:
    """One bar per item, longest first as given; labels on the left, values at the bar ends."""
    row, top, bottom = 26, 6, 6
    label_w, value_w = CHAR_PX * min(label_chars, max((len(b.label) for b in bars), default=0)) + 12, 56
    height = top + bottom + row * len(bars)
    plot_w = width - label_w - value_w
    high = max((b.value for b in bars), default=1) or 1
    out = [_svg_open("hbars", chart_id, width, height, title)]
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(1.0, b.value / high * plot_w)
        out.append(
            f'<text class="label" x="{label_w - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">'
            f'<title>{escape_html(b.label)}</title>{escape_html(_clip(b.label, label_chars))}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.2f}" height="{row - 8}" rx="2" '
            f'fill="{b.color or "#4c78a8"}" data-label="{escape_html(b.label)}" data-value="{_num(b.value)}">'
            f'<title>{escape_html(b.tooltip)}</title></rect>'
            f'<text class="value" x="{label_w + w + 6:.2f}" y="{y + row / 2 + 4:.1f}">{escape_html(fmt(b.value))}</text>')
    out.append(f'<line class="axis" x1="{label_w}" x2="{label_w}" y1="{top}" y2="{height - bottom}"/>')
    out.append("</svg>")
    return "".join(out)


def diverging_bars(chart_id: str, title: str, bars: list[Bar], *, positive: str, negative: str,
                   fmt=compact, width: int = 1040, label_chars: int = 40) -> str:
    """Bars left (negative) or right (positive) of a zero line: net buying and selling."""
    row, top, bottom = 26, 6, 26
    label_w = CHAR_PX * min(label_chars, max((len(b.label) for b in bars), default=0)) + 12
    pad = 64  # room for the value written past each bar's end
    height = top + bottom + row * len(bars)
    low = min([0.0] + [b.value for b in bars])
    high = max([0.0] + [b.value for b in bars])
    ticks = nice_ticks(low, high, 6)
    lo, hi = ticks[0], ticks[-1]
    x0, x1 = label_w + pad, width - pad

    def x_of(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    out = [_svg_open("diverging", chart_id, width, height, title)]
    for t in ticks:
        out.append(f'<line class="gridline" x1="{x_of(t):.1f}" x2="{x_of(t):.1f}" y1="{top}" y2="{height - bottom}"/>'
                   f'<text class="tick" x="{x_of(t):.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                   f'{escape_html(fmt(t, signed=True))}</text>')
    zero = x_of(0)
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(1.0, abs(x_of(b.value) - zero))  # a sliver even for tiny values, drawn from the zero line
        start, end = (zero, zero + w) if b.value >= 0 else (zero - w, zero)
        color = positive if b.value >= 0 else negative
        value_x, anchor = (end + 6, "start") if b.value >= 0 else (start - 6, "end")
        out.append(
            f'<text class="label" x="{label_w - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">'
            f'<title>{escape_html(b.label)}</title>{escape_html(_clip(b.label, label_chars))}</text>'
            f'<rect class="bar" x="{start:.2f}" y="{y + 4}" width="{w:.2f}" height="{row - 8}" rx="2" fill="{color}" '
            f'data-label="{escape_html(b.label)}" data-value="{_num(b.value)}"><title>{escape_html(b.tooltip)}</title></rect>'
            f'<text class="value" x="{value_x:.2f}" y="{y + row / 2 + 4:.1f}" text-anchor="{anchor}">'
            f'{escape_html(fmt(b.value, signed=True))}</text>')
    out.append(f'<line class="axis zero" x1="{zero:.2f}" x2="{zero:.2f}" y1="{top - 4}" y2="{height - bottom + 2}"/>')
    out.append("</svg>")
    return "".join(out)
