"""The life-stage safety rules over a dish's recipe: what it is made with.

A dish's own name does not say everything it holds: FNDDS's "Nachos with
cheese and sour cream" is made with tortilla chips, "Fruit salad, fresh or
raw" with whole grapes, "Pad Thai, meatless" with raw mung bean sprouts and
peanuts. A rule whose ``ingredients`` column is ``all`` or ``uncooked``
(``foods/safety_rules.csv``) is also matched against each SR28 ingredient of
the dish's recipe (``foods/dish_ingredients.csv``: its description and its
SR28 food group, which gives its category as for single foods):

* ``all``: the hazard is the ingredient itself and cooking does not remove
  it (mercury, preformed vitamin A, alcohol, whole nuts, grapes, chips);
* ``uncooked``: the hazard is the ingredient eaten raw (raw egg, raw
  sprouts, soft cheese, deli meat, hard raw fruit and vegetables for a
  toddler), so it counts unless the dish's own text says it is cooked
  (:data:`COOKED_DISH`): FDA's advice allows refrigerated smoked seafood,
  deli meat and soft cheese heated until steaming or in a cooked dish such
  as a casserole, and a recipe's raw egg or raw carrot is cooked in a cake
  or a soup. A dish whose text does not say it is cooked is, in doubt,
  taken as eaten raw.

A caller's table whose dishes are not in the bundled recipes is matched on
its own texts only.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mealplan._grocery import recipe_rows

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "COLD_DISH",
    "COOKED_DISH",
    "MIN_GRAMS",
    "SKIPPED_GROUPS",
    "Ingredient",
    "is_cooked_dish",
    "recipe_ingredients",
]

COOKED_DISH = re.compile(
    r"\b(soups?|stews?|chowders?|bisques?|gumbo|casseroles?|baked|bakes?|cooked|"
    r"fried|stir[- ]fried|boiled|roasted|roast|grilled|broiled|braised|sauteed|"
    r"steamed|stewed|simmered|scrambled|poached|toasted|chili|curry|pies?|"
    r"quiche|lasagna|pasta|macaroni|spaghetti|noodles?|rice|risotto|pizza|"
    r"burritos?|enchiladas?|tamales?|omelets?|frittata|pancakes?|waffles?|"
    r"french toast|breads?|muffins?|biscuits?|cakes?|cookies?|brownies?|"
    r"puddings?|custard|pot pie|meatloaf|meatballs?|dumplings?|fritters?|"
    r"goulash|stroganoff|fricassee|ragout|hash|pilaf|paella|biryani|jambalaya|"
    r"ravioli|tortellini|manicotti|cannelloni|gnocchi|stuffed shells|crepes?|"
    r"blintz|knish|souffle|timbale|loaf|patty|patties|croquettes?|cutlets?|"
    r"parmigiana|tempura|teriyaki|egg foo yung|sweet and sour|fajitas?|"
    r"quesadillas?|empanadas?|pasteles|turnovers?|calzone|strudel|cobbler|"
    r"pot roast|sauce|gravy|cordon bleu|creamed|scalloped|refried|au gratin)\b",
    re.IGNORECASE,
)
"""Words of a dish's own text that say it is cooked (its ingredients heated).

Only for the rules whose hazard is an ingredient eaten raw (``uncooked``):
FDA, Food Safety for Pregnant Women and Their Unborn Babies (2020): hot
dogs, luncheon meats and smoked seafood are safe "in a cooked dish, such as
a casserole" or reheated until steaming; a soft cheese likewise once heated
(CDC, Listeria, 2024)."""


COLD_DISH = re.compile(
    r"\b(sandwich(es)?|subs?|hoagies?|heroes|wraps?|salads?|club|platters?)\b",
    re.IGNORECASE,
)
"""Words of a dish served cold however its parts were cooked: a "roast beef"
sandwich, a "grilled chicken" salad, a "pasta" salad. Its ingredients count
as uncooked whatever :data:`COOKED_DISH` finds (a club sandwich's
prepackaged turkey passed the deli-meat rule for a pregnant woman on the
word "roast"; a grilled chicken salad's raw carrot passed a toddler's)."""


def is_cooked_dish(text: str) -> bool:
    """Whether a dish's own text says it is served cooked (see the two patterns)."""
    return COOKED_DISH.search(text) is not None and COLD_DISH.search(text) is None


MIN_GRAMS = 2.0
"""Grams of an ingredient per 100 g of dish below which no rule reads it: a
garnish or a trace (olive slices on a pizza at 1 g, a pinch of celery seed)
is neither a serving of a food nor a piece a child chokes on."""

SKIPPED_GROUPS = frozenset({"spices and herbs"})
"""SR28 food groups no rule reads in a recipe: a spice's "seed" (cumin,
mustard, celery seed) is ground or a pinch, not a seed a child chokes on."""


@dataclass(frozen=True, slots=True)
class Ingredient:
    """One SR28 ingredient of a dish's recipe, as the safety rules read it."""

    text: str
    """Its SR28 description, lowercased (what a rule's pattern reads)."""
    description: str
    """Its SR28 description as USDA writes it (what a message names)."""
    food_group: str
    """Its SR28 food group, lowercased (what gives its category)."""


@functools.cache
def recipe_ingredients() -> Mapping[str, tuple[Ingredient, ...]]:
    """Return dish id -> its recipe's SR28 ingredients the rules read (the bundled recipes).

    Traces and spices are left out (:data:`MIN_GRAMS`, :data:`SKIPPED_GROUPS`).
    An ingredient without a food group (a table built before the column)
    keeps its text, and the category rules do not see it.
    """
    header, rows = recipe_rows()
    column = {name: k for k, name in enumerate(header)}
    if "ingredient" not in column:
        return {}
    out: dict[str, tuple[Ingredient, ...]] = {}
    for dish, recipe in rows.items():
        items = [_ingredient(row, column) for row in recipe]
        out[dish] = tuple(i for i in items if i is not None)
    return out


def _ingredient(row: Sequence[str], column: Mapping[str, int]) -> Ingredient | None:
    """Return one recipe row as the rules read it, or None: a trace or a spice."""
    name = row[column["ingredient"]]
    group = row[column["food_group"]].strip().lower() if "food_group" in column else ""
    try:
        grams = float(row[column["grams_per_100g"]] or 0)
    except (KeyError, ValueError):
        grams = MIN_GRAMS  # unreadable: in doubt, the rules read it
    if grams < MIN_GRAMS or group in SKIPPED_GROUPS:
        return None
    return Ingredient(text=name.lower(), description=name, food_group=group)
