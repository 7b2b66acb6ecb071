"""Render plans and diagnoses as HTML: a self-contained report and page fragments.

:func:`render_html` returns a whole document (inline CSS, inline SVG chart, no
script, no external resource), so it can be saved, mailed or opened offline;
``MealPlan._repr_html_`` and ``mealplan plan --format html`` use it. The web
page of ``mealplan serve`` shows the same sections through
:func:`render_fragment`, with a regenerate button on every meal.

Every value placed in the markup goes through :func:`html.escape`: food names
and request fields come from callers and must never become markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from mealplan._arguments import food_table
from mealplan._meal_titles import menu_order
from mealplan._models import DISCLAIMER, Diagnosis, MealPlan, NutrientTotal, PlanItem
from mealplan._panel_report import short_minimums
from mealplan._report import (
    DOCTOR_ADVICE,
    absorption_lines,
    food_mentions,
    grocery_list,
    item_label,
    money,
    number,
    nutrient_label,
    plan_subject,
    portions_text,
    unit_label,
)
from mealplan._report_grocery import amount_text
from mealplan._report_parts import (
    MINIMAL_SENTENCE,
    near_limit_words,
    unplanned_sentence,
)
from mealplan._supplements import (
    SUPPLEMENTS_ADVICE,
    SUPPLEMENTS_HEADING,
    supplement_lines,
    with_supplements,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable

__all__ = [
    "REPORT_CSS",
    "coverage_chart",
    "notebook_html",
    "render_fragment",
    "render_html",
]

REPORT_CSS = """
.mp-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  line-height:1.45;color:#1d2330;max-width:60rem}
.mp-report h1{font-size:1.4rem;margin:.4rem 0}
.mp-report h2{font-size:1.15rem;margin:1.2rem 0 .4rem}
.mp-report h3{font-size:1rem;margin:.8rem 0 .3rem}
.mp-report table{border-collapse:collapse;width:100%;font-size:.92rem}
.mp-report th,.mp-report td{border-bottom:1px solid #dde2ea;padding:.3rem .4rem;
  text-align:left;vertical-align:top}
.mp-report td.num,.mp-report th.num{text-align:right;white-space:nowrap}
.mp-report .mp-table{overflow-x:auto}
.mp-report .mp-meal{margin:.6rem 0;padding:.4rem .6rem;border:1px solid #dde2ea;
  border-radius:.5rem}
.mp-report .mp-meal-head{display:flex;justify-content:space-between;
  align-items:center;gap:.5rem;flex-wrap:wrap}
.mp-report .mp-meal-title{margin:.1rem 0 .3rem;font-style:italic}
.mp-report .mp-disclaimer{background:#fff6e0;border:1px solid #e9c46a;
  padding:.5rem .7rem;border-radius:.5rem;font-size:.92rem}
.mp-report .mp-chart{width:100%;height:auto;max-width:44rem}
.mp-report .mp-legend{font-size:.85rem;color:#4a5364}
.mp-report .mp-conflict{margin:.4rem 0}
.mp-report button{font:inherit;padding:.3rem .7rem;border-radius:.4rem;
  border:1px solid #3b6ea5;background:#fff;color:#3b6ea5;cursor:pointer}
.mp-report button:disabled{opacity:.5;cursor:wait}
"""
"""The report's style sheet, shared by :func:`render_html` and the web page."""

_BAR_COLOURS = {"met": "#2a9d8f", "short": "#e76f51", "over": "#c1121f"}
_ROW = 34
_LABEL_W = 170
_PLOT_W = 300
_VALUE_W = 190


def _num(x: float | None, unit: str) -> str:
    return "—" if x is None else f"{number(x)} {unit_label(unit)}"


def _kinds(plan: MealPlan, nutrient: str) -> tuple[str, str]:
    bound = plan.targets.get(nutrient)
    if bound is None:
        return "minimum", "maximum"
    lo = bound.minimum_kind.value if bound.minimum_kind else "minimum"
    hi = bound.maximum_kind.value if bound.maximum_kind else "maximum"
    return lo, hi


def _charted(totals: Sequence[NutrientTotal]) -> list[NutrientTotal]:
    return [
        t
        for t in totals
        if (t.minimum is not None and t.minimum > 0)
        or (t.maximum is not None and t.maximum > 0)
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
    rows = _charted(totals)
    scale_pcts: list[float] = [150.0]
    for t in rows:
        ref = t.minimum if t.minimum else t.maximum
        assert ref is not None  # _charted keeps only bounded totals
        scale_pcts.append(t.amount / ref * 100)
        if t.maximum is not None and t.minimum:
            scale_pcts.append(t.maximum / t.minimum * 100)
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
    for i, t in enumerate(rows):
        y = 8 + i * _ROW
        ref = t.minimum if t.minimum else t.maximum
        assert ref is not None
        pct = t.amount / ref * 100
        lo_kind, hi_kind = _kinds(plan, t.nutrient)
        colour = _BAR_COLOURS.get(t.status.value, "#2a9d8f")
        label = nutrient_label(t.nutrient)
        label = label[:1].upper() + label[1:]
        ref_text = (
            f"{lo_kind} {_num(t.minimum, t.unit)}"
            if t.minimum
            else f"{hi_kind} {_num(t.maximum, t.unit)}"
        )
        value = f"{'≥ ' if t.lower_bound else ''}{_num(t.amount, t.unit)}"
        title = f"{label}: {value}, {pct:.0f}% of {ref_text}"
        if t.maximum is not None and t.minimum:
            title += f"; upper limit ({hi_kind}) {_num(t.maximum, t.unit)}"
        bar_w = x(pct) - _LABEL_W
        parts.append(
            f'<g class="mp-bar" data-nutrient="{escape(t.nutrient)}" '
            f'data-percent="{pct:.1f}" data-status="{escape(t.status.value)}">'
            f"<title>{escape(title)}</title>"
            f'<text x="{_LABEL_W - 8}" y="{y + 17}" text-anchor="end" '
            f'fill="#1d2330">{escape(_chart_label(label))}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 5}" width="{bar_w:.1f}" height="18" '
            f'rx="3" fill="{colour}"/>'
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
        if t.maximum is not None and t.minimum:
            ul_pct = t.maximum / t.minimum * 100
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


def _legend() -> str:
    return (
        '<p class="mp-legend">Each bar: the total as a percentage of the '
        "recommended intake (RDA, or AI where there is no RDA; for a nutrient "
        "with only an upper limit, that limit). Dashed line: 100 %. Red tick: "
        "the upper limit (UL, CDRR or the top of the energy range). Green: met; "
        "orange: short; red: over. ≥: a lower bound (some foods have no USDA "
        "value).</p>"
    )


def _meal_groups(items: Sequence[PlanItem]) -> list[tuple[str | None, list[PlanItem]]]:
    groups: dict[str | None, list[PlanItem]] = {}
    for item in items:
        groups.setdefault(item.meal, []).append(item)
    return list(groups.items())


def _meal_html(
    day: int,
    meal: str | None,
    items: Sequence[PlanItem],
    *,
    interactive: bool,
    menu: str | None = None,
) -> str:
    title = (meal or "the day").capitalize()
    kcal = sum(i.energy_kcal or 0.0 for i in items)
    button = ""
    if interactive:
        meal_attr = f' data-meal="{escape(meal)}"' if meal is not None else ""
        button = (
            f'<button type="button" class="mp-regenerate" data-day="{day}"'
            f"{meal_attr}>Another {escape(meal or 'day')}</button>"
        )
    rows = "".join(
        "<tr>"
        f"<td>{escape(item_label(i))}<br><small>{escape(i.food_id)}</small></td>"
        f"<td>{escape(portions_text(i.portions, i.portion_description))}</td>"
        f'<td class="num">{number(i.grams)} g</td>'
        f'<td class="num">{"—" if i.energy_kcal is None else f"{i.energy_kcal:.0f}"}</td>'
        f'<td class="num">{escape(money(i.cost))}</td>'
        "</tr>"
        for i in items
    )
    meal_attr = escape(meal) if meal is not None else ""
    return (
        f'<section class="mp-meal" data-day="{day}" data-meal="{meal_attr}">'
        f'<div class="mp-meal-head"><h3>{escape(title)} '
        f"<small>({kcal:.0f} kcal)</small></h3>{button}</div>"
        + ("" if menu is None else f'<p class="mp-meal-title">{escape(menu)}</p>')
        + '<div class="mp-table"><table><thead><tr><th>Food</th><th>Amount</th>'
        '<th class="num">Grams</th><th class="num">kcal</th><th class="num">Cost</th>'
        f"</tr></thead><tbody>{rows}</tbody></table></div></section>"
    )


def _supplements_html(
    day: int, items: Sequence[PlanItem], foods: FoodTable | None = None
) -> str:
    """Show a day's supplements in a section of their own (never as food)."""
    lines = supplement_lines(items, foods)
    if not lines:
        return ""
    rows = "".join(
        f"<tr><td>{escape(s.name)}<br><small>{escape(s.food_id)}</small></td>"
        f"<td>{escape(portions_text(s.tablets, f'1 {s.unit}'))}</td>"
        f"<td>{escape(s.adds)}"
        + (f"<br><small>{escape(s.ul)}</small>" if s.ul else "")
        + f"</td><td>{escape(s.form)}</td>"
        f"<td>{escape(s.buy)}</td></tr>"
        for s in lines
    )
    return (
        f'<section class="mp-supplements" data-day="{day}">'
        f"<h3>{escape(SUPPLEMENTS_HEADING)}</h3>"
        '<div class="mp-table"><table><thead><tr><th>Supplement</th><th>Amount</th>'
        "<th>Adds</th><th>Form</th><th>Buy one</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        f"<p><small>{escape(SUPPLEMENTS_ADVICE)}</small></p></section>"
    )


def _days_html(
    plan: MealPlan, *, interactive: bool, foods: FoodTable | None = None
) -> str:
    out = []
    for day in plan.days:
        title = "Today's meals" if len(plan.days) == 1 else f"Day {day.day}"
        cost = "" if day.cost is None else f" — {money(day.cost)}"
        out.append(f'<h2 class="mp-day-title">{escape(title + cost)}</h2>')
        if interactive and len(plan.days) > 1:
            out.append(
                f'<button type="button" class="mp-regenerate" data-day="{day.day}">'
                f"Another day {day.day}</button>"
            )
        food_items = menu_order(
            [i for i in day.items if i.kind != "supplement"], day.meals
        )
        menus = {m.meal: m.title for m in day.meals}
        for meal, items in _meal_groups(food_items):
            menu = None if meal is None else menus.get(meal)
            out.append(
                _meal_html(day.day, meal, items, interactive=interactive, menu=menu)
            )
        out.append(_supplements_html(day.day, day.items, foods))
        if len(plan.days) > 1:
            out.append(f"<h3>Nutrient coverage, day {day.day}</h3>")
            out.append(coverage_chart(plan, day.totals))
    return "".join(out)


def _totals_table(plan: MealPlan) -> str:
    rows = []
    for t in plan.average:
        lo_kind, hi_kind = _kinds(plan, t.nutrient)
        lo = "—" if t.minimum is None else f"{_num(t.minimum, t.unit)} ({lo_kind})"
        hi = "—" if t.maximum is None else f"{_num(t.maximum, t.unit)} ({hi_kind})"
        amount = f"{'≥ ' if t.lower_bound else ''}{_num(t.amount, t.unit)}"
        label = nutrient_label(t.nutrient)
        bound = plan.targets.get(t.nutrient)
        status = t.status.value + near_limit_words(
            t, bound.maximum_kind if bound else None
        )
        rows.append(
            f"<tr><td>{escape(label[:1].upper() + label[1:])}</td>"
            f'<td class="num">{escape(amount)}</td><td class="num">{escape(lo)}</td>'
            f'<td class="num">{escape(hi)}</td><td>{escape(status)}</td></tr>'
        )
    return (
        '<div class="mp-table"><table class="mp-totals"><thead><tr><th>Nutrient</th>'
        '<th class="num">Total</th><th class="num">Minimum</th>'
        '<th class="num">Maximum</th><th>Status</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _citations_html(plan: MealPlan, foods: FoodTable | None) -> str:
    if foods is None or foods.mentions_table.empty:
        return ""
    seen: dict[str, PlanItem] = {}
    for item in plan.items:
        if item.kind != "supplement":  # no food, and no article names one
            seen.setdefault(item.food_id, item)
    rows = []
    for fid, item in sorted(seen.items(), key=lambda kv: kv[1].name.lower()):
        mentions = food_mentions(foods, fid)
        ndb = f"USDA NDB {item.ndb_no}" if item.ndb_no else "no USDA NDB number"
        where = "; ".join(mentions) if mentions else "not named in the article"
        rows.append(
            f'<li data-food="{escape(fid)}"><strong>{escape(item.name)}</strong> '
            f"({escape(ndb)}): {escape(where)}.</li>"
        )
    return (
        '<section class="mp-citations"><h2>The foods, and where the article names '
        f"them</h2><ul>{''.join(rows)}</ul></section>"
    )


def _grocery_html(plan: MealPlan, foods: FoodTable | None) -> str:
    everything = grocery_list(plan, foods)
    rows = "".join(
        f"<tr><td>{escape(g.food_group or 'Other')}</td><td>{escape(g.name)}</td>"
        f"<td>{escape(amount_text(g))}</td>"
        f'<td class="num">{number(g.grams)} g</td>'
        f'<td class="num">{escape(money(g.cost))}</td></tr>'
        for g in everything
        if g.kind != "supplement"
    )
    pills = "".join(
        f"<tr><td>{escape(g.name)}</td>"
        f"<td>{escape(portions_text(g.portions, g.portion_description))}</td>"
        f"<td>{escape(g.note or '')}</td></tr>"
        for g in everything
        if g.kind == "supplement"
    )
    extra = (
        f"<h3>{escape(SUPPLEMENTS_HEADING)}</h3>"
        '<div class="mp-table"><table class="mp-grocery-supplements"><thead><tr>'
        "<th>Supplement</th><th>Amount</th><th>Note</th></tr></thead>"
        f"<tbody>{pills}</tbody></table></div>"
        if pills
        else ""
    )
    return (
        '<section class="mp-grocery"><h2>Grocery list</h2><div class="mp-table">'
        "<table><thead><tr><th>Group</th><th>Food</th><th>Buy</th>"
        '<th class="num">Grams used</th><th class="num">Cost</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>{extra}</section>"
    )


def _summary(plan: MealPlan) -> str:
    parts = [f"Status: {plan.status.value}."]
    if plan.cost_per_day is not None:
        parts.append(f"Cost: {money(plan.cost_per_day)} a day.")
    parts.append(f"Objective: {plan.request.objective.value}.")
    short = short_minimums(
        plan.request.person,
        (d.totals for d in plan.days),
        plan.unplanned_minimums,
    )
    if unplanned := unplanned_sentence(plan.unplanned_minimums, short):
        parts.append(unplanned)
    return " ".join(parts)


def _disclaimer(disclaimer: str = DISCLAIMER) -> str:
    return (
        f'<p class="mp-disclaimer" role="note">{escape(disclaimer)} '
        f"{escape(DOCTOR_ADVICE)}</p>"
    )


def _plan_body(plan: MealPlan, foods: FoodTable | None, *, interactive: bool) -> str:
    average = "Average daily nutrients" if len(plan.days) > 1 else "Nutrients"
    notes = "".join(f"<li>{escape(n)}</li>" for n in plan.notes)
    return (
        f'<div class="mp-report mp-plan" data-status="{escape(plan.status.value)}">'
        f"<h1>{escape(plan_subject(plan))}</h1>{_disclaimer(plan.disclaimer)}"
        f"<p>{escape(_summary(plan))}</p>"
        f"{_days_html(plan, interactive=interactive, foods=foods)}"
        f'<section class="mp-coverage"><h2>{average}: coverage</h2>'
        f"{coverage_chart(plan, plan.average)}{_legend()}{_totals_table(plan)}"
        "</section>"
        f"{_citations_html(plan, foods)}{_grocery_html(plan, foods)}"
        + _absorption_html(plan, foods)
        + (
            f'<section class="mp-notes"><h2>Notes</h2><ul>{notes}</ul></section>'
            if notes
            else ""
        )
        + f"{_disclaimer(plan.disclaimer)}</div>"
    )


def _absorption_html(plan: MealPlan, foods: FoodTable | None) -> str:
    lines = "".join(f"<li>{escape(x)}</li>" for x in absorption_lines(plan, foods))
    if not lines:
        return ""
    return (
        '<section class="mp-absorption"><h2>Calcium: absorbed and total</h2>'
        f"<ul>{lines}</ul></section>"
    )


def _diagnosis_body(diagnosis: Diagnosis) -> str:
    conflicts = "".join(
        f'<li class="mp-conflict" data-constraint="{escape(c.constraint)}">'
        f"<strong>{escape(c.description)}</strong> "
        f"<code>{escape(c.constraint)}</code><br>{escape(c.relaxation)}</li>"
        for c in diagnosis.conflicts
    )
    minimal = (
        MINIMAL_SENTENCE
        if diagnosis.minimal
        else "This set may not be the smallest: some checks hit the time limit."
    )
    return (
        '<div class="mp-report mp-diagnosis"><h1>No plan meets this request</h1>'
        f"{_disclaimer()}<p>{escape(diagnosis.message)}</p>"
        + (f"<h2>Constraints in conflict</h2><ul>{conflicts}</ul>" if conflicts else "")
        + f"<p>{escape(minimal)}</p></div>"
    )


def render_fragment(
    result: MealPlan | Diagnosis,
    foods: FoodTable | None = None,
    *,
    interactive: bool = False,
) -> str:
    """Return the report of a plan or a diagnosis as an HTML fragment (a ``div``).

    Args:
        result: The plan, or the diagnosis of a request with no plan.
        foods: The table the plan was made with (article mentions, food
            groups); the bundled one when None.
        interactive: Add a regenerate button to every meal (the web page).

    """
    if isinstance(result, Diagnosis):
        return _diagnosis_body(result)
    foods = food_table(foods, "render_html")
    if foods is None:
        from mealplan._catalog import load_foods
        from mealplan._errors import RequestError

        bundled: FoodTable | None
        try:
            bundled = with_supplements(load_foods(), result.request)
        except RequestError:
            bundled = None  # a caller's supplements table: the plan names them
        return _plan_body(result, bundled, interactive=interactive)
    foods = with_supplements(foods, result.request)
    return _plan_body(result, foods, interactive=interactive)


def render_html(plan: MealPlan | Diagnosis, foods: FoodTable | None = None) -> str:
    """Render a plan (or a diagnosis) as a self-contained HTML document.

    The document has its style inline, draws the nutrient-coverage chart as
    inline SVG and loads nothing from the network, so it can be saved and
    opened offline. It shows the meals, the chart (each nutrient against its
    RDA/AI, with the upper limit marked), the totals, where the article names
    each food, the grocery list and the medical disclaimer.

    Args:
        plan: The plan (or a :class:`Diagnosis`).
        foods: The food table it was made with; the bundled one when None.

    Returns:
        The HTML text.

    """
    title = (
        plan_subject(plan)
        if isinstance(plan, MealPlan)
        else "No plan meets this request"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>body{{margin:1rem}}{REPORT_CSS}"
        f"</style></head><body>{render_fragment(plan, foods)}</body></html>\n"
    )


def notebook_html(plan: MealPlan | Diagnosis, foods: FoodTable | None = None) -> str:
    """Return the report as a styled fragment for a notebook cell."""
    return f"<style>{REPORT_CSS}</style>{render_fragment(plan, foods)}"
