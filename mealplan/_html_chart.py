"""The HTML report's nutrient coverage chart (inline SVG) and how it shows bounds.

Each bounded nutrient is a bar at its share of the minimum it is held to, or
of the person's DRI where the plan reports a nutrient without planning it
(:func:`mealplan._shown_bounds.shown_bounds`), with the upper limit marked.
Split from :mod:`mealplan._html`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape

from mealplan._models import MealPlan, NutrientTotal
from mealplan._report import number, nutrient_label, unit_label
from mealplan._shown_bounds import ShownBounds, shown_bounds

__all__ = ["coverage_chart", "legend", "number_text"]

_BAR_COLOURS = {"met": "#2a9d8f", "short": "#e76f51", "over": "#c1121f"}
_ROW = 34
_LABEL_W = 170
_PLOT_W = 300
_VALUE_W = 190


def number_text(x: float | None, unit: str) -> str:
    return "—" if x is None else f"{number(x)} {unit_label(unit)}"


def _charted(plan: MealPlan, totals: Sequence[NutrientTotal]) -> list[ShownBounds]:
    views = (shown_bounds(plan, t) for t in totals)
    return [
        s
        for s in views
        if (s.minimum is not None and s.minimum > 0)
        or (s.maximum is not None and s.maximum > 0)
    ]


def _chart_label(label: str) -> str:
    """Return a nutrient's label short enough for the chart's label column.

    "Retinol (preformed vitamin A)" ran past the column's left edge; the bar's
    tooltip keeps the whole label.
    """
    return re.sub(r"\s*\([^)]*\)", "", label) if len(label) > 22 else label


def coverage_chart(plan: MealPlan, totals: Sequence[NutrientTotal]) -> str:
    """Return an inline SVG: each bounded nutrient as a bar against its reference.

    A bar's length is the total as a percentage of the nutrient's minimum (the
    RDA or AI; the limit itself for a nutrient with only a maximum, such as
    sodium). A dashed line marks 100 % and a red tick marks the upper limit
    (UL, CDRR or the energy range's top) where there is one. Bars past the
    scale are drawn to its edge and end in an arrow.
    """
    rows = _charted(plan, totals)
    scale_pcts: list[float] = [150.0]
    for s in rows:
        ref = s.reference
        assert ref is not None  # _charted keeps only bounded totals
        scale_pcts.append(s.total.amount / ref * 100)
        if s.maximum is not None and s.minimum:
            scale_pcts.append(s.maximum / s.minimum * 100)
    top = min(max(scale_pcts) * 1.05, 400.0)
    top = math.ceil(top / 50) * 50

    def x(pct: float) -> float:
        return _LABEL_W + min(max(pct, 0.0), top) / top * _PLOT_W

    height = _ROW * len(rows) + 40
    width = _LABEL_W + _PLOT_W + _VALUE_W
    parts = [
        f'<svg class="mp-chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif" '
        f'font-size="12" data-scale-percent="{top:g}">',
        "<title>Nutrient coverage: each bar is the total as a percentage of the "
        "recommended intake; a red tick marks the upper limit.</title>",
    ]
    for tick in range(0, int(top) + 1, 50 if top <= 200 else 100):
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="6" x2="{tx:.1f}" y2="{height - 26}" '
            f'stroke="#e3e7ee" stroke-width="1"/>'
            f'<text x="{tx:.1f}" y="{height - 12}" text-anchor="middle" '
            f'fill="#5b6577">{tick}%</text>'
        )
    for i, s in enumerate(rows):
        t = s.total
        y = 8 + i * _ROW
        ref = s.reference
        assert ref is not None
        pct = t.amount / ref * 100
        lo_kind, hi_kind = s.minimum_kind or "minimum", s.maximum_kind or "maximum"
        colour = _BAR_COLOURS.get(s.status, "#2a9d8f")
        label = nutrient_label(t.nutrient)
        label = label[:1].upper() + label[1:]
        ref_text = (
            f"{lo_kind} {number_text(s.minimum, t.unit)}"
            if s.minimum
            else f"{hi_kind} {number_text(s.maximum, t.unit)}"
        )
        value = f"{'≥ ' if t.lower_bound else ''}{number_text(t.amount, t.unit)}"
        title = f"{label}: {value}, {pct:.0f}% of {ref_text}"
        if s.maximum is not None and s.minimum:
            title += f"; upper limit ({hi_kind}) {number_text(s.maximum, t.unit)}"
        if not s.planned:
            title += " (reported, not planned)"
        bar_w = x(pct) - _LABEL_W
        # A bar against a DRI the plan was not held to is paler (the legend).
        opacity = "" if s.planned else ' fill-opacity="0.55"'
        parts.append(
            f'<g class="mp-bar" data-nutrient="{escape(t.nutrient)}" '
            f'data-percent="{pct:.1f}" data-status="{escape(s.status)}" '
            f'data-planned="{str(s.planned).lower()}">'
            f"<title>{escape(title)}</title>"
            f'<text x="{_LABEL_W - 8}" y="{y + 17}" text-anchor="end" '
            f'fill="#1d2330">{escape(_chart_label(label))}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 5}" width="{bar_w:.1f}" height="18" '
            f'rx="3" fill="{colour}"{opacity}/>'
        )
        if pct > top:
            end = _LABEL_W + _PLOT_W
            parts.append(
                f'<path d="M{end - 2} {y + 2} L{end + 8} {y + 14} L{end - 2} {y + 26}Z" '
                f'fill="{colour}"/>'
            )
        parts.append(
            f'<line class="mp-ref" x1="{x(100):.1f}" y1="{y + 1}" x2="{x(100):.1f}" '
            f'y2="{y + 27}" stroke="#1d2330" stroke-dasharray="3 2" stroke-width="1.5"/>'
        )
        if s.maximum is not None and s.minimum:
            ul_pct = s.maximum / s.minimum * 100
            ux = x(ul_pct)
            parts.append(
                f'<line class="mp-ul" data-kind="{escape(hi_kind)}" '
                f'data-percent="{ul_pct:.1f}" x1="{ux:.1f}" y1="{y}" x2="{ux:.1f}" '
                f'y2="{y + 28}" stroke="#c1121f" stroke-width="3"/>'
            )
            if ul_pct > top:  # the limit is off the scale: say where it is
                parts.append(
                    f'<text x="{ux - 4:.1f}" y="{y + 3}" text-anchor="end" '
                    f'font-size="9" fill="#c1121f">{escape(hi_kind)} at '
                    f"{ul_pct:.0f}% →</text>"
                )
        parts.append(
            f'<text x="{_LABEL_W + _PLOT_W + 14}" y="{y + 17}" fill="#1d2330">'
            f"{escape(value)} ({pct:.0f}%)</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def legend() -> str:
    return (
        '<p class="mp-legend">Each bar: the total as a percentage of the '
        "recommended intake (RDA, or AI where there is no RDA; for a nutrient "
        "with only an upper limit, that limit). Dashed line: 100 %. Red tick: "
        "the upper limit (UL, CDRR or the top of the energy range). Green: met; "
        "orange: short; red: over. Paler: against a DRI the plan reports but "
        "was not held to (an AI at ages 1-3, the sodium AI, a lifted floor). ≥: "
        "a lower bound (some foods have no USDA value).</p>"
    )
