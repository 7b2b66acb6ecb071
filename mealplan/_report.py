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

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mealplan._absorption import DEFAULT_FRACTION, absorbable_calcium, vitamin_d_form
from mealplan._arguments import food_table
from mealplan._catalog import Food, FoodTable, load_foods
from mealplan._errors import RequestError
from mealplan._models import (
    DISCLAIMER,
    Diagnosis,
    GroceryItem,
    MealPlan,
    NutrientStatus,
    NutrientTargets,
    NutrientTotal,
    PlanItem,
)
from mealplan._nutrients import FOCUS_NUTRIENTS, Nutrient
from mealplan._panel import REPORTED_ONLY, compact_panel
from mealplan._structure import fat_amount_text
from mealplan._supplements import (
    SUPPLEMENTAL_MAGNESIUM,
    SUPPLEMENTS_ADVICE,
    SUPPLEMENTS_HEADING,
    supplement_lines,
    with_supplements,
)

if TYPE_CHECKING:
    from mealplan._explain import Explanation

__all__ = [
    "DOCTOR_ADVICE",
    "SECTION_TITLES",
    "Table",
    "absorption_lines",
    "food_mentions",
    "grocery_list",
    "item_label",
    "plan_subject",
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
]

DOCTOR_ADVICE = (
    'The source article advises: "You should see a doctor if your muscle '
    "twitching is persistent (lasts more than two weeks), severe, or accompanied "
    'by other symptoms like muscle weakness, stiffness, or numbness."'
)
"""The article's own words (its FAQ) on when to see a doctor."""

SECTION_TITLES: dict[str, str] = {
    "key_points": "Key Points",
    "comparison_table": "the comparison table (Best Dietary Sources)",
    "dietary_adjustments": "Dietary Adjustments",
    "foods_high_magnesium": "High-Magnesium Foods",
    "foods_high_calcium": "High-Calcium Foods",
    "foods_vitamin_d": "Vitamin D Sources",
    "faq": "the FAQ",
}
"""Article section slug (``article_mentions.csv``) -> the heading it stands for."""

_SHORT = {
    Nutrient.MAGNESIUM: "Mg",
    Nutrient.CALCIUM: "Ca",
    Nutrient.VITAMIN_D: "Vit D",
    Nutrient.VITAMIN_B12: "B12",
}
_ORDER = (
    *FOCUS_NUTRIENTS,
    Nutrient.ENERGY,
    Nutrient.PROTEIN,
    Nutrient.FAT,
    Nutrient.CARBOHYDRATE,
    Nutrient.FIBER,
    Nutrient.POTASSIUM,
    Nutrient.SODIUM,
)
_NAME_WIDTH = 38


# ----------------------------------------------------------------- formatting


def unit_label(unit: str) -> str:
    """Return the unit as printed: ``ug`` becomes ``µg``."""
    return "µg" if unit == "ug" else unit


def number(x: float) -> str:
    """Format an amount with sensible precision (1,695 / 15.1 / 2.40 / 0.50)."""
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def amount(x: float, unit: str) -> str:
    """Format an amount with its unit, e.g. ``15.1 µg``."""
    return f"{number(x)} {unit_label(unit)}"


def money(x: float | None) -> str:
    """Format dollars, or an em dash for no price."""
    return "—" if x is None else f"${x:,.2f}"


def nutrient_label(nutrient: str) -> str:
    """Return a readable nutrient name (``vitamin B12``; ``iron`` for ``iron_mg``)."""
    if nutrient == SUPPLEMENTAL_MAGNESIUM:
        return "magnesium from supplements"
    try:
        return str(Nutrient(nutrient).label)
    except ValueError:
        stem = nutrient.rsplit("_", 1)[0] if "_" in nutrient else nutrient
        return stem.replace("_", " ")


def portions_text(portions: float, description: str) -> str:
    """Return household units, e.g. ``1½ x 1 cup`` (``1 cup`` for one portion)."""
    if math.isclose(portions, 1.0):
        return description
    whole = math.floor(portions + 1e-9)
    frac = portions - whole
    if math.isclose(frac, 0.0, abs_tol=1e-6):
        count = str(whole)
    elif math.isclose(frac, 0.5, abs_tol=1e-6):
        count = f"{whole or ''}½"
    elif math.isclose(frac, 0.25, abs_tol=1e-6):
        count = f"{whole or ''}¼"  # quarter servings (ages 1-3)
    elif math.isclose(frac, 0.75, abs_tol=1e-6):
        count = f"{whole or ''}¾"
    else:
        count = f"{portions:.2f}".rstrip("0").rstrip(".")
    return f"{count} x {description}"


def item_label(item: PlanItem) -> str:
    """Return an item's name, or for a cooking fat how it goes with its item.

    A fat that is part of another item of its meal reads as a cook says it:
    ``↳ cooked with 1½ tsp olive oil`` (listed right after that item).
    """
    if item.part_of is None or item.part_as is None:
        return item.name
    amount = fat_amount_text(item.portions, item.portion_description)
    name = item.name[:1].lower() + item.name[1:]
    return f"↳ {item.part_as} {amount} {name}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _grams(x: float) -> str:
    return f"{x:,.0f} g" if x >= 10 else f"{x:.1f} g"


# ------------------------------------------------------------------ blocks


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    right: set[int] = field(default_factory=set)
    clip: dict[int, int] = field(default_factory=dict)


@dataclass
class _Heading:
    level: int
    text: str


@dataclass
class _Para:
    text: str


@dataclass
class _Bullets:
    items: list[str]


_Block = Table | _Heading | _Para | _Bullets


def _text_table(table: Table) -> list[str]:
    rows = [
        [_clip(c, table.clip[k]) if k in table.clip else c for k, c in enumerate(r)]
        for r in table.rows
    ]
    widths = [len(h) for h in table.headers]
    for r in rows:
        for k, c in enumerate(r):
            widths[k] = max(widths[k], len(c))

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(widths[k]) if k in table.right else c.ljust(widths[k])
            for k, c in enumerate(cells)
        ]
        return "  " + "  ".join(out).rstrip()

    rule = "  " + "  ".join("-" * w for w in widths)
    return [line(table.headers), rule, *(line(r) for r in rows)]


def _to_text(blocks: Iterable[_Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, _Heading):
            if out and out[-1] != "":
                out.append("")
            out.append(b.text)
            out.append(("=" if b.level == 1 else "-") * len(b.text))
        elif isinstance(b, _Para):
            out.append(b.text)
            out.append("")
        elif isinstance(b, _Bullets):
            out.extend(f"  - {item}" for item in b.items)
            out.append("")
        else:
            out.extend(_text_table(b))
            out.append("")
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _to_markdown(blocks: Iterable[_Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, _Heading):
            out.append(f"{'#' * b.level} {b.text}")
        elif isinstance(b, _Para):
            out.append(b.text)
        elif isinstance(b, _Bullets):
            out.append("\n".join(f"- {item}" for item in b.items))
        else:
            head = "| " + " | ".join(_md_cell(h) for h in b.headers) + " |"
            align = (
                "|"
                + "|".join(
                    "---:" if k in b.right else "---" for k in range(len(b.headers))
                )
                + "|"
            )
            rows = ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in b.rows]
            out.append("\n".join([head, align, *rows]))
    return "\n\n".join(out) + "\n"


def table_text(table: Table, *, markdown: bool = False) -> str:
    """Render one table as aligned text, or as a Markdown pipe table."""
    return _to_markdown([table]) if markdown else _to_text([table])


def _footer() -> list[_Block]:
    return [_Heading(2, "Medical note"), _Para(DISCLAIMER), _Para(DOCTOR_ADVICE)]


# ------------------------------------------------------------------ plan parts


def _table_or_bundled(plan: MealPlan, foods: FoodTable | None) -> FoodTable | None:
    if foods is not None:
        # A plan with supplements names them: the table gets their rows.
        return with_supplements(foods, plan.request)
    try:
        table = with_supplements(load_foods(dishes=True), plan.request)
    except RequestError:
        return None  # a caller's supplements table: the bundled one lacks them
    # A plan made with a caller's table: the bundled one knows none of its foods.
    if all(item.food_id in table for item in plan.items):
        return table
    return None


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


def _bound_text(value: float | None, unit: str, kind: object) -> str:
    if value is None:
        return "—"
    kind_s = f" ({kind.value})" if kind is not None and hasattr(kind, "value") else ""
    return amount(value, unit) + kind_s


def _totals_table(plan: MealPlan, totals: Sequence[NutrientTotal]) -> Table:
    by_name = {t.nutrient: t for t in totals}
    order: list[str] = [str(n.value) for n in _ORDER if n.value in by_name]
    order += [n for n in by_name if n not in order]
    rows: list[list[str]] = []
    for name in order:
        t = by_name[name]
        if t.status is NutrientStatus.NO_BOUND and t.lower_bound and t.amount == 0:
            continue  # no chosen food has data for it: nothing to say
        planned = plan.targets.get(name)
        if name in REPORTED_ONLY and (planned is None or planned.minimum is None):
            continue  # shown in the compact panel below the table
        bound = plan.targets.get(name)
        total = ("≥ " if t.lower_bound else "") + amount(t.amount, t.unit)
        status = t.status.value if t.status is not NutrientStatus.NO_BOUND else "—"
        if t.status is NutrientStatus.SHORT:
            status += f" by {amount(t.shortfall, t.unit)}"
        elif t.status is NutrientStatus.OVER:
            status += f" by {amount(t.excess, t.unit)}"
        pct = "—" if t.percent_of_minimum is None else f"{t.percent_of_minimum:.0f}%"
        label = nutrient_label(name)
        rows.append(
            [
                label[:1].upper() + label[1:],
                total,
                _bound_text(t.minimum, t.unit, bound.minimum_kind if bound else None),
                _bound_text(t.maximum, t.unit, bound.maximum_kind if bound else None),
                pct,
                status,
            ]
        )
    return Table(
        ["Nutrient", "Total", "Target", "Upper limit", "% of target", "Status"],
        rows,
        {1, 4},
    )


def _missing_notes(totals: Sequence[NutrientTotal]) -> list[str]:
    out = []
    for t in totals:
        if t.status is NutrientStatus.NO_BOUND:
            continue
        if t.lower_bound and t.foods_missing_data:
            names = ", ".join(t.foods_missing_data)
            label = nutrient_label(t.nutrient)
            out.append(
                f"{label[:1].upper() + label[1:]} is a lower bound (≥): the food table "
                f"has no {label} value for {names}, so the true total may be higher."
            )
    return out


def food_mentions(foods: FoodTable, food_id: str) -> list[str]:
    """Where the article names a food, in its own words, one phrase per section.

    Returns phrases such as ``"Pumpkin seeds", listed under High-Magnesium
    Foods``; a mention of the food itself is preferred to one of its category.
    """
    if food_id not in foods:
        return []
    best: dict[str, tuple[int, str]] = {}
    for m in foods.mentions(food_id):
        if m.kind not in ("food", "category"):
            continue
        rank = 0 if m.kind == "food" else 1
        if m.section not in best or rank < best[m.section][0]:
            best[m.section] = (rank, m.words)
    order = list(SECTION_TITLES)
    sections = sorted(best, key=lambda s: order.index(s) if s in order else len(order))
    if not best:
        return _dish_mentions(foods, food_id, order)
    return [
        f'"{best[s][1]}", listed under {SECTION_TITLES.get(s, s)}' for s in sections
    ]


def _dish_mentions(foods: FoodTable, food_id: str, order: list[str]) -> list[str]:
    """Cite the article through a dish's recipe ingredients (>= 2 g per 100 g)."""
    from mealplan._grocery import dish_ingredients

    def rank(section: str, kind: str) -> tuple[bool, bool, int]:
        position = order.index(section) if section in order else len(order)
        return (not section.startswith("foods_"), kind != "food", position)

    out: dict[tuple[str, str], str] = {}
    for ing in dish_ingredients(food_id):
        if float(ing["grams_per_100g"]) < 2:
            continue
        found = [
            (rank(m.section, m.kind), m, b)
            for b in ing["food_ids"].split(";")
            if b in foods
            for m in foods.mentions(b)
            if m.kind in ("food", "category")
        ]
        if not found:
            continue
        _, m, bundled = min(found, key=lambda x: (x[0], x[1].words, x[2]))
        key = (m.words.lower(), m.section)
        out.setdefault(
            key,
            f"made with {foods.food(bundled).name.lower()}, which the article names "
            f'("{m.words}") under {SECTION_TITLES.get(m.section, m.section)}',
        )
    return list(out.values())[:3]


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


def _day_blocks(plan: MealPlan, foods: FoodTable | None, *, clip: bool) -> list[_Block]:
    focus = _focus(plan)
    blocks: list[_Block] = []
    for day in plan.days:
        title = "Today's meals" if len(plan.days) == 1 else f"Day {day.day}"
        cost = "" if day.cost is None else f" — {money(day.cost)}"
        blocks.append(_Heading(2, title + cost))
        food_items = [i for i in day.items if i.kind != "supplement"]
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
        missing = _missing_notes(day.totals)
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
            + " (D2: ergocalciferol, from UV-exposed mushrooms; D3: cholecalciferol)."
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
        missing = _missing_notes(plan.average)
        if missing:
            blocks.append(_Bullets(missing))
        blocks.append(_Heading(2, "Grocery list"))
        blocks += _grocery_blocks(grocery_list(plan, table), clip=clip)
    blocks += _foods_block(plan, table)
    blocks += _explanation_blocks(explanation)
    if plan.notes:
        blocks.append(_Heading(2, "Notes"))
        blocks.append(_Bullets(list(plan.notes)))
    blocks += _footer()
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


# ---------------------------------------------------------------- grocery list


def grocery_list(plan: MealPlan, foods: FoodTable | None = None) -> list[GroceryItem]:
    """Sum what to buy for the plan, grouped and sorted by food group.

    Args:
        plan: The plan.
        foods: The table it was made with, for food groups; bundled when None.

    Returns:
        One item per purchasable food: a dish is broken into its recipe
        ingredients (FNDDS 2015-2016, per 100 g as eaten), a cooked food
        becomes what is bought (dry lentils, raw rice, raw eggs) where the
        bundled purchase forms allow, and the rest is listed as eaten, with a
        ``note`` saying so. Grams and household or package units (SR28
        WEIGHT) are of what is bought; cost is the plan's cost of the foods
        it serves (None for dish ingredients, which are priced with the dish,
        and for unpriced foods).

    """
    from mealplan._grocery import shopping

    foods = food_table(foods, "grocery_list")
    table = _table_or_bundled(plan, foods)
    plan_portions: dict[str, tuple[float, str]] = {}
    for item in plan.items:
        done, _ = plan_portions.get(item.food_id, (0.0, ""))
        plan_portions[item.food_id] = (
            done + item.portions,
            item.portion_description,
        )
    out = []
    pills = {i.food_id for i in plan.items if i.kind == "supplement"}
    for p in shopping(plan, table):
        if p.key in pills:
            continue  # listed apart below: a supplement is not food
        if p.unit and p.unit_grams and p.grams / p.unit_grams >= 0.1:
            portions, description = p.grams / p.unit_grams, p.unit
        elif not p.converted and p.key in plan_portions:
            portions, description = plan_portions[p.key]
        else:
            portions, description = p.grams / 100, "100 g"
        if p.key == "egg-whole" or p.name.lower().startswith("egg, whole, raw"):
            whole = math.ceil(portions - 1e-9)
            description = f"large (buy {whole}; a dozen is 12)"
        out.append(
            GroceryItem(
                food_id=p.key,
                name=p.name,
                food_group=p.food_group,
                grams=round(p.grams, 4),
                portions=round(portions, 6),
                portion_description=description,
                cost=None if p.cost is None else round(p.cost, 4),
                converted=p.converted,
                from_foods=sorted(p.sources),
                note="; ".join(sorted(p.notes)) or None,
            )
        )
    out.sort(key=lambda g: (g.food_group is None, g.food_group or "", g.name.lower()))
    for s in supplement_lines(plan.items, table):
        out.append(
            GroceryItem(
                food_id=s.food_id,
                name=s.name,
                food_group="Dietary supplements",
                grams=0.0,
                portions=s.tablets,
                portion_description=f"1 {s.unit}",
                cost=None,
                from_foods=[s.food_id],
                note=f"a supplement, not food: {s.buy}" if s.buy else "a supplement",
                kind="supplement",
            )
        )
    return out


def _grocery_blocks(everything: Sequence[GroceryItem], *, clip: bool) -> list[_Block]:
    items = [g for g in everything if g.kind != "supplement"]
    pills = [g for g in everything if g.kind == "supplement"]
    rows = [
        [
            g.food_group or "Other",
            g.name,
            portions_text(g.portions, g.portion_description),
            _grams(g.grams),
            money(g.cost),
        ]
        for g in items
    ]
    last = None
    for row in rows:
        group, row[0] = row[0], row[0] if row[0] != last else ""
        last = group
    blocks: list[_Block] = [
        Table(
            ["Food group", "Food", "Amount", "Grams", "Cost"],
            rows,
            {3, 4},
            {1: _NAME_WIDTH} if clip else {},
        )
    ]
    priced = [g.cost for g in items if g.cost is not None]
    in_dishes = [g for g in items if g.cost is None and g.note and "dish" in g.note]
    unpriced = [g.name for g in items if g.cost is None and g not in in_dishes]
    total = f"Total: {money(sum(priced))}" if priced else "No prices known"
    if unpriced:
        total += (
            f", plus {len(unpriced)} food(s) without a price ({'; '.join(unpriced)})"
        )
    blocks.append(_Para(total + "."))
    if in_dishes:
        blocks.append(
            _Para(
                f"{len(in_dishes)} item(s) are ingredients of dishes (FNDDS "
                "2015-2016 recipes, approximate); they are priced with the dish, "
                "in the plan's cost per day."
            )
        )
    as_eaten = [g.name for g in items if g.note and "listed as eaten" in g.note]
    if as_eaten:
        blocks.append(
            _Para(
                f"Listed as eaten, not converted to what you buy: {'; '.join(as_eaten)}."
            )
        )
    bought_raw = [g.name for g in items if g.note and g.note.startswith("bought ")]
    if bought_raw:
        blocks.append(
            _Para(
                "Bought raw or dry for cooked foods (amounts from USDA protein "
                f"per 100 g, eaten vs bought): {'; '.join(bought_raw)}."
            )
        )
    if pills:
        blocks.append(_Para(f"{SUPPLEMENTS_HEADING}, no price in the data:"))
        blocks.append(
            Table(
                ["Supplement", "Amount", "Buy one"],
                [
                    [
                        g.name,
                        portions_text(g.portions, g.portion_description),
                        (g.note or "").removeprefix("a supplement, not food: "),
                    ]
                    for g in pills
                ],
                set(),
                {0: _NAME_WIDTH, 2: 40} if clip else {},
            )
        )
    return blocks


def render_grocery_text(items: Sequence[GroceryItem]) -> str:
    """Render a grocery list as an aligned text table grouped by food group."""
    return _to_text([_Heading(1, "Grocery list"), *_grocery_blocks(items, clip=True)])


def render_grocery_markdown(items: Sequence[GroceryItem]) -> str:
    """Render a grocery list as a Markdown table grouped by food group."""
    return _to_markdown(
        [_Heading(1, "Grocery list"), *_grocery_blocks(items, clip=False)]
    )


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
            "Relaxing any one of these makes a plan possible (each was checked)."
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
                s.description[0].upper() + s.description[1:],
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


# -------------------------------------------------------------- food, targets


def _food_blocks(food: Food, foods: FoodTable | None) -> list[_Block]:
    default = next((p for p in food.portions if p.is_default), None)
    per = f"Per {default.description} ({_grams(default.grams)})" if default else None
    rows = []
    for name, value in food.nutrients.items():
        unit = (
            foods.nutrients.get(name, name.rsplit("_", 1)[-1])
            if foods
            else name.rsplit("_", 1)[-1]
        )
        label = nutrient_label(name)
        row = [label[:1].upper() + label[1:]]
        row.append("n/a" if value is None else amount(value, unit))
        if default is not None:
            row.append(
                "n/a" if value is None else amount(value * default.grams / 100, unit)
            )
        rows.append(row)
    headers = ["Nutrient", "Per 100 g"] + ([per] if per else [])
    tags = [
        "diets: "
        + (
            ", ".join(
                d
                for d, ok in (
                    ("vegan", food.vegan),
                    ("vegetarian", food.vegetarian),
                    ("pescatarian", food.pescatarian),
                )
                if ok
            )
            or "omnivore only"
        ),
        "allergens: " + (", ".join(food.allergens) or "none of the nine major ones"),
        "fortified: " + (", ".join(food.fortified) or "no"),
        "meals: " + (", ".join(food.meal_slots) or "none"),
        "most portions a day: "
        + ("no cap" if food.max_portions is None else f"{food.max_portions:g}"),
        "price: "
        + (
            "unknown"
            if food.price_per_100g is None
            else f"{money(food.price_per_100g)} per 100 g ({food.price_source or 'no source'}, {food.price_year or 'year unknown'})"
        ),
    ]
    portions = [
        f"{p.description}: {_grams(p.grams)}" + (" (default)" if p.is_default else "")
        for p in food.portions
    ]
    mentions = (
        [f"{m}." for m in food_mentions(foods, food.id)] if foods is not None else []
    )
    record = [
        f"USDA NDB number: {food.ndb_no or 'none'}",
        f"SR28 description: {food.sr28_description or 'none'}",
        f"SR28 food group: {food.food_group or 'none'}",
        f"Provenance: {food.provenance or 'none'}",
    ]
    return [
        _Heading(1, f"{food.name} ({food.id})"),
        Table(headers, rows, {1, 2}),
        _Heading(2, "Portions"),
        _Bullets(portions or ["100 g"]),
        _Heading(2, "Tags"),
        _Bullets(tags),
        _Heading(2, "Where the article names it"),
        _Bullets(mentions or ["Not named in the article."]),
        _Heading(2, "USDA SR28 record"),
        _Bullets(record),
    ]


def render_food_text(food: Food, foods: FoodTable | None = None) -> str:
    """Render one food (values, portions, tags, mentions, SR28 record) as text."""
    return _to_text(_food_blocks(food, foods))


def render_food_markdown(food: Food, foods: FoodTable | None = None) -> str:
    """Render one food (values, portions, tags, mentions, SR28 record) as Markdown."""
    return _to_markdown(_food_blocks(food, foods))


def _targets_blocks(targets: NutrientTargets) -> list[_Block]:
    rows = []
    for b in targets.bounds:
        label = nutrient_label(b.nutrient)
        rows.append(
            [
                label[:1].upper() + label[1:],
                "—" if b.minimum is None else amount(b.minimum, b.unit),
                b.minimum_kind.value if b.minimum_kind else "—",
                "—" if b.maximum is None else amount(b.maximum, b.unit),
                b.maximum_kind.value if b.maximum_kind else "—",
            ]
        )
    blocks: list[_Block] = [
        _Heading(1, "Daily targets"),
        Table(["Nutrient", "Minimum", "Kind", "Maximum", "Kind"], rows, {1, 3}),
    ]
    if targets.macro_shares:
        blocks.append(
            _Para(
                "Energy shares (AMDR): "
                + "; ".join(
                    f"{nutrient_label(n)} {lo:.0%}-{hi:.0%}"
                    for n, (lo, hi) in targets.macro_shares.items()
                )
                + "."
            )
        )
    blocks.append(_Heading(2, "Sources"))
    blocks.append(
        _Bullets([f"{nutrient_label(b.nutrient)}: {b.source}" for b in targets.bounds])
    )
    if targets.notes:
        blocks.append(_Heading(2, "Notes"))
        blocks.append(_Bullets(list(targets.notes)))
    blocks += _footer()
    return blocks


def render_targets_text(targets: NutrientTargets) -> str:
    """Render daily targets (bounds, kinds, sources) as aligned text."""
    return _to_text(_targets_blocks(targets))


def render_targets_markdown(targets: NutrientTargets) -> str:
    """Render daily targets (bounds, kinds, sources) as Markdown."""
    return _to_markdown(_targets_blocks(targets))
