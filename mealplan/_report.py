"""Render plans, diagnoses and grocery lists as text, Markdown or JSON.

Every function here is pure: it returns a string (or a list of models) and
never prints; :mod:`mealplan._cli` is the only module that writes to the
terminal. Text and Markdown come from one intermediate list of blocks
(headings, paragraphs, bullet lists and tables), so both show the same facts.

Every text and Markdown rendering ends with the information-not-medical-advice
line and the source article's advice to see a doctor about persistent
twitching.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mealplan._absorption import DEFAULT_FRACTION, absorbable_calcium, vitamin_d_form
from mealplan._arguments import food_table
from mealplan._catalog import FoodTable
from mealplan._meal_titles import menu_order
from mealplan._models import (
    Diagnosis,
    MealPlan,
    MealTitle,
    NutrientTotal,
    PlanItem,
)
from mealplan._nutrients import FOCUS_NUTRIENTS, Nutrient
from mealplan._panel_report import (
    compact_panel,
    missing_notes,
    short_minimums,
)
from mealplan._report_grocery import grocery_blocks as _grocery_blocks
from mealplan._report_grocery import (
    grocery_list,
    render_grocery_markdown,
    render_grocery_text,
)
from mealplan._report_lookup import (
    SECTION_TITLES,
    food_mentions,
    render_food_markdown,
    render_food_text,
    render_targets_markdown,
    render_targets_text,
)
from mealplan._report_parts import (
    DOCTOR_ADVICE,
    MINIMAL_SENTENCE,
    Table,
    amount,
    item_label,
    money,
    number,
    nutrient_label,
    portions_text,
    table_text,
    unit_label,
    unplanned_sentence,
)
from mealplan._report_parts import NAME_WIDTH as _NAME_WIDTH
from mealplan._report_parts import Block as _Block
from mealplan._report_parts import Bullets as _Bullets
from mealplan._report_parts import Heading as _Heading
from mealplan._report_parts import Para as _Para
from mealplan._report_parts import footer as _footer
from mealplan._report_parts import grams as _grams
from mealplan._report_parts import plan_table as _table_or_bundled
from mealplan._report_parts import to_markdown as _to_markdown
from mealplan._report_parts import to_text as _to_text
from mealplan._report_totals import totals_table as _totals_table
from mealplan._supplements import (
    SUPPLEMENTS_ADVICE,
    SUPPLEMENTS_HEADING,
    supplement_lines,
)

if TYPE_CHECKING:
    from mealplan._explain import Explanation

__all__ = [
    "DOCTOR_ADVICE",
    "SECTION_TITLES",
    "Table",
    "absorption_lines",
    "amount",
    "food_mentions",
    "grocery_list",
    "item_label",
    "money",
    "number",
    "nutrient_label",
    "plan_subject",
    "portions_text",
    "render_diagnosis_json",
    "render_diagnosis_markdown",
    "render_diagnosis_text",
    "render_food_markdown",
    "render_food_text",
    "render_grocery_markdown",
    "render_grocery_text",
    "render_json",
    "render_markdown",
    "render_targets_markdown",
    "render_targets_text",
    "render_text",
    "table_text",
    "unit_label",
]

_SHORT = {
    Nutrient.MAGNESIUM: "Mg",
    Nutrient.CALCIUM: "Ca",
    Nutrient.VITAMIN_D: "Vit D",
    Nutrient.VITAMIN_B12: "B12",
}
# ------------------------------------------------------------------ plan parts


def _per_100g(foods: FoodTable | None, food_id: str, nutrient: str) -> float | None:
    if foods is None or food_id not in foods:
        return None
    return foods.value(food_id, nutrient)


def _focus(plan: MealPlan) -> list[str]:
    columns = {t.nutrient for t in plan.average}
    return [n.value for n in FOCUS_NUTRIENTS if n.value in columns]


def plan_subject(plan: MealPlan) -> str:
    """Return the plan's one-line title (whom it is for, diet, days)."""
    req = plan.request
    who = "your own targets"
    if req.person is not None:
        p = req.person
        who = f"a {p.age:g}-year-old {p.sex.value}"
        if p.pregnancy:
            who += " (pregnant" + (
                f", trimester {p.trimester})" if p.trimester else ")"
            )
        elif p.lactation:
            who += " (breastfeeding)"
    days = "1 day" if req.days == 1 else f"{req.days} days"
    return f"Meal plan for {who}, {req.diet.value} diet, {days}"


def _summary(plan: MealPlan) -> str:
    parts = [f"Status: {plan.status.value}."]
    if plan.cost_per_day is not None:
        parts.append(f"Cost: {money(plan.cost_per_day)} a day.")
    else:
        priced = [i for i in plan.items if i.cost is not None]
        if priced:
            known = sum(i.cost or 0.0 for i in priced) / plan.request.days
            parts.append(
                f"Cost: at least {money(known)} a day (some foods have no price)."
            )
    parts.append(f"Objective: {plan.request.objective.value}.")
    short = short_minimums(
        plan.request.person,
        (d.totals for d in plan.days),
        plan.unplanned_minimums,
    )
    if unplanned := unplanned_sentence(plan.unplanned_minimums, short):
        parts.append(unplanned)
    return " ".join(parts)


def _items_table(
    items: Sequence[PlanItem],
    day_totals: Sequence[NutrientTotal],
    focus: Sequence[str],
    foods: FoodTable | None,
    *,
    clip: bool,
) -> Table:
    totals = {t.nutrient: t.amount for t in day_totals}
    headers = ["Meal", "Food", "Amount", "Grams", "kcal", "Cost"]
    headers += [_SHORT.get(Nutrient(n), n) for n in focus]
    headers.append("NDB")
    rows: list[list[str]] = []
    last_meal: str | None = None
    for item in items:
        meal = item.meal or "day"
        row = [
            meal if meal != last_meal else "",
            item_label(item),
            portions_text(item.portions, item.portion_description),
            _grams(item.grams),
            "—" if item.energy_kcal is None else f"{item.energy_kcal:,.0f}",
            money(item.cost),
        ]
        last_meal = meal
        for n in focus:
            per = _per_100g(foods, item.food_id, n)
            total = totals.get(n, 0.0)
            if per is None:
                row.append("n/a" if foods is not None else "")
            elif total <= 0:
                row.append("0%")
            else:
                row.append(f"{100 * per * item.grams / 100 / total:.0f}%")
        row.append(item.ndb_no or "—")
        rows.append(row)
    right = {3, 4, 5, *range(6, 6 + len(focus))}
    return Table(headers, rows, right, {1: _NAME_WIDTH} if clip else {})


def _foods_block(plan: MealPlan, foods: FoodTable | None) -> list[_Block]:
    if foods is None or not foods.mention_records:
        return []  # a caller's table: no article mentions to show
    seen: dict[str, PlanItem] = {}
    for item in plan.items:
        if item.kind != "supplement":  # no food, and no article names one
            seen.setdefault(item.food_id, item)
    bullets = []
    for fid, item in sorted(seen.items(), key=lambda kv: kv[1].name.lower()):
        mentions = food_mentions(foods, fid)
        code = foods.food(fid).fndds_code if fid in foods else None
        ndb = (
            f"USDA NDB {item.ndb_no}"
            if item.ndb_no
            else f"USDA FNDDS 2017-2018 food code {code}"
            if code
            else "no USDA NDB number"
        )
        where = "; ".join(mentions) if mentions else "not named in the article"
        bullets.append(f"{item.name} ({ndb}): {where}.")
    return [
        _Heading(2, "The foods, and where the article names them"),
        _Bullets(bullets),
    ]


def _menu_line(meal: MealTitle) -> str:
    kcal = "" if meal.energy_kcal is None else f" ({meal.energy_kcal:,.0f} kcal)"
    return f"{meal.meal.capitalize()}{kcal}: {meal.title}"


def _day_blocks(plan: MealPlan, foods: FoodTable | None, *, clip: bool) -> list[_Block]:
    focus = _focus(plan)
    blocks: list[_Block] = []
    for day in plan.days:
        title = "Today's meals" if len(plan.days) == 1 else f"Day {day.day}"
        cost = "" if day.cost is None else f" — {money(day.cost)}"
        blocks.append(_Heading(2, title + cost))
        if day.meals:
            # The menu first, as a person reads a day; the table is the detail.
            blocks.append(_Bullets([_menu_line(m) for m in day.meals]))
        food_items = menu_order(
            [i for i in day.items if i.kind != "supplement"], day.meals
        )
        blocks.append(_items_table(food_items, day.totals, focus, foods, clip=clip))
        blocks.append(
            _Para(
                "Share of the day's "
                + ", ".join(nutrient_label(n) for n in focus)
                + " from each food"
                + (" (n/a: no USDA value)." if foods is not None else ".")
            )
        )
        blocks += _supplement_blocks(day.items, foods, clip=clip)
        blocks.append(_Heading(3, f"Nutrients, day {day.day}"))
        blocks.append(_totals_table(plan, day.totals))
        missing = missing_notes(day.totals, plan.request.person)
        if missing:
            blocks.append(_Bullets(missing))
        planned = [b.nutrient for b in plan.targets.bounds if b.minimum is not None]
        panel = compact_panel(plan.request.person, day.totals, planned, amount)
        if panel:
            blocks.append(_Para(f"The rest of the DRI panel, day {day.day}:"))
            blocks.append(_Bullets(panel))
        sources = _sources_lines(plan, day.items, foods)
        if sources:
            blocks.append(_Bullets(sources))
    return blocks


def _supplement_blocks(
    items: Sequence[PlanItem], foods: FoodTable | None, *, clip: bool
) -> list[_Block]:
    """Show the day's supplements apart from its food (never as food)."""
    lines = supplement_lines(items, foods)
    if not lines:
        return []
    rows = [
        [
            s.name,
            portions_text(s.tablets, f"1 {s.unit}"),
            f"{s.adds}; {s.ul}" if s.ul else s.adds,
            s.form,
            s.buy,
        ]
        for s in lines
    ]
    return [
        _Heading(3, SUPPLEMENTS_HEADING),
        Table(
            ["Supplement", "Amount", "Adds", "Form", "Buy one"],
            rows,
            set(),
            {0: _NAME_WIDTH, 3: 30, 4: 30} if clip else {},
        ),
        _Para(SUPPLEMENTS_ADVICE),
    ]


def _sources_lines(
    plan: MealPlan, items: Sequence[PlanItem], foods: FoodTable | None
) -> list[str]:
    """Vitamin D forms, and absorbable calcium when the request asks for it."""
    if foods is None or any(i.food_id not in foods for i in items):
        return []
    lines = []
    forms: dict[str, str] = {}
    for item in items:
        form = vitamin_d_form(foods, item.food_id)
        if form is not None:
            forms.setdefault(item.name, form)
    if forms:
        lines.append(
            "Vitamin D sources: "
            + "; ".join(f"{n} ({f})" for n, f in forms.items())
            + " (D2: ergocalciferol, from UV-exposed mushrooms and added to some"
            " fortified plant milks; D3: cholecalciferol, from animal foods, or"
            " added, often made from lanolin)."
        )
    if plan.request.absorbable_calcium:
        absorbed, total, assumed = absorbable_calcium(foods, items)
        share = f" ({100 * absorbed / total:.0f}%)" if total else ""
        line = (
            f"Absorbable calcium: about {amount(absorbed, 'mg')} of "
            f"{amount(total, 'mg')}{share}, by the fractions of Weaver, Proulx & "
            "Heaney, Am J Clin Nutr 1999;70(3 Suppl):543S-548S, Table 2"
        )
        bound = plan.targets.get("calcium_mg")
        if bound is not None and bound.minimum is not None:
            line += (
                f"; planned: at least {amount(bound.minimum * DEFAULT_FRACTION, 'mg')} "
                "absorbed "
                f"(the RDA/AI of {amount(bound.minimum, 'mg')} at milk's 32.1%)"
            )
        if assumed:
            line += "; assumed absorbed like milk (32.1%): " + ", ".join(assumed)
        lines.append(line + ".")
    return lines


def absorption_lines(plan: MealPlan, foods: FoodTable | None = None) -> list[str]:
    """Each day's absorbable-calcium line, when the request asks for it."""
    table = _table_or_bundled(plan, foods)
    if not plan.request.absorbable_calcium or table is None:
        return []
    lines = []
    for day in plan.days:
        for line in _sources_lines(plan, day.items, table):
            if line.startswith("Absorbable calcium"):
                prefix = f"Day {day.day}: " if len(plan.days) > 1 else ""
                lines.append(prefix + line)
    return lines


def _explanation_blocks(explanation: Explanation | None) -> list[_Block]:
    if explanation is None:
        return []
    blocks: list[_Block] = [_Heading(2, "Why this plan")]
    lines = [b.text for b in explanation.binding] or [
        "No nutrient bound is binding: every total has room to spare."
    ]
    blocks.append(_Bullets(lines))
    if explanation.notes:
        blocks.append(_Bullets(list(explanation.notes)))
    if explanation.marginal:
        blocks.append(_Heading(3, "What tightening a binding bound would cost"))
        blocks.append(_Bullets([m.text for m in explanation.marginal]))
    if explanation.objective:
        blocks.append(_Para(f"Objective: {explanation.objective}"))
    blocks += _sources_blocks(explanation)
    return blocks


def _sources_blocks(explanation: Explanation) -> list[_Block]:
    """Render the main sources of the focus nutrients and the data gaps."""
    focus = {n.value for n in FOCUS_NUTRIENTS}
    lines = []
    for n in explanation.nutrients:
        if n.nutrient not in focus or not n.contributions:
            continue
        top = [c for c in n.contributions if c.amount][:3]
        parts = ", ".join(
            f"{c.name} {amount(c.amount or 0.0, n.unit)}"
            + (f" ({c.share:.0%})" if c.share is not None else "")
            for c in top
        )
        if parts:
            label = nutrient_label(n.nutrient)
            lines.append(f"{label[0].upper()}{label[1:]}: {parts}")
    blocks: list[_Block] = []
    if lines:
        blocks.append(_Heading(3, "Main sources (a day)"))
        blocks.append(_Bullets(lines))
    if explanation.data_gaps:
        blocks.append(_Heading(3, "Data gaps"))
        blocks.append(_Bullets(list(explanation.data_gaps)))
    return blocks


def _plan_blocks(
    plan: MealPlan,
    foods: FoodTable | None,
    explanation: Explanation | None,
    *,
    clip: bool,
) -> list[_Block]:
    table = _table_or_bundled(plan, foods)
    blocks: list[_Block] = [_Heading(1, plan_subject(plan)), _Para(_summary(plan))]
    blocks += _day_blocks(plan, table, clip=clip)
    if len(plan.days) > 1:
        blocks.append(_Heading(2, f"Average per day over {len(plan.days)} days"))
        blocks.append(_totals_table(plan, plan.average))
        missing = missing_notes(plan.average, plan.request.person)
        if missing:
            blocks.append(_Bullets(missing))
        blocks.append(_Heading(2, "Grocery list"))
        blocks += _grocery_blocks(grocery_list(plan, table), clip=clip)
    blocks += _foods_block(plan, table)
    blocks += _explanation_blocks(explanation)
    if plan.notes:
        blocks.append(_Heading(2, "Notes"))
        blocks.append(_Bullets(list(plan.notes)))
    blocks += _footer(plan.disclaimer)
    return blocks


def render_text(
    plan: MealPlan,
    foods: FoodTable | None = None,
    *,
    explanation: Explanation | None = None,
) -> str:
    """Render a plan as aligned plain-text tables for a terminal.

    Args:
        plan: The plan.
        foods: The food table it was made with (for the article mentions,
            food groups and nutrient shares); the bundled one when None.
        explanation: An :func:`~mealplan._explain.explain` result to include.

    Returns:
        The text, ending with the medical disclaimer and the doctor advice.

    """
    foods = food_table(foods, "render_text")
    return _to_text(_plan_blocks(plan, foods, explanation, clip=True))


def render_markdown(
    plan: MealPlan,
    foods: FoodTable | None = None,
    *,
    explanation: Explanation | None = None,
) -> str:
    """Render a plan as Markdown (headings, pipe tables, bullet lists).

    Args:
        plan: The plan.
        foods: The food table it was made with; the bundled one when None.
        explanation: An :func:`~mealplan._explain.explain` result to include.

    Returns:
        The Markdown, ending with the medical disclaimer and the doctor advice.

    """
    foods = food_table(foods, "render_markdown")
    return _to_markdown(_plan_blocks(plan, foods, explanation, clip=False))


def render_json(plan: MealPlan, *, indent: int | None = 2) -> str:
    """Return the plan as JSON (the :class:`MealPlan` contract, with its disclaimer)."""
    return plan.model_dump_json(indent=indent)


# ------------------------------------------------------------------ diagnosis


def _diagnosis_blocks(diagnosis: Diagnosis) -> list[_Block]:
    rows = [[c.constraint, c.description, c.relaxation] for c in diagnosis.conflicts]
    blocks: list[_Block] = [
        _Heading(1, "No plan meets this request"),
        _Para(diagnosis.message),
    ]
    if rows:
        blocks.append(_Heading(2, "Constraints in conflict"))
        blocks.append(
            Table(["Constraint", "What it requires", "How to relax it"], rows)
        )
    blocks.append(
        _Para(
            MINIMAL_SENTENCE
            if diagnosis.minimal
            else "This set may not be the smallest: some checks hit the time limit."
        )
    )
    blocks += _advice_blocks(diagnosis)
    blocks += _footer()
    return blocks


def _advice_blocks(diagnosis: Diagnosis) -> list[_Block]:
    """Render what to change, smallest change first, with the flag that applies it."""
    blocks: list[_Block] = []
    if diagnosis.suggestions:
        rows = [
            [
                s.description[0].upper()
                + s.description[1:]
                + ("" if s.smallest else " (a smaller change may exist)"),
                s.flag or f"(request field {s.field})",
                "yes" if s.verified else "not verified",
            ]
            for s in diagnosis.suggestions
        ]
        blocks.append(_Heading(2, "What you can change"))
        blocks.append(Table(["Change (smallest first)", "Flag", "Gives a plan"], rows))
        blocks.append(
            _Para(
                "Each change was re-planned on the whole request; in JSON each "
                "suggestion carries a merge patch (RFC 7386) that applies it."
            )
        )
    for note in diagnosis.advice_notes:
        blocks.append(_Para(note))
    return blocks


def render_diagnosis_text(diagnosis: Diagnosis) -> str:
    """Render why no plan exists, as plain text."""
    return _to_text(_diagnosis_blocks(diagnosis))


def render_diagnosis_markdown(diagnosis: Diagnosis) -> str:
    """Render why no plan exists, as Markdown."""
    return _to_markdown(_diagnosis_blocks(diagnosis))


def render_diagnosis_json(diagnosis: Diagnosis, *, indent: int | None = 2) -> str:
    """Return the :class:`Diagnosis` as JSON."""
    return diagnosis.model_dump_json(indent=indent)
