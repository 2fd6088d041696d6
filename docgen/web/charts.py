"""Bar charts drawn on the server as SVG: no script, no library, printable, readable on a phone."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH = 520
LABEL = 200  # the left column with the bar's name
VALUE = 60  # the right column with the figure
BAR = 18
GAP = 8
TOP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None draws no bar and «—»
    text: str  # the figure as a person reads it: «41,7 %», «8»


def _clip(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    title: str, bars: list[Bar], *, target: float | None = None, share: bool = True
) -> Markup:
    """Horizontal bars, one per row, scaled to 100 for shares or to the largest value;
    a dashed line marks the target. The title is the SVG's accessible name."""
    top = max([b.value or 0 for b in bars] + [target or 0])
    scale_max = 100.0 if share else (top or 1.0)
    area = WIDTH - LABEL - VALUE
    height = TOP * 2 + len(bars) * (BAR + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="svg-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR + GAP)
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end" font-size="12" '
            f'fill="#1d2430">{escape(_clip(bar.label))}</text>'
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y}" width="{area}" height="{BAR}" fill="#e6eaf0" rx="3"/>'
        )
        if bar.value:
            width = max(1.0, min(1.0, bar.value / scale_max) * area)
            below = target is not None and bar.value < target
            colour = "#c98a12" if below else "#1e6b3a"
            parts.append(
                f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'fill="{colour}" rx="3"/>'
            )
        parts.append(
            f'<text x="{LABEL + area + 6}" y="{y + BAR - 5}" font-size="12" '
            f'fill="#1d2430">{escape(bar.text)}</text>'
        )
    if target is not None:
        x = LABEL + min(1.0, target / scale_max) * area
        parts.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{height - 2}" stroke="#1d2430" '
            f'stroke-width="2" stroke-dasharray="4 3"><title>Целевое значение</title></line>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
