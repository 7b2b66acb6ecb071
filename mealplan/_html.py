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

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from mealplan._arguments import food_table
from mealplan._html_chart import coverage_chart, legend, number_text
from mealplan._meal_titles import menu_order
from mealplan._models import (
    DISCLAIMER,
    Diagnosis,
    MealPlan,
    PlanItem,
)
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
)
from mealplan._report_grocery import amount_text
from mealplan._report_parts import (
    MINIMAL_SENTENCE,
    near_limit_words,
    unplanned_sentence,
)
from mealplan._shown_bounds import shown_bounds
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
        s = shown_bounds(plan, t)
        lo_kind, hi_kind = s.minimum_kind or "minimum", s.maximum_kind or "maximum"
        lo = _bound_cell(s.minimum, t.unit, lo_kind, s.minimum_planned)
        hi = _bound_cell(s.maximum, t.unit, hi_kind, s.maximum_planned)
        amount = f"{'≥ ' if t.lower_bound else ''}{number_text(t.amount, t.unit)}"
        label = nutrient_label(t.nutrient)
        bound = plan.targets.get(t.nutrient)
        status = s.status + near_limit_words(t, bound.maximum_kind if bound else None)
        if s.status != t.status.value and not s.planned:
            status += " (not planned)"
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


def _bound_cell(value: float | None, unit: str, kind: str, planned: bool) -> str:
    """Return a totals-table bound: "7.00 g (AI, not planned)" for a DRI only."""
    if value is None:
        return "—"
    return f"{number_text(value, unit)} ({kind}{'' if planned else ', not planned'})"


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
        f"{coverage_chart(plan, plan.average)}{legend()}{_totals_table(plan)}"
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
