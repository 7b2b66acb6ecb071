"""The grocery list of a plan: what to buy, as models, text or Markdown."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mealplan._arguments import food_table
from mealplan._catalog import FoodTable
from mealplan._grocery_amounts import buy_amount
from mealplan._models import GroceryItem, MealPlan
from mealplan._report_parts import (
    NAME_WIDTH,
    Block,
    Heading,
    Para,
    Table,
    grams,
    money,
    plan_table,
    portions_text,
    to_markdown,
    to_text,
)
from mealplan._supplements import SUPPLEMENTS_HEADING, supplement_lines

if TYPE_CHECKING:
    from mealplan._grocery import Purchase

__all__ = [
    "amount_text",
    "grocery_blocks",
    "grocery_list",
    "render_grocery_markdown",
    "render_grocery_text",
]


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
        WEIGHT) are of what is bought: ``portions`` the amount used,
        ``buy_portions`` what to buy (whole pieces or packages rounded up,
        kitchen steps of cups and spoons); ``allergens`` and ``diets`` those
        of what is bought and of every single food served. Cost is the plan's
        cost of the foods it serves, for the grams used (None for dish
        ingredients, which are priced with the dish, and for unpriced foods).

    """
    from mealplan._grocery import shopping

    foods = food_table(foods, "grocery_list")
    table = plan_table(plan, foods)
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
        portions, description, unit_grams = _amount(p, plan_portions)
        allergens, diets = _tags(p, table)
        buy = (
            buy_amount(p.grams, unit_grams, description)
            if unit_grams is not None and unit_grams > 0
            else None
        )
        if p.key == "egg-whole" or p.name.lower().startswith("egg, whole, raw"):
            # Eggs are counted in large eggs (SR28's 50 g), sold by the dozen.
            portions = p.grams / EGG_GRAMS
            description = "large egg (a dozen is 12)"
            buy = buy_amount(p.grams, EGG_GRAMS, description)
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
                buy_portions=None if buy is None else round(buy.count, 6),
                countable=buy is not None and buy.countable,
                allergens=allergens,
                diets=diets,
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


EGG_GRAMS = 50.0
"""Grams of one large egg without its shell (SR28 WEIGHT of 01123, ``large``)."""

PINCH_GRAMS = 1.0
"""Less than this of a seasoning or herb is "a pinch (to taste)": 1/8 tsp of
ground cinnamon weighs 0.33 g, of salt 0.75 g (SR28 WEIGHT); weighed amounts
this small are not something to shop or measure by."""

SEASONING_GROUPS = frozenset({"Spices and Herbs", "Vegetables and Vegetable Products"})
"""SR28 food groups whose sub-gram amounts are seasonings (salt, cinnamon,
garlic, ginger, parsley): a pinch. Under a gram of anything else (a recipe's
trace of bacon) is shown in grams."""


_DIETS = ("vegan", "vegetarian", "pescatarian")


def _tags(p: Purchase, table: FoodTable | None) -> tuple[list[str], list[str]]:
    """Return (allergens, diets) of a line, so no tag is lost by buying raw.

    The union of the allergens of what is bought (the table's food, or the
    SR28 record tagged by the table's own rules; without a table its name,
    tagged in doubt) and of every single food of the plan the line serves; a
    diet only when all of them keep it. A dish
    served by the line adds nothing here: the line is one of its ingredients,
    tagged as what is bought, and the dish keeps its own tags in the plan.
    """
    from mealplan._tagging import tag_food

    tags: list[tuple[tuple[str, ...], tuple[bool, bool, bool]]] = []
    if table is not None and p.key in table:
        f = table.food(p.key)
        tags.append((f.allergens, (f.vegan, f.vegetarian, f.pescatarian)))
    else:
        t = tag_food(p.name, p.food_group or "")
        tags.append((t.allergen_list, (t.vegan, t.vegetarian, t.pescatarian)))
    served = (
        [table.food(f) for f in sorted(p.sources) if f in table]
        if table is not None
        else []
    )
    for f in served:
        if f.id != p.key and f.ndb_no:
            tags.append((f.allergens, (f.vegan, f.vegetarian, f.pescatarian)))
    allergens = sorted({a for found, _ in tags for a in found})
    diets = [d for k, d in enumerate(_DIETS) if all(keep[k] for _, keep in tags)]
    return allergens, diets


def _amount(
    p: Purchase, plan_portions: dict[str, tuple[float, str]]
) -> tuple[float, str, float | None]:
    """Return the amount used as (portions, description, grams of one unit).

    A household or package unit when at least a tenth of one is bought, the
    plan's own portions for a food bought as eaten, else the grams themselves
    (summed in grams, never rounded to "0 x 100 g"; no unit); under a gram of
    a seasoning, a pinch.
    """
    if p.unit and p.unit_grams and p.grams / p.unit_grams >= 0.1:
        return p.grams / p.unit_grams, p.unit, p.unit_grams
    if not p.converted and p.key in plan_portions:
        portions, description = plan_portions[p.key]
        unit = p.grams / portions if portions > 0 else None
        return portions, description, unit
    if p.grams < PINCH_GRAMS and p.food_group in SEASONING_GROUPS:
        return 1.0, f"pinch (to taste; {grams(p.grams)})", None
    if p.grams < 0.05:
        return 1.0, "a trace (under 0.1 g)", None
    return 1.0, grams(p.grams), None


def amount_text(item: GroceryItem) -> str:
    """Return what to buy of a grocery line, as a shopper reads it.

    A piece or a package in whole units, rounded up, with the grams the plan
    uses (``medium bagel (3-1/2" to 4" dia) (you use 99 g)``); a measure in
    kitchen steps (``¾ cup``, ``2 tbsp``); otherwise the amount used.
    """
    if item.buy_portions is None:
        return portions_text(item.portions, item.portion_description)
    text = portions_text(item.buy_portions, item.portion_description)
    if item.countable and item.kind == "food":
        if (
            math.isclose(item.buy_portions, 1.0)
            and not item.portion_description[:1].isdigit()
        ):
            text = f"1 {text}"  # "1 medium bagel", not "medium bagel"
        text += f" (you use {grams(item.grams)})"
    return text


def grocery_blocks(everything: Sequence[GroceryItem], *, clip: bool) -> list[Block]:
    """Return the grocery list as blocks: foods by group, then supplements."""
    items = [g for g in everything if g.kind != "supplement"]
    pills = [g for g in everything if g.kind == "supplement"]
    rows = [
        [
            g.food_group or "Other",
            g.name,
            amount_text(g),
            grams(g.grams),
            money(g.cost),
        ]
        for g in items
    ]
    last = None
    for row in rows:
        group, row[0] = row[0], row[0] if row[0] != last else ""
        last = group
    blocks: list[Block] = [
        Table(
            ["Food group", "Food", "Buy", "Grams used", "Cost"],
            rows,
            {3, 4},
            {1: NAME_WIDTH} if clip else {},
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
    blocks.append(Para(total + "."))
    if any(g.buy_portions is not None for g in items):
        blocks.append(
            Para(
                "Amounts to buy are rounded: pieces and packages up to whole "
                "ones, cups and spoons to the nearest ¼ cup, ½ tbsp or ½ tsp, "
                "ounces to whole ones. The grams are what the plan uses, and "
                "each cost is that of the grams used, not of whole packages."
            )
        )
    if in_dishes:
        blocks.append(
            Para(
                f"{len(in_dishes)} item(s) are ingredients of dishes (FNDDS "
                "2015-2016 recipes, approximate); they are priced with the dish, "
                "in the plan's cost per day."
            )
        )
    as_eaten = [g.name for g in items if g.note and "listed as eaten" in g.note]
    if as_eaten:
        blocks.append(
            Para(
                f"Listed as eaten, not converted to what you buy: {'; '.join(as_eaten)}."
            )
        )

    def bought(how: str) -> list[str]:
        return [
            g.name
            for g in items
            if g.note
            and any(n.startswith("bought ") and how in n for n in g.note.split("; "))
        ]

    if by_protein := bought("(protein yield"):
        blocks.append(
            Para(
                "Bought raw or dry for cooked foods (amounts from USDA protein "
                f"per 100 g, eaten vs bought): {'; '.join(by_protein)}."
            )
        )
    if same := bought("(same weight as eaten"):
        blocks.append(
            Para(
                "Bought raw or frozen for cooked foods at the weight eaten (their "
                "protein gives no cooking yield: under 1 g per 100 g, or lost "
                "to the cooking water or diluted by what they are cooked with): "
                f"{'; '.join(same)}."
            )
        )
    if pills:
        blocks.append(Para(f"{SUPPLEMENTS_HEADING}, no price in the data:"))
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
                {0: NAME_WIDTH, 2: 40} if clip else {},
            )
        )
    return blocks


def render_grocery_text(items: Sequence[GroceryItem]) -> str:
    """Render a grocery list as an aligned text table grouped by food group."""
    return to_text([Heading(1, "Grocery list"), *grocery_blocks(items, clip=True)])


def render_grocery_markdown(items: Sequence[GroceryItem]) -> str:
    """Render a grocery list as a Markdown table grouped by food group."""
    return to_markdown([Heading(1, "Grocery list"), *grocery_blocks(items, clip=False)])
