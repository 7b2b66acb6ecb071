"""The planning model as plain data, apart from any solver (python-mip style).

:func:`build_problem` turns a request, its resolved targets and a food table
into a :class:`Problem`: the candidate foods with their per-unit nutrient
coefficients, the meals, and every constraint group the request implies. The
optimiser turns a Problem into a MILP; the diagnosis switches constraint groups
off by name to find which of the user's own constraints conflict.

Constraint groups (the names the diagnosis reports):

- food filters: ``diet``, ``allergies``, ``exclude``, ``fortified``, ``priced``
- ``min:<nutrient>`` / ``max:<nutrient>`` for every bound (energy included)
- ``macro:<nutrient>`` for each AMDR share
- ``max_foods``, ``budget``, ``include``, ``pins``, ``bans``, ``meals``,
  ``variety``, ``portion_limits``
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mealplan._errors import UnknownFoodError
from mealplan._models import (
    MealSpec,
    NutrientPeriod,
    NutrientTargets,
    Objective,
    PlanRequest,
    PortionMode,
)
from mealplan._nutrients import FOCUS_NUTRIENTS, Diet, MealSlot, Nutrient
from mealplan._safety import safety_filter

if TYPE_CHECKING:
    from collections.abc import Collection

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable

__all__ = [
    "FILTER_GROUPS",
    "BoundRow",
    "MealRow",
    "Problem",
    "build_problem",
    "default_max_days",
]

FILTER_GROUPS = ("diet", "allergies", "exclude", "fortified", "priced")

# Atwater general factors: kcal per gram, for the AMDR energy shares.
ATWATER = {
    Nutrient.PROTEIN.value: 4.0,
    Nutrient.FAT.value: 9.0,
    Nutrient.CARBOHYDRATE.value: 4.0,
}

# Without a curated max_portions, no food may exceed this many default
# portions a day: realistic for staples, and it keeps big-M values small.
DEFAULT_MAX_PORTIONS = 3.0
# A meal holds at most this many foods of one category (two vegetables make a
# plate; three legumes or two kinds of almonds at one meal do not).
CATEGORY_CAPS = {"vegetables": 2, "fruits": 2}
DEFAULT_CATEGORY_CAP = 1

# The default objective steers each day towards the USDA Healthy U.S.-Style
# Dietary Pattern (Dietary Guidelines for Americans 2020-2025, Appendix 3, at
# 2,000 kcal: vegetables 2.5 cup-eq, fruits 2 cup-eq, grains 6 oz-eq, dairy
# 3 cup-eq, protein foods 5.5 oz-eq, oils 27 g). Our unit is a food's default
# household serving, not a cup- or ounce-equivalent, so the pattern is
# approximated in servings (a slice of bread or a cup of cereal is about 1 oz-eq
# of grains, a cup of cooked rice 2; 3 oz of fish 3 oz-eq of protein, a cup of
# beans 4; 1 tbsp oil about 14 g); the targets scale down with the day's energy.
# Departures are charged by absolute value, which is convex: the LP relaxation
# stays tight and the MILP solves in milliseconds, unlike a per-item
# "one serving each" charge, whose relaxation is nearly empty.
PATTERN_GROUP = {
    "vegetables": "vegetables",
    "fruits": "fruits",
    "breakfast_cereals": "grains",
    "breads_bakery": "grains",
    "grains_pasta": "grains",
    "dairy": "dairy",
    "plant_milks": "dairy",
    "meat": "protein",
    "poultry": "protein",
    "fish_seafood": "protein",
    "eggs": "protein",
    "legumes": "protein",
    "nuts_seeds": "protein",
    "soy_products": "protein",
    "oils_fats": "oils",
    "snacks_sweets": "extras",
    "condiments": "extras",
    "beverages": "beverages",
}
PATTERN_SERVINGS_2000 = {
    "vegetables": 3.0,
    "fruits": 2.0,
    "grains": 4.0,
    "dairy": 3.0,
    "protein": 3.0,
    "oils": 2.0,
}
"""Default servings a day at 2,000 kcal per pattern group (see above)."""

PATTERN_FULL_SERVING_G = {
    "vegetables": 50.0,
    "fruits": 50.0,
    "grains": 25.0,
    "dairy": 28.0,
    "protein": 28.0,
    "oils": 10.0,
}
"""A default portion lighter than this counts as a fraction of a serving.

A garlic clove, an olive or one dried-apricot half is a household measure but
not a serving of vegetables or fruit; without this the pattern term would fill
its vegetable servings with garlic. The thresholds sit at or below the lightest
real serving of each group (1 oz of cheese, 1 oz of meat, a slice of bread,
1 tbsp of oil, half a cup of leafy greens), so real servings keep full credit.
"""

# With portion limits off, a food is still capped by energy (or 3 kg for
# foods without energy) so the MILP's big-M stays finite.
_UNCAPPED_GRAMS = 3000.0


@dataclass(frozen=True)
class BoundRow:
    """One side of a nutrient bound, per day (or as a plan average)."""

    group: str
    nutrient: str
    sense: str  # ">=" or "<="
    value: float
    average: bool = False
    daily_floor: float = 0.0


@dataclass(frozen=True)
class MealRow:
    """A meal of each day and the candidate foods (indices) it may hold."""

    name: str
    slot: MealSlot | None
    share: tuple[float, float]
    min_foods: int
    max_foods: int
    foods: tuple[int, ...]


@dataclass
class Problem:
    """A planning model as plain data; see the module docstring."""

    food_ids: list[str]
    unit_grams: NDArray[np.float64]
    """Grams per unit of a food's variable (half or whole portion, or a portion)."""
    units_per_portion: float
    integer: bool
    min_units: NDArray[np.float64]
    max_units: NDArray[np.float64]
    coef: dict[str, NDArray[np.float64]]
    """Nutrient per unit of each food; missing values are 0 (totals say so)."""
    price_per_unit: NDArray[np.float64]
    """US$ per unit; NaN where unknown."""
    article: NDArray[np.bool_]
    tie: NDArray[np.float64]
    """A fixed pseudo-random number in [0, 1) per food (a hash of its id), so
    tie-breaks favour no food for its name or its place in the table."""
    category: list[str]
    """Each candidate's category ("" when the table has none)."""
    pattern: dict[str, float]
    """Target servings a day per pattern group (empty: no pattern term)."""
    pattern_credit: NDArray[np.float64]
    """Servings of its pattern group that one unit of each food counts as."""
    days: int
    meals: list[MealRow]
    bounds: list[BoundRow]
    macro: list[tuple[str, str, float, float]]  # group, nutrient, low, high
    objective: Objective
    max_foods: int | None
    budget: float | None
    pins: list[tuple[int, int | None, int | None]]  # food, day (0-based), meal
    bans: list[tuple[int, int | None, int | None]]
    max_days_per_food: int | None
    max_grams_per_week: float | None
    no_repeat_meals: bool
    shortfall: bool
    disabled: frozenset[str]
    impossible: set[str] = field(default_factory=set)
    """Enabled groups that cannot hold whatever the solver does (a pin on a
    food the filters removed, say)."""
    penalty: dict[int, float] = field(default_factory=dict)
    """Extra objective charge per serving of a food (day-by-day planning uses
    it to spread foods over the days)."""
    fixed: dict[tuple[int, int, int], float] = field(default_factory=dict)
    """(day, meal, food) -> units, for the parts a regenerate call keeps."""
    fixed_scopes: set[tuple[int, int]] = field(default_factory=set)
    must_differ: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    """(day, meal) -> foods of the old plan; a regenerated scope drops one."""
    unpriced_left_out: int = 0
    groups: list[str] = field(default_factory=list)
    """Every group the request imposes, in a stable order."""

    def enabled(self, group: str) -> bool:
        """Return whether ``group`` is imposed and not switched off."""
        return group in self.groups and group not in self.disabled


def _lower_words(values: Collection[str]) -> list[str]:
    return [v.strip().lower() for v in values if v.strip()]


def resolve_food(table: FoodTable, food: str) -> str:
    """Return the table's id for ``food`` or raise UnknownFoodError."""
    if food in table:
        return food
    # The food's own lookup raises with a did-you-mean suggestion.
    table.food(food)
    raise UnknownFoodError(food, food)  # pragma: no cover - table.food raised


def default_max_days(days: int) -> int:
    """Return the default max_days_per_food: a food on at most half the days.

    Staples still recur (4 days of 7), but the plan cannot settle into two
    alternating days, which is what a looser limit produced.
    """
    return max(1, math.ceil(days / 2))


def _pattern(targets: NutrientTargets, category: list[str]) -> dict[str, float]:
    if not any(category):
        return {}
    energy = targets.get(Nutrient.ENERGY.value)
    kcal = 2000.0
    if energy is not None and energy.minimum and energy.maximum:
        kcal = (energy.minimum + energy.maximum) / 2
    elif energy is not None and (energy.minimum or energy.maximum):
        kcal = float(energy.minimum or energy.maximum or 2000.0)
    # Half servings: a target integer portions can hit exactly keeps the
    # optimum at the LP bound, so HiGHS proves it at the root node.
    # Smaller eaters get proportionally fewer servings; larger eaters keep
    # the 2,000 kcal pattern and eat bigger servings. Scaling up as well asked
    # for more servings than max_foods foods can hold, which left the MILP
    # with a weak bound and no plan for seconds.
    scale = min(kcal / 2000.0, 1.0)
    return {
        g: max(0.5, round(2 * n * scale) / 2) for g, n in PATTERN_SERVINGS_2000.items()
    }


def build_problem(
    request: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    *,
    disabled: Collection[str] = (),
    reject: Collection[tuple[int | None, int | None, str]] = (),
) -> Problem:
    """Build the planning model for ``request`` on ``table``.

    Args:
        request: The validated request.
        targets: Its resolved daily targets (overrides applied).
        table: The food table.
        disabled: Constraint groups to switch off (used by the diagnosis).
        reject: Extra bans as (day or None, meal or None, food id), 0-based.

    Returns:
        The model as plain data.

    Raises:
        UnknownFoodError: A food named in include, pins or bans is not in the table.

    """
    off = frozenset(disabled)
    frame = table.frame
    groups: list[str] = []

    # Which foods each user-facing filter group removes.
    for food in (*request.include, *(p.food for p in request.pins)):
        resolve_food(table, food)
    for ban in request.bans:
        resolve_food(table, ban.food)

    all_ids = list(table.ids)
    allowed = set(all_ids)
    # Life-stage safety is not a group the diagnosis may switch off.
    allowed -= safety_filter(request, table)
    if request.diet is not Diet.OMNIVORE:
        groups.append("diet")
        if "diet" not in off:
            allowed &= set(table.allowed(diet=request.diet))
    if request.allergies:
        groups.append("allergies")
        if "allergies" not in off:
            allowed &= set(table.allowed(allergies=request.allergies))
    if request.exclude:
        groups.append("exclude")
        if "exclude" not in off:
            allowed &= set(table.allowed(exclude=request.exclude))
    if not request.allow_fortified:
        groups.append("fortified")
        if "fortified" not in off:
            allowed &= set(table.allowed(allow_fortified=False))
    prices = frame["price_per_100g"].to_numpy(dtype=float, na_value=np.nan)
    needs_prices = request.objective is Objective.COST or request.budget_per_day
    unpriced_left_out = 0
    if needs_prices:
        groups.append("priced")
        if "priced" not in off:
            priced = {fid for fid, p in zip(all_ids, prices, strict=True) if p == p}
            unpriced_left_out = len(allowed - priced)
            allowed &= priced

    if request.bans:
        groups.append("bans")

    candidates = [fid for fid in all_ids if fid in allowed]
    index = {fid: i for i, fid in enumerate(candidates)}
    rows = frame.index.get_indexer(pd.Index(candidates))
    sub = frame.iloc[rows]

    # Portion units: a half or whole default portion, or a whole portion as a
    # continuous amount. Scaling variables by the portion keeps the MILP well
    # conditioned whatever the portion's size.
    portion_grams = np.array(
        [table.default_portion(fid)[1] for fid in candidates], dtype=float
    )
    mode = request.portion_mode
    integer = mode is not PortionMode.CONTINUOUS
    units_per_portion = 2.0 if mode is PortionMode.HALF else 1.0
    unit_grams = portion_grams / units_per_portion

    energy = sub[Nutrient.ENERGY.value].to_numpy(dtype=float, na_value=np.nan)
    if request.portion_limits:
        groups.append("portion_limits")
    if "max_portions" in sub.columns:
        max_portions = sub["max_portions"].to_numpy(dtype=float, na_value=np.nan)
    else:
        max_portions = np.full(len(candidates), np.nan)
    max_portions = np.where(np.isnan(max_portions), DEFAULT_MAX_PORTIONS, max_portions)
    kcal_cap = targets.get(Nutrient.ENERGY.value)
    energy_cap = (
        kcal_cap.maximum if kcal_cap is not None and kcal_cap.maximum else 10000.0
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        uncapped_grams = np.where(
            energy > 0, energy_cap / energy * 100.0, _UNCAPPED_GRAMS
        )
    uncapped_grams = np.minimum(
        np.nan_to_num(uncapped_grams, nan=_UNCAPPED_GRAMS), 5000.0
    )
    if request.portion_limits and "portion_limits" not in off:
        max_units = max_portions * units_per_portion
    else:
        max_units = np.maximum(uncapped_grams / unit_grams, units_per_portion)
    if integer:
        max_units = np.maximum(np.floor(max_units + 1e-9), 1.0)
    min_units = np.ones(len(candidates)) if integer else np.zeros(len(candidates))

    nutrient_cols = {b.nutrient for b in targets.bounds}
    if request.macro_limits and targets.macro_shares:
        nutrient_cols |= set(targets.macro_shares)
        nutrient_cols.add(Nutrient.ENERGY.value)
    if request.meals is not None:
        nutrient_cols.add(Nutrient.ENERGY.value)
    coef: dict[str, NDArray[np.float64]] = {}
    for col in sorted(nutrient_cols):
        values = sub[col].to_numpy(dtype=float, na_value=np.nan)
        coef[col] = np.nan_to_num(values, nan=0.0) * unit_grams / 100.0

    price_per_unit = prices[rows] * unit_grams / 100.0 if len(rows) else np.zeros(0)
    if "article_sections" in sub.columns:
        article = np.array([bool(s) for s in sub["article_sections"]], dtype=bool)
    else:
        article = np.zeros(len(candidates), dtype=bool)

    # Meals, each with the candidates its slot allows.
    meals: list[MealRow] = []
    specs: list[MealSpec] | None = request.meals
    if specs is not None:
        groups.append("meals")
    if specs is None or "meals" in off:
        meals.append(
            MealRow("day", None, (0.0, 1.0), 0, 100, tuple(range(len(candidates))))
        )
    else:
        # A plain list: pandas' per-element .iloc costs ~70 ms over 4 meals.
        slots = list(sub["meal_slots"]) if "meal_slots" in sub.columns else None
        for spec in specs:
            members = tuple(
                i
                for i in range(len(candidates))
                if slots is None or spec.slot.value in slots[i]
            )
            meals.append(
                MealRow(
                    spec.name,
                    spec.slot,
                    spec.energy_share,
                    spec.min_foods,
                    spec.max_foods,
                    members,
                )
            )
    meal_index = {m.name: k for k, m in enumerate(meals)}
    if "category" in sub.columns:
        category = [str(c) if isinstance(c, str) else "" for c in sub["category"]]
    else:
        category = [""] * len(candidates)

    # Nutrient bounds.
    bounds: list[BoundRow] = []
    focus = {n.value for n in FOCUS_NUTRIENTS}
    average = request.nutrient_period is NutrientPeriod.AVERAGE and request.days > 1
    for b in targets.bounds:
        if b.minimum is not None and b.minimum > 0:
            name = f"min:{b.nutrient}"
            groups.append(name)
            if name not in off:
                avg = average and b.nutrient in focus
                bounds.append(
                    BoundRow(
                        name,
                        b.nutrient,
                        ">=",
                        b.minimum,
                        avg,
                        request.daily_floor if avg else 0.0,
                    )
                )
        if b.maximum is not None:
            name = f"max:{b.nutrient}"
            groups.append(name)
            if name not in off:
                bounds.append(BoundRow(name, b.nutrient, "<=", b.maximum))
    macro: list[tuple[str, str, float, float]] = []
    if request.macro_limits and targets.macro_shares:
        for col, (lo, hi) in sorted(targets.macro_shares.items()):
            name = f"macro:{col}"
            groups.append(name)
            if name not in off:
                macro.append((name, col, lo, hi))

    if request.max_foods is not None:
        groups.append("max_foods")
    if request.budget_per_day is not None:
        groups.append("budget")

    # Pins and includes force foods in; a food the filters removed cannot be.
    impossible: set[str] = set()
    pins: list[tuple[int, int | None, int | None]] = []
    if request.include:
        groups.append("include")
        if "include" not in off:
            for food in request.include:
                fid = resolve_food(table, food)
                if fid not in index:
                    impossible.add("include")
                    continue
                pins.extend((index[fid], d, None) for d in range(request.days))
    if request.pins:
        groups.append("pins")
        if "pins" not in off:
            for pin in request.pins:
                fid = resolve_food(table, pin.food)
                meal = meal_index.get(pin.meal) if pin.meal is not None else None
                if fid not in index or (
                    meal is not None and index[fid] not in meals[meal].foods
                ):
                    impossible.add("pins")
                    continue
                days = pin.days or list(range(1, request.days + 1))
                pins.extend((index[fid], d - 1, meal) for d in days)
    bans: list[tuple[int, int | None, int | None]] = []
    if "bans" not in off:
        for ban in request.bans:
            fid = resolve_food(table, ban.food)
            if fid in index:
                meal = meal_index.get(ban.meal) if ban.meal is not None else None
                ban_days: list[int | None] = (
                    [d - 1 for d in ban.days] if ban.days else [None]
                )
                bans.extend((index[fid], d, meal) for d in ban_days)
    for day, meal_name, fid in reject:
        if fid in index:
            bans.append((index[fid], day, meal_name))

    max_days = request.max_days_per_food
    if request.days > 1:
        groups.append("variety")
        if max_days is None:
            max_days = default_max_days(request.days)
    else:
        max_days = None

    seen: set[str] = set()
    ordered = [g for g in groups if not (g in seen or seen.add(g))]  # type: ignore[func-returns-value]
    return Problem(
        food_ids=candidates,
        unit_grams=unit_grams,
        units_per_portion=units_per_portion,
        integer=integer,
        min_units=min_units,
        max_units=max_units,
        coef=coef,
        price_per_unit=price_per_unit,
        article=article,
        tie=np.array([zlib.crc32(fid.encode()) / 2**32 for fid in candidates]),
        category=category,
        pattern=_pattern(targets, category),
        pattern_credit=np.array(
            [
                min(1.0, g / PATTERN_FULL_SERVING_G.get(PATTERN_GROUP.get(c, ""), 1.0))
                / units_per_portion
                for g, c in zip(portion_grams, category, strict=True)
            ]
        ),
        days=request.days,
        meals=meals,
        bounds=bounds,
        macro=macro,
        objective=request.objective,
        max_foods=request.max_foods if "max_foods" not in off else None,
        budget=request.budget_per_day if "budget" not in off else None,
        pins=pins,
        bans=bans,
        max_days_per_food=max_days if "variety" not in off else None,
        max_grams_per_week=request.max_grams_per_week if "variety" not in off else None,
        no_repeat_meals=request.days > 1 and "variety" not in off,
        shortfall=request.allow_shortfall,
        disabled=off,
        impossible={g for g in impossible if g not in off},
        unpriced_left_out=unpriced_left_out,
        groups=ordered,
    )
