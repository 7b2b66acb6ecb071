"""The planning model as plain data, apart from any solver (python-mip style).

:func:`build_problem` turns a request, its resolved targets and a food table
into an immutable :class:`Problem`: the candidate foods with their per-unit
nutrient coefficients, the meals, and every constraint group the request
implies. :mod:`mealplan._formulation` turns a Problem into arrays (bounds,
CSR matrix, objective); the backends solve those; the diagnosis switches
constraint groups off to find which of the user's own constraints conflict.

Constraint groups are typed (:class:`ConstraintGroup`: a :class:`GroupKind`
and, for bounds, a nutrient). Their stable names, which the diagnosis reports:

- food filters: ``diet``, ``allergies``, ``exclude``, ``fortified``, ``priced``
- ``min:<nutrient>`` / ``max:<nutrient>`` for every bound (energy included)
- ``macro:<nutrient>`` for each AMDR share
- ``max_foods``, ``budget``, ``include``, ``pins``, ``bans``, ``meals``,
  ``variety``, ``portion_limits``
- life-stage safety caps of FDA/EPA's fish advice: ``weekly_caps``,
  ``daily_fish_caps``

What regenerate and the weekly seed add (bans, fixed parts, must-differ
scopes, penalties) is a typed :class:`Restrictions` input to building.

This module holds :func:`build_problem` and the pattern constants; the rest
has its own modules: the groups (:mod:`mealplan._problem_groups`), the data
types (:mod:`mealplan._problem_data`), the candidate foods and their amounts
(:mod:`mealplan._problem_foods`), the other pieces of the model
(:mod:`mealplan._problem_parts`) and the row groups switched off after
building (:mod:`mealplan._problem_rows`).
"""

from __future__ import annotations

import math
import zlib
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from mealplan._child_milks import (
    dairy_group_plant_milks,
    whole_milks_from_2,
    young_child_plant_milks,
)
from mealplan._errors import UnknownFoodError
from mealplan._exclusions import treat_drinks
from mealplan._fish_day_caps import check_forced_fish
from mealplan._fped import pattern_mix
from mealplan._gluten_free import gluten_free_products
from mealplan._life_stage_cap_rows import pattern_ceiling
from mealplan._meal_structure import (
    StructureData,
    prepare,
    restrict_meals,
    whole_piece_units,
)
from mealplan._models import NutrientTargets, PlanRequest
from mealplan._nutrients import Nutrient
from mealplan._problem_data import (
    BoundRow,
    MacroRow,
    MealRow,
    Placement,
    Problem,
    Restrictions,
    _frozen,
)
from mealplan._problem_foods import DEFAULT_MAX_PORTIONS as DEFAULT_MAX_PORTIONS
from mealplan._problem_foods import Amounts, allowed_foods, amounts, coefficients
from mealplan._problem_groups import (
    FILTER_GROUPS,
    ConstraintGroup,
    GroupKind,
    Impose,
    _group,
)
from mealplan._problem_parts import (
    _bounds,
    _charges,
    _dish_indices,
    _kept,
    _meals,
    _supplement_charge,
)
from mealplan._problem_rows import row_only, without_rows
from mealplan._safety import life_stages
from mealplan._saturated_fat import soft_limit
from mealplan._soft_minimums import soft_minimums
from mealplan._structure import main_meal_protein_g
from mealplan._supplements import SUPPLEMENTS_MEAL
from mealplan._sweet_milks import sweet_bakery, sweet_foods, sweet_milks
from mealplan._week_caps import forced_conflicts

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable

__all__ = [
    "FILTER_GROUPS",
    "BoundRow",
    "ConstraintGroup",
    "GroupKind",
    "MacroRow",
    "MealRow",
    "Problem",
    "Restrictions",
    "build_problem",
    "default_max_days",
    "row_only",
    "without_rows",
]


# Atwater general factors: kcal per gram, for the AMDR energy shares.
ATWATER = {
    Nutrient.PROTEIN.value: 4.0,
    Nutrient.FAT.value: 9.0,
    Nutrient.CARBOHYDRATE.value: 4.0,
}

# A meal holds at most this many foods of one category (two vegetables make a
# plate; three legumes or two kinds of almonds at one meal do not).
CATEGORY_CAPS = {"vegetables": 2, "fruits": 2, "supplements": 100}
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


def resolve_food(table: FoodTable, food: str) -> str:
    """Return the table's id for ``food`` or raise UnknownFoodError."""
    if food in table:
        return food
    # The food's own lookup raises with a did-you-mean suggestion.
    table.food(food)
    raise UnknownFoodError(food, food)  # pragma: no cover - table.food raised


def default_max_days(days: int) -> int:
    """Return the default max_days_per_food: a food on at most half the days.

    Staples still recur (4 days of 7), and no day-plan is eaten on more than
    half the days, which a looser limit allowed. Two day-plans in rotation
    still meet it (A B A B A B A: 4 and 3 days); the week's search starts
    from such a rotation and improves on it when it has the time, and
    ``benchmarks/weeks_default.py`` counts the whole days a week repeats.
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
    disabled: Collection[str | ConstraintGroup] = (),
    reject: Collection[tuple[int | None, int | None, str]] = (),
    restrictions: Restrictions | None = None,
) -> Problem:
    """Build the planning model for ``request`` on ``table``.

    Args:
        request: The validated request.
        targets: Its resolved daily targets (overrides applied).
        table: The food table.
        disabled: Constraint groups (or their names) to switch off (diagnosis).
        reject: Extra bans as (day or None, meal index or None, food id), 0-based.
        restrictions: What regenerate or the weekly seed adds (bans, fixed
            parts, must-differ scopes, penalties).

    Returns:
        The model as immutable plain data.

    Raises:
        UnknownFoodError: A food named in include, pins or bans is not in the table.
        UnsafeFoodError: An included or pinned food breaks a life-stage safety
            rule, or included and pinned fish alone pass a fish day cap.

    """
    off = frozenset(_group(g) for g in disabled)
    extra = restrictions or Restrictions()
    groups: list[ConstraintGroup] = []

    def impose(kind: GroupKind, nutrient: str | None = None) -> bool:
        g = ConstraintGroup(kind, nutrient)
        groups.append(g)
        return g not in off

    for food in (*request.include, *(p.food for p in request.pins)):
        resolve_food(table, food)
    for ban in request.bans:
        resolve_food(table, ban.food)

    prices = table.numbers("price_per_100g")
    allowed, unpriced_left_out, supplement = allowed_foods(
        request, table, prices, impose, safety_probe=extra.safety_probe
    )
    all_ids = list(table.ids)
    rows = np.array([i for i, fid in enumerate(all_ids) if fid in allowed], dtype=int)
    candidates = [all_ids[i] for i in rows]
    index = {fid: i for i, fid in enumerate(candidates)}

    amount = amounts(
        request, targets, table, rows, candidates, supplement, off, extra, impose
    )
    unit_grams, units_per_portion = amount.unit_grams, amount.units_per_portion
    pills = amount.pills

    # The objective's charges (each None or () when it does not apply; each
    # checks the table has its columns) and the columns they read.
    saturated = soft_limit(request, targets, table)
    soft = soft_minimums(request, targets, table)
    charged = {m.nutrient for m in soft}
    if saturated is not None:
        charged |= {Nutrient.SATURATED_FAT.value, Nutrient.ENERGY.value}
    coef = coefficients(request, targets, table, rows, candidates, unit_grams, charged)

    price_per_unit = prices[rows] * unit_grams / 100.0 if len(rows) else np.zeros(0)
    sections = table.tags("article_sections")
    article = np.array([bool(sections[i]) for i in rows], dtype=bool)
    texts = table.texts("category")
    category = tuple(texts[i] for i in rows)

    meals, structure = _meals_and_structure(
        request, table, rows, pills, amount.cap_scale, impose
    )
    max_units = amount.max_units
    if structure is not None and structure.whole is not None:
        max_units = whole_piece_units(max_units, units_per_portion, structure)
    bounds, macro = _bounds(request, targets, impose, coef.keys())

    max_foods = request.max_foods
    if max_foods is not None and not impose(GroupKind.MAX_FOODS):
        max_foods = None
    budget = request.budget_per_day
    if budget is not None and not impose(GroupKind.BUDGET):
        budget = None

    pins, impossible, exempt, included = _pins(
        request, table, index, meals, off, impose
    )
    # Fish placed beyond a day's serving: refused (exit 2), as unsafe foods are.
    check_forced_fish(
        amount.fish_day_caps, pins, included, amount.min_units, candidates
    )
    # Fish placed beyond a weekly cap: impossible before any solve.
    impossible |= forced_conflicts(
        amount.week_caps,
        pins[:included],
        pins[included:],
        amount.min_units,
        request.days,
    )
    bans = _bans(request, table, index, meals, off, reject, extra)

    max_days = request.max_days_per_food
    variety = False
    if request.days > 1:
        variety = impose(GroupKind.VARIETY)
        if max_days is None:
            max_days = default_max_days(request.days)

    fixed, fixed_scopes, must_differ = _kept(extra, request.days, meals, index)
    pattern, pattern_credit, pattern_mix_ = _pattern_terms(
        request, targets, table, rows, category, amount
    )
    ordered = tuple(dict.fromkeys(groups))
    return Problem(
        food_ids=tuple(candidates),
        unit_grams=_frozen(unit_grams),
        units_per_portion=units_per_portion,
        integer=amount.integer,
        min_units=_frozen(amount.min_units),
        max_units=_frozen(max_units),
        coef=MappingProxyType(coef),
        price_per_unit=_frozen(price_per_unit),
        article=_frozen(article),
        tie=_frozen(np.array([zlib.crc32(fid.encode()) / 2**32 for fid in candidates])),
        category=category,
        pattern=pattern,
        pattern_credit=pattern_credit,
        pattern_mix=pattern_mix_,
        days=request.days,
        meals=meals,
        bounds=bounds,
        macro=macro,
        objective=request.objective,
        max_foods=max_foods,
        budget=budget,
        pins=tuple(pins),
        bans=tuple(bans),
        max_days_per_food=max_days if variety else None,
        max_grams_per_week=request.max_grams_per_week if variety else None,
        no_repeat_meals=variety,
        shortfall=request.allow_shortfall and not extra.hard,
        disabled=off,
        impossible=frozenset(impossible - off),
        penalty=MappingProxyType(
            _charges(
                _supplement_charge(pills, coef, bounds, units_per_portion),
                [(index[f], w) for f, w in extra.penalty if f in index],
            )
        ),
        use_cost=MappingProxyType(
            {index[f]: w for f, w in extra.use_cost if f in index}
        ),
        fixed=MappingProxyType(fixed),
        fixed_scopes=fixed_scopes,
        must_differ=MappingProxyType(must_differ),
        unpriced_left_out=unpriced_left_out,
        groups=ordered,
        structure=structure,
        max_days_for=MappingProxyType(
            {index[f]: n for f, n in extra.wider_days if f in index}
            # No variety rule for a supplement: it may be taken every day.
            | {int(k): request.days for k in np.flatnonzero(pills)}
            | dict.fromkeys(exempt, request.days)
        ),
        supplements=frozenset(int(k) for k in np.flatnonzero(pills)),
        saturated_fat=saturated,
        soft_minimums=soft,
        treats=frozenset(
            int(k)
            for k in np.flatnonzero(
                (
                    treat_drinks(table)
                    | young_child_plant_milks(request, table)
                    | whole_milks_from_2(request, table)
                    | dairy_group_plant_milks(request, table)
                    | sweet_milks(request, table)
                    | sweet_bakery(table)
                    | sweet_foods(request, table)
                    | gluten_free_products(request, table)
                )[rows]
            )
        ),
        day_caps=amount.day_caps,
        fish_day_caps=amount.fish_day_caps,
        week_caps=amount.week_caps,
        dishes=_dish_indices(table, rows),
        main_meal_protein_g=main_meal_protein_g(
            request.person.age if request.person is not None else None
        ),
        # Ages 1-3: the safety rules' own band (mealplan._safety.life_stages).
        any_plan_first="toddler" in life_stages(request.person),
    )


def _pattern_terms(
    request: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    rows: NDArray[np.int_],
    category: tuple[str, ...],
    amount: Amounts,
) -> tuple[Mapping[str, float], NDArray[np.float64], Mapping[str, NDArray[np.float64]]]:
    """Return the healthy eating pattern's terms: targets, credits, dishes' mix.

    :attr:`Problem.pattern`, :attr:`Problem.pattern_credit` and
    :attr:`Problem.pattern_mix`.
    """
    # Dishes credit every pattern group by their FPED equivalents.
    p_on = any(category)
    mix, credited = (
        pattern_mix(table, rows, amount.unit_grams, PATTERN_SERVINGS_2000)
        if p_on
        else ({}, np.zeros(len(rows), dtype=bool))
    )
    units_per_portion = amount.units_per_portion
    return (
        MappingProxyType(
            pattern_ceiling(
                _pattern(targets, list(category)),
                request.person,
                table.life_stage_caps,
            )
            if amount.limits
            else _pattern(targets, list(category))
        ),
        _frozen(
            np.array(
                [
                    min(
                        1.0,
                        g / PATTERN_FULL_SERVING_G.get(PATTERN_GROUP.get(c, ""), 1.0),
                    )
                    / units_per_portion
                    for g, c in zip(amount.portion_grams, category, strict=True)
                ]
            )
            * ~credited
        ),
        MappingProxyType({g: _frozen(a) for g, a in mix.items()} if p_on else {}),
    )


def _meals_and_structure(
    request: PlanRequest,
    table: FoodTable,
    rows: NDArray[np.int_],
    pills: NDArray[np.bool_],
    cap_scale: float,
    impose: Impose,
) -> tuple[tuple[MealRow, ...], StructureData | None]:
    """Return the meals of each day and the meal-structure rules over them.

    Supplements sit in a part of their own, which is no meal.
    """
    meals = _meals(request, table, rows, impose)
    meals, structured = restrict_meals(
        request, table, rows, meals, lambda n: impose(GroupKind.STRUCTURE, n)
    )
    if pills.any() and len(meals) > 1:
        # Supplements are no meal's food: they sit in a part of their own.
        from dataclasses import replace

        own = tuple(int(k) for k in np.flatnonzero(pills))
        meals = (
            *(
                replace(m, foods=tuple(f for f in m.foods if not pills[f]))
                for m in meals
            ),
            MealRow(
                SUPPLEMENTS_MEAL, None, (0.0, 1.0), 0, len(own), own, "supplements"
            ),
        )
    structure = prepare(
        request,
        table,
        rows,
        meals,
        structured,
        lambda n: impose(GroupKind.STRUCTURE, n),
        cap_scale=cap_scale,
    )
    if pills.any() and structure is not None and structure.jitter is not None:
        # A tablet has no taste: the per-person preference leaves it alone.
        from dataclasses import replace as _replace

        structure = _replace(structure, jitter=np.where(pills, 0.0, structure.jitter))
    return meals, structure


def _pins(
    request: PlanRequest,
    table: FoodTable,
    index: Mapping[str, int],
    meals: tuple[MealRow, ...],
    off: frozenset[ConstraintGroup],
    impose: Impose,
) -> tuple[list[Placement], set[ConstraintGroup], set[int], int]:
    """Return the pins, the groups no plan can hold, the exempt, the includes.

    The pins hold the includes first (the last item says how many); the
    exempt are the candidates the variety rule leaves alone.
    """
    meal_index = {m.name: k for k, m in enumerate(meals)}
    # Pins and includes force foods in; a food the filters removed cannot be.
    impossible: set[ConstraintGroup] = set()
    pins: list[Placement] = []
    if request.include and impose(GroupKind.INCLUDE):
        for food in request.include:
            fid = resolve_food(table, food)
            if fid not in index:
                impossible.add(ConstraintGroup(GroupKind.INCLUDE))
                continue
            pins.extend((index[fid], d, None) for d in range(request.days))
    included = len(pins)
    if request.pins and impose(GroupKind.PINS):
        for pin in request.pins:
            fid = resolve_food(table, pin.food)
            meal = meal_index.get(pin.meal) if pin.meal is not None else None
            if fid not in index or (
                meal is not None and index[fid] not in meals[meal].foods
            ):
                impossible.add(ConstraintGroup(GroupKind.PINS))
                continue
            days = pin.days or list(range(1, request.days + 1))
            pins.extend((index[fid], d - 1, meal) for d in days)
    # A pinned or included food is exempt from the variety rule; it stays
    # exempt with its pins or includes switched off, so that switching a group
    # off only ever drops rows (the diagnosis' deletion filter proves a
    # member necessary on a superset of the final conflict).
    unpinned = [
        *(request.include if ConstraintGroup(GroupKind.INCLUDE) in off else ()),
        *(p.food for p in request.pins if ConstraintGroup(GroupKind.PINS) in off),
    ]
    exempt = {
        index[f] for f in (resolve_food(table, x) for x in unpinned) if f in index
    }
    return pins, impossible, exempt, included


def _bans(
    request: PlanRequest,
    table: FoodTable,
    index: Mapping[str, int],
    meals: tuple[MealRow, ...],
    off: frozenset[ConstraintGroup],
    reject: Collection[tuple[int | None, int | None, str]],
    extra: Restrictions,
) -> list[Placement]:
    """Return the request's bans, ``reject`` and the restrictions' bans as placements."""
    meal_index = {m.name: k for k, m in enumerate(meals)}
    bans: list[Placement] = []
    if ConstraintGroup(GroupKind.BANS) not in off:
        for ban in request.bans:
            fid = resolve_food(table, ban.food)
            if fid in index:
                meal = meal_index.get(ban.meal) if ban.meal is not None else None
                ban_days: list[int | None] = (
                    [d - 1 for d in ban.days] if ban.days else [None]
                )
                bans.extend((index[fid], d, meal) for d in ban_days)
    for day, meal_k, fid in reject:
        if fid in index:
            bans.append((index[fid], day, meal_k))
    for day, meal_name, fid in extra.bans:
        if fid in index and (meal_name is None or meal_name in meal_index):
            k = meal_index[meal_name] if meal_name is not None else None
            bans.append((index[fid], day, k))

    return bans
