"""Name each meal of a day the way a menu does: its main, with its sides.

A plan's items are USDA records ("Soybeans, mature, cooked", "Swiss chard,
boiled"), listed by id; read as a list, a lunch looks like four sides on a
plate. A menu line names the meal by what leads it ("Soybeans with wild rice
and Swiss chard") and puts the drink last ("; chocolate soy milk"). The
title is derived from the items' roles only (no new data, no solver): the
lead is the item whose role heads the slot's order below; cooking fats,
dressings and spreads are left to the item they go with (``part_of``), and
supplements are never part of a meal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mealplan._catalog import FoodTable
from mealplan._plan_models import MealTitle, PlanItem
from mealplan._structure import is_drink, is_protein_main

__all__ = ["meal_titles", "menu_order", "short_name"]

# Which item leads a meal, by slot: the first role in this order that an item
# of the meal has. A lunch's dish or protein food leads its sides (MyPlate's
# quarter plate of protein); a breakfast's dish or cereal leads its fruit.
_LEAD_ROLES: dict[str, tuple[str, ...]] = {
    "breakfast": (
        "breakfast_dish",
        "main",
        "cereal_hot",
        "cereal_rte",
        "protein",
        "bread",
        "dairy",
        "fruit",
    ),
    "lunch": ("main", "protein", "soup", "salad", "grain_side", "side_vegetable"),
    "dinner": ("main", "protein", "soup", "salad", "grain_side", "side_vegetable"),
}
_DEFAULT_LEAD = ("main", "protein", "breakfast_dish", "soup", "salad", "snack")
# First words kept capitalised inside a title: places and names, not foods.
_PROPER = frozenset(
    {
        "American",
        "Atlantic",
        "Brazil",
        "Brussels",
        "Canadian",
        "Cheddar",
        "Cheerios",
        "Cornish",
        "English",
        "French",
        "Greek",
        "Italian",
        "Kix",
        "Mexican",
        "Monterey",
        "Pacific",
        "Parmesan",
        "Swiss",
        "Thousand",
        "Wheaties",
    }
)
# One word after a dish's name that a menu puts before it ("Rice, brown").
# A name left with its comma reads as two foods in a meal's title ("Salmon
# with white beans, soup, fruit and millet" was "Soup, fruit"; "spinach,
# creamed" another item), so the words a menu puts first are listed here.
_BEFORE = frozenset(
    {
        "baked",
        "boiled",
        "brown",
        "buckwheat",
        "candied",
        "cheese",
        "chocolate",
        "cinnamon",
        "cornmeal",
        "creamed",
        "deviled",
        "french",
        "fried",
        "fruit",
        "glazed",
        "greek",
        "grilled",
        "instant",
        "korean",
        "mashed",
        "meatless",
        "potato",
        "pumpkin",
        "roast",
        "roasted",
        "scalloped",
        "stewed",
        "stuffed",
        "summer",
        "sweet",
        "vegetable",
        "vegetarian",
        "white",
        "whole",
        "whole grain",
        "wild",
        "winter",
    }
)
# FNDDS's coding detail after a dish's name: how it was reported, not what it is.
_CODING = re.compile(
    r"^(no |fat |ns |nfs|from |excluding |regular|made |prepared|canned|"
    r"home recipe|frozen|fresh|cooked|raw|plain|on |thick|thin|medium|"
    r"gluten-free|ready-to|cream of|scrambled|baked|fried|boiled|"
    r".*\bstyle\b|.*\band/or\b|.*\bcrust\b)",
    re.IGNORECASE,
)


def short_name(name: str, *, dish: bool) -> str:
    """Return a food's name as a menu says it.

    A single food keeps its name before the first comma, without brackets
    ("Whole milk (vitamin D added)" -> "Whole milk", "Soybeans, mature,
    cooked" -> "Soybeans"); a dish keeps the parts that name it ("Adobo, with
    noodles" -> "Adobo with noodles") and drops FNDDS's coding detail
    ("Cream of wheat, regular or quick, made with non-dairy milk" -> "Cream
    of wheat").
    """
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    parts = [p.strip() for p in plain.split(";")[0].split(",") if p.strip()]
    if not parts:
        return name.strip()
    if not dish:
        # "Orange juice with added calcium and vitamin D": the juice, on a menu.
        return re.split(r" with added ", parts[0], maxsplit=1)[0]
    kept = [parts[0]]
    rest = parts[1:]
    listed = next(
        (k for k, part in enumerate(rest) if part.lower().startswith("and ")), None
    )
    if listed is not None and listed < 3 and not rest[0].lower().startswith("with "):
        # "Beef, potatoes, and vegetables ...": a list of what is in it.
        kept += [", " + part for part in rest[: listed + 1]]
        rest = rest[listed + 1 :]
    elif rest and rest[0].lower() in _BEFORE:
        # "Rice, brown", "Pizza, cheese", "Tamale, meatless": one word that
        # says which; a menu puts it first ("Brown rice").
        kept = [rest[0].capitalize() + " " + _inside(parts[0])]
        rest = rest[1:]
    elif (
        rest and not rest[0].lower().startswith("with ") and not _CODING.match(rest[0])
    ):
        # "Pizza, cheese and vegetables", "Egg white, omelet": what it is.
        kept.append(", " + rest[0])
        rest = rest[1:]
    # A "with" part says what the dish holds ("Adobo, with noodles"); the
    # rest is FNDDS's coding ("regular or quick", "no added fat", "canned").
    kept += [" " + p for p in rest if p.lower().startswith("with ")][:1]
    return "".join(kept)


def _inside(name: str) -> str:
    """Return ``name`` as it reads inside a sentence (lower case unless proper)."""
    words = name.split()
    if not words or words[0] in _PROPER or any(w[:1].isupper() for w in words[1:]):
        # A brand ("Wheat Chex", "Rice Krispies") or a place keeps its case.
        return name
    if len(words[0]) > 1 and words[0][1:].lower() != words[0][1:]:
        return name  # an acronym or a mixed-case word ("UV", "McIntosh")
    return name[:1].lower() + name[1:]


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _rank(slot: str, roles: frozenset[str], category: str) -> int:
    order = _LEAD_ROLES.get(slot, _DEFAULT_LEAD)
    if slot in ("lunch", "dinner") and is_protein_main(roles, category):
        return -1  # a dish or a meat, fish, egg or tofu main leads the plate
    for k, role in enumerate(order):
        if role in roles:
            return k
    return len(order)


def _energy(items: Sequence[PlanItem]) -> float | None:
    energies = [i.energy_kcal for i in items]
    if any(e is None for e in energies):
        return None
    return round(sum(e or 0.0 for e in energies), 1)


def _title(slot: str, members: Sequence[PlanItem], table: FoodTable) -> MealTitle:
    items = [i for i in members if i.part_of is None] or list(members)
    foods = [table.food(i.food_id) for i in items]
    drinks: list[int] = []
    eats: list[int] = []
    for k, food in enumerate(foods):
        drink = is_drink(frozenset(food.roles), food.base or "")
        (drinks if drink else eats).append(k)
    if not eats:
        eats, drinks = drinks, []

    def key(k: int) -> tuple[int, float]:
        food = foods[k]
        if slot not in _LEAD_ROLES:
            return (0, items[k].energy_kcal or 0.0)  # a snack: lightest first
        rank = _rank(slot, frozenset(food.roles), food.category or "")
        return (rank, -(items[k].energy_kcal or 0.0))

    eats.sort(key=key)
    drinks.sort(key=lambda k: -(items[k].energy_kcal or 0.0))
    names = [
        short_name(foods[k].name, dish=foods[k].fndds_code is not None)
        for k in range(len(foods))
    ]
    title = names[eats[0]]
    if len(eats) > 1 and slot not in _LEAD_ROLES:
        # A snack has no lead: "Banana and hazelnuts", not "with".
        title += " and " + _join([_inside(names[k]) for k in eats[1:]])
    elif len(eats) > 1:
        # "Chilaquiles, tortilla casserole with salsa, with tabbouleh": a
        # comma keeps the sides apart from what the dish itself holds.
        joint = ", with " if " with " in title else " with "
        title += joint + _join([_inside(names[k]) for k in eats[1:]])
    if drinks:
        title += "; " + _join([_inside(names[k]) for k in drinks])
    # The items in the menu's order, each fat right after the item it goes with.
    order: list[str] = []
    for k in (*eats, *drinks):
        fid = items[k].food_id
        order.append(fid)
        order += [i.food_id for i in members if i.part_of == fid and i not in items]
    order += [i.food_id for i in members if i.food_id not in order]
    return MealTitle(
        meal=slot,
        title=title,
        lead=items[eats[0]].food_id,
        energy_kcal=_energy(members),
        food_ids=order,
    )


def menu_order(items: Sequence[PlanItem], meals: Sequence[MealTitle]) -> list[PlanItem]:
    """Return ``items`` with each meal's items in its menu order (lead first).

    Meals keep their place in the day; items of a meal without a title, or
    not in its ``food_ids`` (a plan edited by hand), keep theirs after it.
    """
    rank = {(m.meal, fid): k for m in meals for k, fid in enumerate(m.food_ids)}
    slot_at: dict[str | None, int] = {}
    for item in items:
        slot_at.setdefault(item.meal, len(slot_at))
    return sorted(
        items,
        key=lambda i: (slot_at[i.meal], rank.get((i.meal or "", i.food_id), 10**6)),
    )


def meal_titles(items: Sequence[PlanItem], table: FoodTable) -> list[MealTitle]:
    """Return a title for each meal of a day's ``items``, in the day's order.

    Items without a meal (the bare model's day) and supplements have none;
    fats shown with another item (``part_of``) count toward the meal's
    energy but not its title.
    """
    slots: dict[str, list[PlanItem]] = {}
    for item in items:
        if item.meal is None or item.kind == "supplement":
            continue
        slots.setdefault(item.meal, []).append(item)
    out: list[MealTitle] = []
    for slot, members in slots.items():
        out.append(_title(slot, members, table))
    return out
