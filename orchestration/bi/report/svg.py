"""Small inline-SVG charts for the static report (no JavaScript, no network, no fonts to load).

Values are percentages unless a chart says otherwise. A value drawn in bold is a significant
change against the previous wave, as in the printed Voice Monitor.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

FONT = "font-family:Helvetica,Arial,sans-serif"
INK = "#1d2a36"
GRID = "#d9dee3"


def pct(value: float | None) -> str:
    """Dutch-report style: a whole percentage, rounded half up."""
    if value is None:
        return "–"
    return f"{Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


@dataclass
class Bar:
    value: float | None
    bold: bool = False
    title: str = ""


def _text(x, y, s, size=12, anchor="start", weight=400, fill=INK, extra="") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}" style="{FONT}"{extra}>{escape(str(s))}</text>')


def _label(x, y, s, width: float, size=12) -> str:
    """A right-aligned category label, wrapped over two lines (and cut with …) to fit ``width``."""
    per_line = max(8, int(width / (size * 0.52)))
    words, lines_, line = str(s).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > per_line:
            lines_.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines_.append(line)
    if len(lines_) > 2:
        lines_ = [lines_[0], " ".join(lines_[1:])]
    lines_ = [ln if len(ln) <= per_line else ln[: per_line - 1] + "…" for ln in lines_]
    if len(lines_) == 1:
        return _text(x, y, lines_[0], size, "end")
    return (_text(x, y - size * 0.55, lines_[0], size, "end", extra="") +
            _text(x, y + size * 0.55, lines_[1], size, "end"))


def _legend(series: list[tuple[str, str]], x: float, y: float) -> str:
    out = []
    for name, color in series:
        out.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" rx="5" fill="{color}"/>')
        out.append(_text(x + 14, y, name, 12))
        x += 24 + 7.2 * len(name)
    return "".join(out)


def hbars(groups: list[tuple[str, list[Bar | None]]], series: list[tuple[str, str]], title: str,
          width: int = 760, label_width: int = 270, scale_max: float | None = None) -> str:
    """Horizontal bars: one group per category, one bar per series (e.g. per wave)."""
    bar_h, gap, top = 14, 12, 34 if len(series) > 1 else 12
    bar_h = max(bar_h, 30 // max(len(series), 1))  # room for a two-line label
    n = len(series)
    values = [b.value for _, bars in groups for b in bars if b is not None and b.value is not None]
    vmax = scale_max or max([v for v in values] + [1]) * 1.12
    plot_w = width - label_width - 56
    height = top + len(groups) * (n * bar_h + gap) + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    if n > 1:
        out.append(_legend(series, label_width, 16))
    y = top
    for label, bars in groups:
        group_h = n * bar_h
        out.append(_label(label_width - 8, y + group_h / 2 + 4, label, label_width - 12))
        for i, bar in enumerate(bars):
            if bar is None or bar.value is None:
                continue
            w = max(0.0, bar.value) / vmax * plot_w
            by = y + i * bar_h
            tip = f"<title>{escape(bar.title)}</title>" if bar.title else ""
            out.append(f'<rect x="{label_width}" y="{by + 1:.1f}" width="{w:.1f}" height="{bar_h - 2}" '
                       f'fill="{series[i][1]}">{tip}</rect>')
            out.append(_text(label_width + w + 4, by + bar_h - 3, pct(bar.value), 11, weight=700 if bar.bold else 400,
                             extra=' class="sig"' if bar.bold else ""))
        y += group_h + gap
    out.append(f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" y2="{height - 6}" stroke="{GRID}"/>')
    out.append("</svg>")
    return "".join(out)


def stacked(rows: list[tuple[str, list[Bar]]], parts: list[tuple[str, str]], title: str,
            width: int = 760, label_width: int = 270) -> str:
    """100% stacked horizontal bars (e.g. positief / neutraal / negatief)."""
    bar_h, gap, top = 26, 8, 34
    plot_w = width - label_width - 16
    height = top + len(rows) * (bar_h + gap) + 6
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>',
           _legend(parts, label_width, 16)]
    y = top
    for label, bars in rows:
        out.append(_label(label_width - 8, y + bar_h / 2 + 4, label, label_width - 12))
        x = float(label_width)
        total = sum(b.value or 0 for b in bars) or 1.0
        for (name, color), bar in zip(parts, bars):
            w = (bar.value or 0) / max(total, 100.0) * plot_w
            tip = f"<title>{escape(bar.title or name)}</title>"
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{color}">{tip}</rect>')
            if w >= 30:
                out.append(_text(x + w / 2, y + bar_h / 2 + 4, pct(bar.value), 11, "middle",
                                 700 if bar.bold else 400, "#ffffff", ' class="sig"' if bar.bold else ""))
            x += w
        y += bar_h + gap
    out.append("</svg>")
    return "".join(out)


def lines(x_labels: list[str], series: list[tuple[str, str, list[float | None]]], title: str,
          width: int = 760, height: int = 260) -> str:
    """A line per series over x_labels (e.g. months)."""
    left, right, top, bottom = 40, 16, 34, 28
    values = [v for _, _, vs in series for v in vs if v is not None]
    vmax = max(values + [1]) * 1.15
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(x_labels) - 1, 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" aria-label="{escape(title)}"><title>{escape(title)}</title>',
           _legend([(n, c) for n, c, _ in series], left, 16)]
    for k in range(5):
        v = vmax * k / 4
        y = top + plot_h - v / vmax * plot_h
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 4, y + 4, pct(v), 10, "end"))
    for i, label in enumerate(x_labels):
        out.append(_text(left + i * step, height - 8, label, 10, "middle"))
    for name, color, vs in series:
        pts = [(left + i * step, top + plot_h - v / vmax * plot_h) for i, v in enumerate(vs) if v is not None]
        if len(pts) > 1:
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"/>' for x, y in pts)
    out.append("</svg>")
    return "".join(out)
