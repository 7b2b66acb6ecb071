"""The realism defects of a plan, counted from the plan and its table alone.

:func:`realism_defects` recomputes the defects issue 11 names: two forms of
one base in a day, fat or sugar as an item of its own, items and meals
outside the portion caps (``foods/portion_caps.csv``, scaled with the day's
energy as the planner scales them), lunch or dinner without a main (or under
its protein floor), ready-to-eat cereal without milk, fractional whole units,
a base that the weekly variety rule would stop if it counted bases, a snack
that is only a drink, more than one milk-type drink a day, butter on a raw
item, two protein mains (or two grain or starch items) at a lunch or dinner,
and a fat on an item it does not go with (``mealplan._fat_hosts``). It is
the measuring stick of ``benchmarks/realism.py``; it never changes a plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mealplan._fat_hosts import (
    COOKING_FAT_ROLE,
    COOKING_ONLY_FATS,
    FAT_HOST_ROLES,
    fat_words,
    host_kinds_of,
)
from mealplan._structure import (
    HALF_SERVED_CATEGORIES,
    MIN_MAIN_MEAL_PROTEIN_G,
    ONE_MAIN_SLOTS,
    SNACK_FOOD_G,
    STARCH_SLOTS,
    Cap,
    energy_scale,
    grown,
    is_dish_or_legume_main,
    is_drink,
    is_milk_drink,
    is_protein_main,
    load_caps,
    main_meal_protein_g,
    piece_step,
    raw_flags,
    starch_flags,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import MealPlan, PlanItem

__all__ = ["DEFECTS", "FoodFacts", "realism_defects"]

DEFECTS: tuple[str, ...] = (
    "two_forms_of_a_base",
    "fat_or_sugar_item",
    "condiment_item",
    "item_over_cap",
    "meal_over_cap",
    "main_missing",
    "low_protein_main_meal",
    "cereal_without_milk",
    "spread_without_bread",
    "fractional_whole_unit",
    "base_variety_dodged",
    "drink_only_snack",
    "two_milk_drinks",
    "cooking_fat_on_raw_item",
    "two_protein_mains",
    "fat_on_wrong_item",
    "as_purchased_item",
    "two_mains",
    "two_starches",
)
"""The defect kinds :func:`realism_defects` counts (all are zero when a plan
reads as meals a person would eat)."""


_MILKS = frozenset({"dairy", "plant_milk"})


@dataclass(frozen=True)
class FoodFacts:
    """What the checks need of one food."""

    base: str
    roles: frozenset[str]
    category: str
    whole_units: bool
    protein_g_per_100g: float
    extra: Mapping[str, str] = field(default_factory=dict)
    raw: bool = False
    hosts: frozenset[str] = frozenset()
    """:func:`host_kinds`: how the food takes a fat."""
    starch: bool = False
    """:func:`is_starch`: a grain or starch item (one a lunch or dinner)."""


def _facts(table: FoodTable, food_ids: Sequence[str]) -> dict[str, FoodFacts]:
    wanted = set(food_ids)
    ids = table.ids
    bases = table.texts("base") if table.has_column("base") else [""] * len(ids)
    roles = table.tags("roles") if table.has_column("roles") else [()] * len(ids)
    whole = (
        table.flags("whole_units")
        if table.has_column("whole_units")
        else [False] * len(ids)
    )
    categories = table.texts("category")
    protein = table.numbers("protein_g")
    raw = raw_flags(table)
    hosts = host_kinds_of(table)
    starch = starch_flags(table)
    out = {}
    for i, food_id in enumerate(ids):
        if food_id in wanted:
            value = float(protein[i])
            out[food_id] = FoodFacts(
                bases[i] or food_id,
                frozenset(roles[i]),
                categories[i],
                bool(whole[i]) and categories[i] not in HALF_SERVED_CATEGORIES,
                0.0 if math.isnan(value) else value,
                raw=raw[i],
                hosts=hosts[i],
                starch=starch[i],
            )
    return out


def _selected(cap: Cap, food_id: str, facts: FoodFacts) -> bool:
    if cap.kind == "role":
        return bool(facts.roles & cap.values)
    if cap.kind == "base":
        return facts.base in cap.values
    if cap.kind == "id":
        return food_id in cap.values
    if cap.kind == "category":
        return facts.category in cap.values
    if cap.kind == "starch":
        return facts.starch
    return False


def realism_defects(
    plan: MealPlan,
    table: FoodTable,
    *,
    caps: Sequence[Cap] | None = None,
    max_days_per_food: int | None = None,
) -> dict[str, int]:
    """Count the realism defects of ``plan`` (see :data:`DEFECTS`).

    Args:
        plan: A plan made with ``table``.
        table: The food table (needs ``base``, ``roles``, ``whole_units``).
        caps: The portion caps; the bundled ones when None.
        max_days_per_food: The weekly variety limit; half the days, rounded
            up, when None (the planner's default).

    Returns:
        Defect kind -> count over the plan (every kind present, zero or more).

    """
    caps = list(load_caps() if caps is None else caps)
    energy = plan.targets.get("energy_kcal")
    person = plan.request.person
    age = None if person is None else person.age
    scale = energy_scale(energy.minimum, energy.maximum, age) if energy else 1.0
    caps = [grown(c, scale) for c in caps]
    facts = _facts(table, [i.food_id for i in plan.items])
    slots = {m.name: m.slot.value for m in plan.request.meals or ()}
    out = dict.fromkeys(DEFECTS, 0)
    day_bases: dict[str, set[int]] = {}
    day_records: dict[str, set[int]] = {}
    for day in plan.days:
        seen: dict[str, set[str]] = {}
        meals: dict[str | None, list[tuple[str, float]]] = {}
        for item in day.items:
            f = facts[item.food_id]
            seen.setdefault(f.base, set()).add(item.food_id)
            meals.setdefault(item.meal, []).append((item.food_id, item.grams))
            day_bases.setdefault(f.base, set()).add(day.day)
            day_records.setdefault(item.food_id, set()).add(day.day)
            _item_defects(
                (item.food_id, plan.request.portion_mode.value),
                item.grams,
                item.portions,
                f,
                caps,
                out,
            )
        for items in meals.values():
            out["fat_or_sugar_item"] += _loose_fats(items, facts)
        out["two_forms_of_a_base"] += sum(len(v) - 1 for v in seen.values())
        _drink_defects(day.items, meals, slots, facts, out)
        person = plan.request.person
        floor = main_meal_protein_g(person.age if person is not None else None)
        for meal, items in meals.items():
            _meal_defects(items, slots.get(meal or "", ""), facts, caps, out, floor)
    days = len(plan.days)
    limit = max_days_per_food or max(1, math.ceil(days / 2))
    if days > 1:
        for base, on in day_bases.items():
            records = [f for f, d in day_records.items() if facts[f].base == base]
            if len(on) > limit and all(len(day_records[f]) <= limit for f in records):
                out["base_variety_dodged"] += 1
    return out


def _drink_defects(
    items: Sequence[PlanItem],
    meals: Mapping[str | None, list[tuple[str, float]]],
    slots: Mapping[str, str],
    facts: Mapping[str, FoodFacts],
    out: dict[str, int],
) -> None:
    """Count a day's drink-only snacks, extra milk drinks and butter on raw items."""
    milks = sum(
        1 for i in items if is_milk_drink(facts[i.food_id].roles, facts[i.food_id].base)
    )
    out["two_milk_drinks"] += max(milks - 1, 0)
    for meal, foods in meals.items():
        drinks = [f for f, _ in foods if is_drink(facts[f].roles, facts[f].base)]
        food = sum(g for f, g in foods if f not in drinks)
        # A drink with 2 g of dried apricot is a drink on its own too.
        if slots.get(meal or "") == "snack" and drinks and food < SNACK_FOOD_G:
            out["drink_only_snack"] += 1
    for item in items:
        host = facts.get(item.part_of or "")
        if (
            host is not None
            and host.raw
            and facts[item.food_id].base in COOKING_ONLY_FATS
        ):
            out["cooking_fat_on_raw_item"] += 1
        if host is not None and COOKING_FAT_ROLE in facts[item.food_id].roles:
            fat_base = facts[item.food_id].base
            if fat_words(fat_base, host.hosts) is None:
                out["fat_on_wrong_item"] += 1


def _item_defects(
    food: tuple[str, str],
    grams: float,
    portions: float,
    f: FoodFacts,
    caps: Sequence[Cap],
    out: dict[str, int],
) -> None:
    # ``food``: the food id and the plan's portion mode.
    food_id, mode = food
    if "sugar" in f.roles:
        out["fat_or_sugar_item"] += 1
    elif COOKING_FAT_ROLE in f.roles:
        pass  # counted per meal: a fat with an item to go with is no defect
    elif f.roles and f.roles <= {"condiment"}:
        out["condiment_item"] += 1
    if "ingredient" in f.roles:
        out["as_purchased_item"] += 1  # dry oats: bought, then cooked
    step = piece_step(mode, grams / portions if portions > 0 else 0.0)
    if f.whole_units and abs(portions / step - round(portions / step)) > 1e-6:
        out["fractional_whole_unit"] += 1
    for cap in caps:
        if cap.scope == "item" and _selected(cap, food_id, f):
            over = cap.max_grams is not None and grams > cap.max_grams + 1e-6
            if over or (
                cap.max_portions is not None and portions > cap.max_portions + 1e-6
            ):
                out["item_over_cap"] += 1


def _loose_fats(items: list[tuple[str, float]], facts: Mapping[str, FoodFacts]) -> int:
    """Count the fats of a meal that are items of their own.

    Each fat needs an item of its own to be cooked with, dress or be spread
    on; the fats beyond the meal's number of such items are loose.
    """
    fats = [f for f, _ in items if COOKING_FAT_ROLE in facts[f].roles]
    hosts = [
        f
        for f, _ in items
        if facts[f].roles & FAT_HOST_ROLES and COOKING_FAT_ROLE not in facts[f].roles
    ]
    return max(len(fats) - len(hosts), 0)


def _meal_defects(
    items: list[tuple[str, float]],
    slot: str,
    facts: Mapping[str, FoodFacts],
    caps: Sequence[Cap],
    out: dict[str, int],
    protein_floor: float = MIN_MAIN_MEAL_PROTEIN_G,
) -> None:
    roles = [facts[f].roles for f, _ in items]
    for cap in caps:
        # The starch rule is counted below as two_starches, at the fixed
        # yardstick of one a lunch or dinner, whatever the caps file says.
        if (
            cap.scope != "meal"
            or cap.kind == "starch"
            or (cap.kind in ("slot", "plate", "drinks") and slot not in cap.values)
        ):
            continue
        chosen = [
            g
            for f, g in items
            if cap.kind == "slot"
            or (cap.kind == "plate" and not is_drink(facts[f].roles, facts[f].base))
            or (cap.kind == "drinks" and is_drink(facts[f].roles, facts[f].base))
            or _selected(cap, f, facts[f])
        ]
        if (cap.max_items is not None and len(chosen) > cap.max_items) or (
            cap.max_grams is not None and sum(chosen) > cap.max_grams + 1e-6
        ):
            out["meal_over_cap"] += 1
    mains = [is_protein_main(facts[f].roles, facts[f].category) for f, _ in items]
    if slot in ONE_MAIN_SLOTS and sum(mains) > 1:
        out["two_protein_mains"] += 1
    plates = [
        is_dish_or_legume_main(facts[f].roles, facts[f].category) for f, _ in items
    ]
    if slot in ONE_MAIN_SLOTS and sum(plates) > 1:
        out["two_mains"] += 1
    if slot in STARCH_SLOTS and sum(facts[f].starch for f, _ in items) > 1:
        out["two_starches"] += 1
    if slot in {"lunch", "dinner"}:
        if not any(r & {"main", "protein"} for r in roles):
            out["main_missing"] += 1
        protein = sum(facts[f].protein_g_per_100g * g / 100 for f, g in items)
        if protein < protein_floor:
            out["low_protein_main_meal"] += 1
    if any("cereal_rte" in r for r in roles) and not any(r & _MILKS for r in roles):
        out["cereal_without_milk"] += 1
    # A spread goes on bread; avocado too at breakfast (avocado toast, not
    # avocado beside a bowl of oatmeal: role breakfast_spread).
    spreads = any("spread" in r for r in roles) or (
        slot == "breakfast" and any("breakfast_spread" in r for r in roles)
    )
    if spreads and not any("bread" in r for r in roles):
        out["spread_without_bread"] += 1
