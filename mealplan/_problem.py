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

What regenerate and the weekly seed add (bans, fixed parts, must-differ
scopes, penalties) is a typed :class:`Restrictions` input to building.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mealplan._absorption import ABSORBABLE_CALCIUM, milk_equivalents
from mealplan._errors import UnknownFoodError
from mealplan._fped import pattern_mix
from mealplan._life_stage_caps import DayCapRow, day_cap_rows, pattern_ceiling
from mealplan._life_stage_caps import item_cap_grams as life_stage_item_grams
from mealplan._meal_structure import (
    StructureData,
    item_cap_grams,
    never_items,
    prepare,
    restrict_meals,
    whole_piece_units,
)
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
from mealplan._structure import (
    MIN_MAIN_MEAL_PROTEIN_G,
    energy_scale,
    main_meal_protein_g,
)
from mealplan._supplements import SUPPLEMENTS_MEAL, is_supplement, offered_supplements

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

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

# With portion limits off, a food is still capped by energy (or 3 kg for
# foods without energy) so the MILP's big-M stays finite.
_UNCAPPED_GRAMS = 3000.0


class GroupKind(Enum):
    """What a constraint group is about; the value orders the diagnosis.

    The deletion filter tries to drop groups in this order: realism defaults
    first, the user's explicit choices last, so the reported conflict is made
    of the constraints the user actually stated whenever that is possible.
    """

    PORTION_LIMITS = 0
    MEALS = 1
    VARIETY = 2
    BANS = 3
    MACRO = 4
    MAX_FOODS = 5
    MIN = 6
    MAX = 7
    BUDGET = 8
    PRICED = 9
    INCLUDE = 10
    PINS = 11
    EXCLUDE = 12
    FORTIFIED = 13
    ALLERGIES = 14
    DIET = 15
    # Meal structure (structure:<meal>, structure:one_form...): a realism
    # default, so the deletion filter tries it first.
    STRUCTURE = -1
    # Weekly life-stage caps (FDA/EPA fish advice, mealplan._week_caps): a
    # safety rule, tried after the user's own choices.
    WEEKLY_CAPS = 16


_FILTER_KINDS = frozenset(
    {
        GroupKind.DIET,
        GroupKind.ALLERGIES,
        GroupKind.EXCLUDE,
        GroupKind.FORTIFIED,
        GroupKind.PRICED,
    }
)
_PREFIX = {
    GroupKind.MIN: "min",
    GroupKind.MAX: "max",
    GroupKind.MACRO: "macro",
    GroupKind.STRUCTURE: "structure",
}
_WORDS = {
    GroupKind.PORTION_LIMITS: "realistic portion caps per food",
    GroupKind.MEALS: "the meal structure",
    GroupKind.VARIETY: "the variety rules",
    GroupKind.BANS: "the banned foods",
    GroupKind.MACRO: "an AMDR energy share",
    GroupKind.MAX_FOODS: "the number of foods a day",
    GroupKind.MIN: "a nutrient minimum",
    GroupKind.MAX: "a nutrient maximum",
    GroupKind.BUDGET: "the daily budget",
    GroupKind.PRICED: "only foods with a known price",
    GroupKind.INCLUDE: "the included foods",
    GroupKind.PINS: "the pinned foods",
    GroupKind.EXCLUDE: "the excluded foods",
    GroupKind.FORTIFIED: "no fortified foods",
    GroupKind.ALLERGIES: "the allergies",
    GroupKind.DIET: "the diet",
    GroupKind.STRUCTURE: "the meal structure rules",
    GroupKind.WEEKLY_CAPS: "the weekly fish limit for the life stage (FDA/EPA advice)",
}


@dataclass(frozen=True, order=False)
class ConstraintGroup:
    """One group of constraints the request imposes, switched on or off as a whole.

    ``name`` is the stable string the diagnosis reports (``Conflict.constraint``):
    ``"diet"``, ``"min:vitamin_b12_ug"``, ``"macro:protein_g"``... It is made
    from the typed fields, never parsed back.
    """

    kind: GroupKind
    nutrient: str | None = None

    @property
    def name(self) -> str:
        """The stable name, e.g. ``"min:calcium_mg"`` or ``"budget"``."""
        prefix = _PREFIX.get(self.kind)
        if prefix is not None:
            return f"{prefix}:{self.nutrient}"
        return self.kind.name.lower()

    @property
    def order(self) -> tuple[int, str]:
        """Sort key of the diagnosis's deletion filter (see :class:`GroupKind`)."""
        return (self.kind.value, self.name)

    @property
    def is_filter(self) -> bool:
        """Whether the group removes foods rather than adding rows."""
        return self.kind in _FILTER_KINDS

    @property
    def words(self) -> str:
        """A short phrase for reports ("the meal structure")."""
        return _WORDS[self.kind]

    @classmethod
    def parse(cls, name: str) -> ConstraintGroup:
        """Return the group a stable name stands for (the inverse of :attr:`name`).

        Raises:
            ValueError: ``name`` is not a group name.

        """
        prefix, _, nutrient = name.partition(":")
        if nutrient:
            for kind, p in _PREFIX.items():
                if p == prefix:
                    return cls(kind, nutrient)
        else:
            try:
                kind = GroupKind[name.upper()]
            except KeyError:
                pass
            else:
                if kind not in _PREFIX:
                    return cls(kind)
        msg = f"{name!r} is not a constraint group name; expected e.g. 'diet' or 'min:calcium_mg'."
        raise ValueError(msg)

    def __str__(self) -> str:
        return self.name


def _group(value: str | ConstraintGroup) -> ConstraintGroup:
    return value if isinstance(value, ConstraintGroup) else ConstraintGroup.parse(value)


Scope = tuple[int, str | None]
"""A day (0-based) and a meal name (None: the whole day, or every meal)."""


@dataclass(frozen=True)
class Restrictions:
    """What regenerate and the day-by-day weekly seed add to a request.

    Typed inputs to :func:`build_problem`, by food id and meal name, so a
    :class:`Problem` is never patched after it is built.
    """

    bans: tuple[tuple[int | None, str | None, str], ...] = ()
    """(day or None, meal name or None, food id): the food may not be there."""
    fixed: tuple[tuple[int, str | None, str, float], ...] = ()
    """(day, meal name or None, food id, units) kept from an earlier plan."""
    free: Scope | None = None
    """With ``fixed``: the one scope re-planned; every other scope holds
    exactly its ``fixed`` items."""
    must_differ: tuple[tuple[Scope, tuple[str, ...]], ...] = ()
    """A scope and its old foods: the new scope drops at least one of them."""
    penalty: tuple[tuple[str, float], ...] = ()
    """Extra objective charge per serving of a food (spreads foods over days)."""
    use_cost: tuple[tuple[str, float], ...] = ()
    """Extra objective charge per day a food is eaten (column generation
    prices the weekly variety rule with it)."""
    hard: bool = False
    """Ignore ``allow_shortfall`` (the diagnosis asks about hard constraints)."""
    wider_days: tuple[tuple[str, int], ...] = ()
    """(food id, days): a food allowed on more days than ``max_days_per_food``
    (the sole source of a need, :mod:`mealplan._sources`); the rest keep it."""
    week_allowance: tuple[tuple[str, float], ...] = ()
    """(cap_id, amount): a day planned alone (the weekly seeds) holds at most
    what its windows have left of each weekly cap (:mod:`mealplan._week_caps`)."""


@dataclass(frozen=True)
class BoundRow:
    """One side of a nutrient bound, per day (or as a plan average)."""

    group: ConstraintGroup
    nutrient: str
    sense: str  # ">=" or "<="
    value: float
    average: bool = False
    daily_floor: float = 0.0
    column: str = ""
    """Key of :attr:`Problem.coef` the row sums, when not ``nutrient`` itself
    (absorbable calcium: :data:`ABSORBABLE_CALCIUM`)."""

    @property
    def key(self) -> str:
        """The :attr:`Problem.coef` key this row sums."""
        return self.column or self.nutrient


@dataclass(frozen=True)
class MacroRow:
    """An AMDR share: ``low <= Atwater * grams / energy <= high`` every day."""

    group: ConstraintGroup
    nutrient: str
    low: float
    high: float


@dataclass(frozen=True)
class MealRow:
    """A meal of each day and the candidate foods (indices) it may hold."""

    name: str
    slot: MealSlot | None
    share: tuple[float, float]
    min_foods: int
    max_foods: int
    foods: tuple[int, ...]
    kind: Literal["meal", "supplements"] = "meal"
    """``supplements``: the day's supplements part, which is no meal (no meal
    rule, variety rule or no-repeat rule applies to a tablet)."""


Placement = tuple[int, int | None, int | None]
"""(food index, day or None, meal index or None)."""


def _frozen(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class Problem:
    """A planning model as immutable plain data; see the module docstring."""

    food_ids: tuple[str, ...]
    unit_grams: NDArray[np.float64]
    """Grams per unit of a food's variable (half or whole portion, or a portion)."""
    units_per_portion: float
    integer: bool
    min_units: NDArray[np.float64]
    max_units: NDArray[np.float64]
    coef: Mapping[str, NDArray[np.float64]]
    """Nutrient per unit of each food; missing values are 0 (totals say so)."""
    price_per_unit: NDArray[np.float64]
    """US$ per unit; NaN where unknown."""
    article: NDArray[np.bool_]
    tie: NDArray[np.float64]
    """A fixed pseudo-random number in [0, 1) per food (a hash of its id), so
    tie-breaks favour no food for its name or its place in the table."""
    category: tuple[str, ...]
    """Each candidate's category ("" when the table has none)."""
    pattern: Mapping[str, float]
    """Target servings a day per pattern group (empty: no pattern term)."""
    pattern_credit: NDArray[np.float64]
    """Servings of its pattern group that one unit of each food counts as."""
    days: int
    meals: tuple[MealRow, ...]
    bounds: tuple[BoundRow, ...]
    macro: tuple[MacroRow, ...]
    objective: Objective
    max_foods: int | None
    budget: float | None
    pins: tuple[Placement, ...]
    bans: tuple[Placement, ...]
    max_days_per_food: int | None
    max_grams_per_week: float | None
    no_repeat_meals: bool
    shortfall: bool
    disabled: frozenset[ConstraintGroup]
    impossible: frozenset[ConstraintGroup] = frozenset()
    """Enabled groups that cannot hold whatever the solver does (a pin on a
    food the filters removed, say)."""
    penalty: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))
    """Extra objective charge per serving of a food (day-by-day planning uses
    it to spread foods over the days)."""
    use_cost: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))
    """Extra objective charge per day a food is eaten."""
    fixed: Mapping[tuple[int, int, int], float] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """(day, meal, food) -> units, for the parts a regenerate call keeps."""
    fixed_scopes: frozenset[tuple[int, int]] = frozenset()
    must_differ: Mapping[tuple[int, int], tuple[int, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """(day, meal) -> foods of the old plan; a regenerated scope drops one.
    Meal -1 is the whole day."""
    unpriced_left_out: int = 0
    groups: tuple[ConstraintGroup, ...] = ()
    """Every group the request imposes, in a stable order."""
    structure: StructureData | None = None
    """Meal-structure rules and taste (:mod:`mealplan._meal_structure`)."""
    max_days_for: Mapping[int, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Food index -> a wider variety limit than ``max_days_per_food``."""
    not_same: tuple[tuple[tuple[int, ...], int, tuple[int, ...]], ...] = ()
    """(days, meal, foods): not every one of those days holds exactly those
    foods in that meal; the no-repeat rule's cuts (:mod:`mealplan._norepeat`)."""
    pattern_mix: Mapping[str, NDArray[np.float64]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """Pattern group -> servings per unit of the foods credited by their FPED
    equivalents (dishes, :mod:`mealplan._fped`); ``pattern_credit`` is zero
    for those foods, which belong to no single group."""
    supplements: frozenset[int] = frozenset()
    """Candidate indices that are supplements (a handful: every restricted
    model keeps them, so the LP's liking for a fraction of the biggest dose
    does not decide which dose a plan takes)."""
    main_meal_protein_g: float = MIN_MAIN_MEAL_PROTEIN_G
    """Protein a structured lunch or dinner holds at least (6 g at ages 1-3:
    :func:`mealplan._structure.main_meal_protein_g`)."""
    day_caps: tuple[DayCapRow, ...] = ()
    """Whole-day caps over groups of foods (children's juice, milk...:
    :mod:`mealplan._life_stage_caps`), each day."""
    week_caps: tuple[DayCapRow, ...] = ()
    """Weekly caps (FDA/EPA fish advice: :mod:`mealplan._week_caps`), in every
    7 consecutive days (a shorter plan: all of it); ``limit`` is per window."""
    unit_cost: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))
    """Extra objective charge per unit of a food's variable (column
    generation prices the weekly caps with it)."""
    dishes: frozenset[int] = frozenset()
    """Candidate indices that are FNDDS dishes (rows with an ``fndds_code``):
    the guided start also asks the single foods' relaxation
    (:func:`mealplan._optimiser._single_food_support`)."""

    def day_limit(self, food: int) -> int | None:
        """Return the variety limit of food index ``food`` (None: no limit)."""
        if self.max_days_per_food is None:
            return None
        return max(self.max_days_per_food, self.max_days_for.get(food, 0))

    @property
    def group_names(self) -> tuple[str, ...]:
        """The stable names of :attr:`groups`."""
        return tuple(g.name for g in self.groups)

    def enabled(self, group: str | ConstraintGroup) -> bool:
        """Return whether ``group`` is imposed and not switched off."""
        g = _group(group)
        return g in self.groups and g not in self.disabled


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

    # Which foods each user-facing filter group removes.
    all_ids = list(table.ids)
    allowed = set(all_ids)
    # Life-stage safety is not a group the diagnosis may switch off.
    allowed -= safety_filter(request, table)
    # Supplement rows: only those the request allows and the life stage's ULs fit.
    supplement = is_supplement(table)
    if supplement.any():
        offered = offered_supplements(request, table)
        allowed -= {
            fid
            for fid, s in zip(all_ids, supplement, strict=True)
            if s and fid not in offered
        }
    if request.diet is not Diet.OMNIVORE and impose(GroupKind.DIET):
        allowed &= set(table.allowed(diet=request.diet))
    if request.allergies and impose(GroupKind.ALLERGIES):
        allowed &= set(table.allowed(allergies=request.allergies))
    if request.exclude and impose(GroupKind.EXCLUDE):
        allowed &= set(table.allowed(exclude=request.exclude))
    if not request.allow_fortified and impose(GroupKind.FORTIFIED):
        allowed &= set(table.allowed(allow_fortified=False))
    if request.dislikes and impose(GroupKind.EXCLUDE):
        allowed &= set(table.allowed(exclude=request.dislikes))
    never = never_items(table) & allowed if request.structure else set()
    if never and impose(GroupKind.STRUCTURE, "items"):
        allowed -= never
    prices = table.numbers("price_per_100g")
    needs_prices = request.objective is Objective.COST or request.budget_per_day
    unpriced_left_out = 0
    if needs_prices and impose(GroupKind.PRICED):
        priced = {fid for fid, p in zip(all_ids, prices, strict=True) if p == p}
        unpriced_left_out = len(allowed - priced)
        allowed &= priced
    if request.bans:
        impose(GroupKind.BANS)

    rows = np.array([i for i, fid in enumerate(all_ids) if fid in allowed], dtype=int)
    candidates = [all_ids[i] for i in rows]
    index = {fid: i for i, fid in enumerate(candidates)}

    # Portion units: a half or whole default portion, or a whole portion as a
    # continuous amount. Scaling variables by the portion keeps the MILP well
    # conditioned whatever the portion's size.
    portion_grams = np.array(
        [table.default_portion(fid)[1] for fid in candidates], dtype=float
    )
    mode = request.portion_mode
    integer = mode is not PortionMode.CONTINUOUS
    units_per_portion = {PortionMode.HALF: 2.0, PortionMode.QUARTER: 4.0}.get(mode, 1.0)
    unit_grams = portion_grams / units_per_portion

    energy = table.numbers(Nutrient.ENERGY.value)[rows]
    limits = request.portion_limits and impose(GroupKind.PORTION_LIMITS)
    max_portions = table.numbers("max_portions")[rows]
    max_portions = np.where(np.isnan(max_portions), DEFAULT_MAX_PORTIONS, max_portions)
    kcal_cap = targets.get(Nutrient.ENERGY.value)
    # Caps stated at 2,000 kcal grow for larger eaters (portion_caps.csv).
    cap_scale = energy_scale(kcal_cap.minimum, kcal_cap.maximum) if kcal_cap else 1.0
    energy_cap = (
        kcal_cap.maximum if kcal_cap is not None and kcal_cap.maximum else 10000.0
    )
    if ConstraintGroup(GroupKind.MAX, Nutrient.ENERGY.value) in off:
        # The energy maximum switched off (diagnosis) no longer caps a food.
        energy_cap = 10000.0
    # A denormal energy (1e-310 kcal per 100 g) overflows to inf: capped below.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        uncapped_grams = np.where(
            energy > 0, energy_cap / energy * 100.0, _UNCAPPED_GRAMS
        )
    uncapped_grams = np.minimum(
        np.nan_to_num(uncapped_grams, nan=_UNCAPPED_GRAMS), 5000.0
    )
    if limits:
        max_units = max_portions * units_per_portion
    else:
        max_units = np.maximum(uncapped_grams / unit_grams, units_per_portion)
        if request.portion_limits:
            # Switched off (diagnosis): never tighter than the limits it drops.
            max_units = np.maximum(max_units, max_portions * units_per_portion)
    if limits and request.structure:
        # The per-item caps of foods/portion_caps.csv (a food whose smallest
        # unit is over its cap gets no amount at all).
        max_units = np.minimum(
            max_units, item_cap_grams(table, candidates, cap_scale) / unit_grams
        )
        if integer:
            max_units = np.floor(max_units + 1e-9)
    elif integer:
        max_units = np.maximum(np.floor(max_units + 1e-9), 1.0)
    day_caps: tuple[DayCapRow, ...] = ()
    if limits and request.person is not None:
        # Children's servings (foods/life_stage_caps.csv), with or without
        # the meal structure: a food whose smallest unit is over its cap gets
        # no amount at all; whole-day caps over a group become rows.
        child = life_stage_item_grams(table, candidates, request.person) / unit_grams
        child = np.floor(child * (1 + 1e-9) + 1e-9) if integer else child
        max_units = np.minimum(max_units, child)
        day_caps = day_cap_rows(table, candidates, unit_grams, request.person)
    week_caps = _week_rows(request, table, candidates, unit_grams, extra, impose)
    min_units = np.ones(len(candidates)) if integer else np.zeros(len(candidates))
    pills = supplement[rows] if len(rows) else np.zeros(0, dtype=bool)
    if pills.any():
        # Whole tablets only, at most the row's units a day (its max_portions).
        max_units = np.where(pills, max_portions * units_per_portion, max_units)
        min_units = np.where(pills, units_per_portion, min_units)

    nutrient_cols = {b.nutrient for b in targets.bounds}
    if request.macro_limits and targets.macro_shares:
        nutrient_cols |= set(targets.macro_shares)
        nutrient_cols.add(Nutrient.ENERGY.value)
    if request.meals is not None:
        nutrient_cols.add(Nutrient.ENERGY.value)
    coef: dict[str, NDArray[np.float64]] = {}
    for col in sorted(nutrient_cols):
        values = table.numbers(col)[rows]
        coef[col] = _frozen(np.nan_to_num(values, nan=0.0) * unit_grams / 100.0)
    if request.absorbable_calcium and Nutrient.CALCIUM.value in coef:
        coef[ABSORBABLE_CALCIUM] = _frozen(
            coef[Nutrient.CALCIUM.value] * milk_equivalents(table, candidates)
        )

    price_per_unit = prices[rows] * unit_grams / 100.0 if len(rows) else np.zeros(0)
    sections = table.tags("article_sections")
    article = np.array([bool(sections[i]) for i in rows], dtype=bool)
    texts = table.texts("category")
    category = tuple(texts[i] for i in rows)

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
    if structure is not None and structure.whole is not None:
        max_units = whole_piece_units(max_units, units_per_portion, structure)
    meal_index = {m.name: k for k, m in enumerate(meals)}
    bounds, macro = _bounds(request, targets, impose)

    max_foods = request.max_foods
    if max_foods is not None and not impose(GroupKind.MAX_FOODS):
        max_foods = None
    budget = request.budget_per_day
    if budget is not None and not impose(GroupKind.BUDGET):
        budget = None

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

    max_days = request.max_days_per_food
    variety = False
    if request.days > 1:
        variety = impose(GroupKind.VARIETY)
        if max_days is None:
            max_days = default_max_days(request.days)

    fixed, fixed_scopes, must_differ = _kept(extra, request.days, meals, index)
    # Dishes credit every pattern group by their FPED equivalents.
    p_on = any(category)
    mix, credited = (
        pattern_mix(table, rows, unit_grams, PATTERN_SERVINGS_2000)
        if p_on
        else ({}, np.zeros(len(candidates), dtype=bool))
    )
    ordered = tuple(dict.fromkeys(groups))
    return Problem(
        food_ids=tuple(candidates),
        unit_grams=_frozen(unit_grams),
        units_per_portion=units_per_portion,
        integer=integer,
        min_units=_frozen(min_units),
        max_units=_frozen(max_units),
        coef=MappingProxyType(coef),
        price_per_unit=_frozen(price_per_unit),
        article=_frozen(article),
        tie=_frozen(np.array([zlib.crc32(fid.encode()) / 2**32 for fid in candidates])),
        category=category,
        pattern=MappingProxyType(
            pattern_ceiling(
                _pattern(targets, list(category)),
                request.person,
                table.life_stage_caps,
            )
            if limits
            else _pattern(targets, list(category))
        ),
        pattern_credit=_frozen(
            np.array(
                [
                    min(
                        1.0,
                        g / PATTERN_FULL_SERVING_G.get(PATTERN_GROUP.get(c, ""), 1.0),
                    )
                    / units_per_portion
                    for g, c in zip(portion_grams, category, strict=True)
                ]
            )
            * ~credited
        ),
        pattern_mix=MappingProxyType(
            {g: _frozen(a) for g, a in mix.items()} if p_on else {}
        ),
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
        day_caps=day_caps,
        week_caps=week_caps,
        dishes=_dish_indices(table, rows),
        main_meal_protein_g=main_meal_protein_g(
            request.person.age if request.person is not None else None
        ),
    )


def _week_rows(
    request: PlanRequest,
    table: FoodTable,
    candidates: list[str],
    unit_grams: NDArray[np.float64],
    extra: Restrictions,
    impose: Callable[[GroupKind], bool],
) -> tuple[DayCapRow, ...]:
    """Return the weekly caps of a multi-day plan, or a seed day's allowance.

    A 1-day request has none (its per-day caps hold), unless it is a day of
    a longer plan planned alone (``extra.week_allowance``).
    """
    if request.person is None or (request.days < 2 and not extra.week_allowance):
        return ()
    rows = day_cap_rows(table, candidates, unit_grams, request.person, scope="week")
    if not rows or not impose(GroupKind.WEEKLY_CAPS):
        return ()
    if request.days < 2:
        left = dict(extra.week_allowance)
        rows = tuple(replace(r, limit=left[r.cap_id]) for r in rows if r.cap_id in left)
    return rows


SUPPLEMENT_CHARGE = 0.2
"""Objective charge per supplement tablet, in servings: foods come first, and
a tablet is taken where it spares the day more than that (plus the charge
every food the article does not name carries)."""


def _supplement_charge(
    pills: NDArray[np.bool_],
    coef: Mapping[str, NDArray[np.float64]],
    bounds: tuple[BoundRow, ...],
    units_per_portion: float,
) -> dict[int, float]:
    """Charge each supplement tablet, a little more for a bigger dose.

    Beside :data:`SUPPLEMENT_CHARGE`, ``0.05 * log2(1 + m)`` servings, where
    ``m`` is how many times a tablet covers the minimums it counts for: the
    smallest dose that does the job wins (250 ug of B12 over 1,000 ug), by
    more than the solver's absolute tolerance.
    """
    out: dict[int, float] = {}
    for k in np.flatnonzero(pills):
        cover = sum(
            float(coef[b.key][k]) * units_per_portion / b.value
            for b in bounds
            if b.sense == ">=" and b.value > 0 and b.key in coef
        )
        out[int(k)] = SUPPLEMENT_CHARGE + 0.05 * math.log2(1.0 + cover)
    return out


def _charges(
    base: dict[int, float], extra: list[tuple[int, float]]
) -> dict[int, float]:
    """Add ``extra`` charges (the weekly seed's reuse cost) to ``base``."""
    out = dict(base)
    for k, w in extra:
        out[k] = out.get(k, 0.0) + w
    return out


_ROW_KINDS = frozenset(
    {
        GroupKind.MIN,
        GroupKind.MAX,
        GroupKind.MACRO,
        GroupKind.MAX_FOODS,
        GroupKind.BUDGET,
    }
)


def row_only(group: ConstraintGroup) -> bool:
    """Whether switching ``group`` off only drops rows of its own.

    The nutrient bounds (but the energy maximum, which also caps each food's
    amount once the portion limits are off), the AMDR shares, ``max_foods``
    and the budget: their foods, meals and structure stay as they are.
    """
    if group.kind is GroupKind.MAX and group.nutrient == Nutrient.ENERGY.value:
        return False
    return group.kind in _ROW_KINDS


def without_rows(problem: Problem, groups: Collection[ConstraintGroup]) -> Problem:
    """Return ``problem`` with the row groups (:func:`row_only`) of ``groups`` off too.

    It is what :func:`build_problem` builds with those groups switched off
    as well (``tests/test_problem_rows.py`` compares every field), without
    building again (10-40 ms): the diagnosis's deletion filter asks for
    dozens of such variants. ``problem`` must carry no
    ``Restrictions.penalty`` (those charges are not told apart from the
    supplements' own, which depend on the bounds).
    """
    off = frozenset(g for g in groups if row_only(g))
    if off <= problem.disabled:
        return problem
    bounds = tuple(b for b in problem.bounds if b.group not in off)
    pills = np.zeros(len(problem.food_ids), dtype=bool)
    pills[sorted(problem.supplements)] = True
    charges = _supplement_charge(pills, problem.coef, bounds, problem.units_per_portion)
    return replace(
        problem,
        bounds=bounds,
        macro=tuple(m for m in problem.macro if m.group not in off),
        max_foods=(
            None if ConstraintGroup(GroupKind.MAX_FOODS) in off else problem.max_foods
        ),
        budget=None if ConstraintGroup(GroupKind.BUDGET) in off else problem.budget,
        disabled=problem.disabled | off,
        penalty=MappingProxyType(_charges(charges, [])),
    )


def _meals(
    request: PlanRequest,
    table: FoodTable,
    rows: NDArray[np.int_],
    impose: Callable[[GroupKind], bool],
) -> tuple[MealRow, ...]:
    """Return the meals of each day, each with the candidates its slot allows."""
    everything = tuple(range(len(rows)))
    specs: list[MealSpec] | None = request.meals
    if specs is None or not impose(GroupKind.MEALS):
        return (MealRow("day", None, (0.0, 1.0), 0, 100, everything),)
    slots = table.tags("meal_slots") if table.has_column("meal_slots") else None
    meals = []
    for spec in specs:
        members = (
            everything
            if slots is None
            else tuple(k for k, i in enumerate(rows) if spec.slot.value in slots[i])
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
    return tuple(meals)


def _bounds(
    request: PlanRequest,
    targets: NutrientTargets,
    impose: Callable[[GroupKind, str | None], bool],
) -> tuple[tuple[BoundRow, ...], tuple[MacroRow, ...]]:
    """Nutrient bounds and AMDR shares, each its own constraint group."""
    bounds: list[BoundRow] = []
    focus = {n.value for n in FOCUS_NUTRIENTS}
    average = request.nutrient_period is NutrientPeriod.AVERAGE and request.days > 1
    for b in targets.bounds:
        if (
            b.minimum is not None
            and b.minimum > 0
            and impose(GroupKind.MIN, b.nutrient)
        ):
            avg = average and b.nutrient in focus
            # Absorbable calcium counts each food's calcium as milk-equivalent
            # (its absorbed fraction over milk's), so the RDA stays the target.
            absorbable = (
                request.absorbable_calcium and b.nutrient == Nutrient.CALCIUM.value
            )
            bounds.append(
                BoundRow(
                    ConstraintGroup(GroupKind.MIN, b.nutrient),
                    b.nutrient,
                    ">=",
                    b.minimum,
                    avg,
                    request.daily_floor if avg else 0.0,
                    ABSORBABLE_CALCIUM if absorbable else "",
                )
            )
        if b.maximum is not None and impose(GroupKind.MAX, b.nutrient):
            bounds.append(
                BoundRow(
                    ConstraintGroup(GroupKind.MAX, b.nutrient),
                    b.nutrient,
                    "<=",
                    b.maximum,
                )
            )
    macro: list[MacroRow] = []
    if request.macro_limits and targets.macro_shares:
        for col, (lo, hi) in sorted(targets.macro_shares.items()):
            if impose(GroupKind.MACRO, col):
                macro.append(
                    MacroRow(ConstraintGroup(GroupKind.MACRO, col), col, lo, hi)
                )
    return tuple(bounds), tuple(macro)


def _kept(
    extra: Restrictions,
    days: int,
    meals: tuple[MealRow, ...],
    index: Mapping[str, int],
) -> tuple[
    dict[tuple[int, int, int], float],
    frozenset[tuple[int, int]],
    dict[tuple[int, int], tuple[int, ...]],
]:
    """Resolve the fixed parts and must-differ scopes of ``extra`` to indices."""
    meal_index = {m.name: k for k, m in enumerate(meals)}

    def scope_meals(meal: str | None) -> list[int]:
        if meal is None or meal not in meal_index:
            return list(range(len(meals)))
        return [meal_index[meal]]

    fixed: dict[tuple[int, int, int], float] = {}
    scopes: frozenset[tuple[int, int]] = frozenset()
    if extra.free is not None:
        d0, free_meal = extra.free
        free = {(d0, m) for m in scope_meals(free_meal)}
        every = {(d, m) for d in range(days) for m in range(len(meals))}
        scopes = frozenset(every - free)
        for day, meal, fid, units in extra.fixed:
            # Without the meal structure every food sits in the one "day" meal.
            key_scope = (day, meal_index.get(meal or "day", 0))
            if key_scope in free:
                continue
            if fid not in index:
                msg = (
                    f"Food {fid!r} of the previous plan is not in the food "
                    "table; regenerate with the table the plan was made with."
                )
                raise UnknownFoodError(msg, fid)
            fixed[(*key_scope, index[fid])] = units
    must_differ: dict[tuple[int, int], tuple[int, ...]] = {}
    for (day, meal), foods in extra.must_differ:
        old = tuple(sorted({index[f] for f in foods if f in index}))
        if not old:
            continue
        if meal is None:
            must_differ[(day, -1)] = old
        elif meal in meal_index:
            must_differ[(day, meal_index[meal])] = old
    return fixed, scopes, must_differ


def _dish_indices(table: FoodTable, rows: NDArray[np.int_]) -> frozenset[int]:
    """Return the candidate indices of ``rows`` that are FNDDS dishes."""
    if not table.has_column("fndds_code"):
        return frozenset()
    codes = table.texts("fndds_code")
    return frozenset(k for k, i in enumerate(rows.tolist()) if codes[i])
