"""Meal-structure data: portion caps, and the realism defects of a plan.

The caps live in one reviewed file, ``foods/portion_caps.csv`` (each with its
reasoning); the roles, bases and whole units of each food live in the food
table (``roles``, ``base``, ``whole_units``). :func:`realism_defects`
recomputes, from a plan and its table alone, the defects issue 11 names:
two forms of one base in a day, fat or sugar as an item of its own, items
and meals outside the caps, lunch or dinner without a main (or under 10 g of
protein), ready-to-eat cereal without milk, fractional whole units, and a
base that the weekly variety rule would stop if it counted bases. It is the
measuring stick of ``benchmarks/realism.py``; it never changes a plan.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError
from mealplan._resources import foods_dir

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import MealPlan

__all__ = [
    "CAP_COLUMNS",
    "COOKING_FAT_ROLE",
    "DEFECTS",
    "FAT_HOST_ROLES",
    "HALF_SERVED_CATEGORIES",
    "Cap",
    "FoodFacts",
    "fat_amount_text",
    "fat_host",
    "load_caps",
    "realism_defects",
]

CAP_COLUMNS: tuple[str, ...] = (
    "cap_id",
    "scope",
    "selector",
    "max_grams",
    "max_items",
    "reasoning",
)

DEFECTS: tuple[str, ...] = (
    "two_forms_of_a_base",
    "fat_or_sugar_item",
    "condiment_item",
    "item_over_cap",
    "meal_over_cap",
    "main_missing",
    "low_protein_main_meal",
    "cereal_without_milk",
    "fractional_whole_unit",
    "base_variety_dodged",
)
"""The defect kinds :func:`realism_defects` counts (all are zero when a plan
reads as meals a person would eat)."""

MIN_MAIN_MEAL_PROTEIN_G = 10.0
HALF_SERVED_CATEGORIES = frozenset({"fruits"})
"""Categories whose whole-unit foods are still served by the half (half a
banana on cereal, half an apple, half a pear): the ``whole_units`` flag does
not apply to them. Whole fruit in whole units also made the daily MILP up to
20 times slower (kids' days, 4-6 s instead of 0.2 s)."""
_MILKS = frozenset({"dairy", "plant_milk"})

COOKING_FAT_ROLE = "fat"
"""Foods of this role (oils, butter, dressings, mayonnaise) are never an item
of their own: each is the cooking fat, dressing or spread of an item of the
same meal with one of :data:`FAT_HOST_ROLES` (one fat per such item), at most
1 tbsp (``fat_item`` in portion_caps.csv)."""
FAT_HOST_ROLES = frozenset(
    {
        "protein",
        "main",
        "side_vegetable",
        "salad",
        "grain_side",
        "cereal_hot",
        "breakfast_dish",
        "bread",
        "soup",
    }
)
"""Roles of the items a fat can be cooked with, dress or be spread on."""

# Which host a fat goes with, best first, by the fat's base (anything else: oil).
_HOST_ORDER = {
    "salad-dressing": ("salad", "side_vegetable", "protein", "main", "grain_side"),
    "mayonnaise": ("bread", "salad", "protein", "main", "side_vegetable"),
    "butter": ("bread", "cereal_hot", "side_vegetable", "grain_side", "protein"),
}
_OIL_ORDER = (
    "side_vegetable",
    "protein",
    "main",
    "breakfast_dish",
    "grain_side",
    "salad",
    "soup",
    "cereal_hot",
    "bread",
)


def fat_host(
    fat_base: str, meal: Sequence[tuple[str, frozenset[str]]]
) -> tuple[str, str] | None:
    """Return the item a fat of ``fat_base`` goes with in ``meal``, and the words.

    ``meal`` holds (food id, roles) of the meal's other items. Returns (host
    food id, "cooked with" / "dressed with" / "spread with" / "with"), or
    None when no item of the meal can take a fat.
    """
    order = _HOST_ORDER.get(fat_base, _OIL_ORDER)
    for role in (*order, *sorted(FAT_HOST_ROLES - set(order))):
        for fid, roles in meal:
            if role in roles:
                if fat_base == "salad-dressing" or role == "salad":
                    return fid, "dressed with"
                if role == "bread":
                    return fid, "with" if fat_base == "mayonnaise" else "spread with"
                return fid, "with" if fat_base == "mayonnaise" else "cooked with"
    return None


def fat_amount_text(portions: float, description: str) -> str:
    """Return a fat's amount as a cook says it: ``1½ tsp``, ``1 tbsp``."""
    words = description.lower()
    if "tbsp" in words or "tablespoon" in words:
        tsp = 3 * portions
        if math.isclose(tsp, 3.0):
            return "1 tbsp"
        whole = math.floor(tsp + 1e-9)
        half = math.isclose(tsp - whole, 0.5, abs_tol=1e-6)
        if half or math.isclose(tsp, whole):
            return f"{whole or ''}{'½' if half else ''} tsp"
    return f"{portions:g} x {description}"


@dataclass(frozen=True)
class Cap:
    """One plausible cap: on an item or a meal, for the foods a selector picks.

    ``selector`` is ``role:<role>``, ``base:<a>|<b>``, ``id:<a>|<b>``,
    ``category:<c>`` or (meal scope) ``slot:<slot>|<slot>``.
    """

    cap_id: str
    scope: str
    kind: str
    values: frozenset[str]
    max_grams: float | None
    max_items: int | None
    reasoning: str


@dataclass(frozen=True)
class FoodFacts:
    """What the checks need of one food."""

    base: str
    roles: frozenset[str]
    category: str
    whole_units: bool
    protein_g_per_100g: float
    extra: Mapping[str, str] = field(default_factory=dict)


def load_caps(path: str | Path | None = None) -> list[Cap]:
    """Read the portion caps (the bundled ``foods/portion_caps.csv`` by default).

    Raises:
        FoodTableError: The file is missing or a row is malformed.

    """
    file = Path(path) if path is not None else foods_dir() / "portion_caps.csv"
    if not file.is_file():
        msg = f"Portion caps file {file} was not found; pass its path."
        raise FoodTableError(msg, path=str(file))
    caps = []
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CAP_COLUMNS:
            msg = f"{file.name} header must be {','.join(CAP_COLUMNS)}; fix it."
            raise FoodTableError(msg, path=str(file))
        for row_no, row in enumerate(reader, start=1):
            kind, _, values = row["selector"].partition(":")
            ok = (
                row["scope"] in {"item", "meal"}
                and kind in {"role", "base", "id", "category", "slot"}
                and values
                and (row["max_grams"] or row["max_items"])
            )
            if not ok:
                msg = (
                    f"{file.name} row {row_no}: 'selector' must be kind:values with "
                    f"a scope item|meal and a max (got {row['selector']!r})."
                )
                raise FoodTableError(msg, path=str(file), row=row_no)
            caps.append(
                Cap(
                    row["cap_id"],
                    row["scope"],
                    kind,
                    frozenset(values.split("|")),
                    float(row["max_grams"]) if row["max_grams"] else None,
                    int(row["max_items"]) if row["max_items"] else None,
                    row["reasoning"],
                )
            )
    return caps


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
            _item_defects(item.food_id, item.grams, item.portions, f, caps, out)
        for items in meals.values():
            out["fat_or_sugar_item"] += _loose_fats(items, facts)
        out["two_forms_of_a_base"] += sum(len(v) - 1 for v in seen.values())
        for meal, items in meals.items():
            _meal_defects(items, slots.get(meal or "", ""), facts, caps, out)
    days = len(plan.days)
    limit = max_days_per_food or max(1, math.ceil(days / 2))
    if days > 1:
        for base, on in day_bases.items():
            records = [f for f, d in day_records.items() if facts[f].base == base]
            if len(on) > limit and all(len(day_records[f]) <= limit for f in records):
                out["base_variety_dodged"] += 1
    return out


def _item_defects(
    food_id: str,
    grams: float,
    portions: float,
    f: FoodFacts,
    caps: Sequence[Cap],
    out: dict[str, int],
) -> None:
    if "sugar" in f.roles:
        out["fat_or_sugar_item"] += 1
    elif COOKING_FAT_ROLE in f.roles:
        pass  # counted per meal: a fat with an item to go with is no defect
    elif f.roles and f.roles <= {"condiment"}:
        out["condiment_item"] += 1
    if f.whole_units and abs(portions - round(portions)) > 1e-6:
        out["fractional_whole_unit"] += 1
    for cap in caps:
        if (
            cap.scope == "item"
            and cap.max_grams is not None
            and _selected(cap, food_id, f)
            and grams > cap.max_grams + 1e-6
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
) -> None:
    roles = [facts[f].roles for f, _ in items]
    for cap in caps:
        if cap.scope != "meal" or (cap.kind == "slot" and slot not in cap.values):
            continue
        chosen = [
            g for f, g in items if cap.kind == "slot" or _selected(cap, f, facts[f])
        ]
        if (cap.max_items is not None and len(chosen) > cap.max_items) or (
            cap.max_grams is not None and sum(chosen) > cap.max_grams + 1e-6
        ):
            out["meal_over_cap"] += 1
    if slot in {"lunch", "dinner"}:
        if not any(r & {"main", "protein"} for r in roles):
            out["main_missing"] += 1
        protein = sum(facts[f].protein_g_per_100g * g / 100 for f, g in items)
        if protein < MIN_MAIN_MEAL_PROTEIN_G:
            out["low_protein_main_meal"] += 1
    if any("cereal_rte" in r for r in roles) and not any(r & _MILKS for r in roles):
        out["cereal_without_milk"] += 1
