"""The planning model's data types: :class:`Problem` and its rows.

What :func:`mealplan._problem.build_problem` returns (immutable plain data,
apart from any solver) and takes (:class:`Restrictions`, what regenerate and
the weekly seed add); :mod:`mealplan._problem` describes the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from mealplan._life_stage_caps import DayCapRow
from mealplan._meal_structure import StructureData
from mealplan._models import Objective
from mealplan._nutrients import MealSlot
from mealplan._problem_groups import ConstraintGroup, _group
from mealplan._structure import MIN_MAIN_MEAL_PROTEIN_G

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from mealplan._soft_minimums import SoftMinimum


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
    safety_probe: bool = False
    """The life stage's food-safety rules left out of the candidates: only
    the diagnosis' question "would the foods they rule out meet the
    conflict?" (:func:`mealplan._conflict_words.safety_conflicts`), never a
    plan anyone is given. Everything else of the person holds (their
    portion caps, juice and milk caps, fish advice)."""


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
    treats: frozenset[int] = frozenset()
    """Candidates the pattern objective charges as sweets though their category
    is not one: soft, sugar-sweetened and alcoholic drinks
    (:func:`mealplan._exclusions.treat_drinks`), and for a child under 5 who
    may drink cow's milk the plant milks other than soy
    (:func:`mealplan._child_milks.young_child_plant_milks`), for anyone
    from 2 whom dairy milk suits plain whole and 2 % milk
    (:func:`mealplan._child_milks.whole_milks_from_2`), and for a
    person of 2-18 the sweetened and flavoured milks, from 19 the flavoured
    ones (:func:`mealplan._sweet_milks.sweet_milks`); and for everyone the sweet
    bakery products (:func:`mealplan._sweet_milks.sweet_bakery`)."""
    main_meal_protein_g: float = MIN_MAIN_MEAL_PROTEIN_G
    """Protein a structured lunch or dinner holds at least (6 g at ages 1-3:
    :func:`mealplan._structure.main_meal_protein_g`)."""
    day_caps: tuple[DayCapRow, ...] = ()
    """Whole-day caps over groups of foods (children's juice, milk...:
    :mod:`mealplan._life_stage_caps`), each day."""
    fish_day_caps: tuple[DayCapRow, ...] = ()
    """Whole-day caps of FDA/EPA's fish advice (one serving of fish a day:
    :mod:`mealplan._fish_day_caps`), each day; a safety rule, kept with the
    portion caps off (group ``daily_fish_caps``)."""
    week_caps: tuple[DayCapRow, ...] = ()
    """Weekly caps (FDA/EPA fish advice: :mod:`mealplan._week_caps`), in every
    7 consecutive days (a shorter plan: all of it); ``limit`` is per window."""
    unit_cost: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))
    """Extra objective charge per unit of a food's variable (column
    generation prices the weekly caps with it)."""
    dishes: frozenset[int] = frozenset()
    """Candidate indices that are FNDDS dishes (rows with an ``fndds_code``):
    the guided start also asks the single foods' relaxation
    (:func:`mealplan._single_foods.single_food_support`)."""
    saturated_fat: tuple[float, float] | None = None
    """(share of energy, objective charge per kcal above it) of the soft
    saturated fat limit (:func:`mealplan._saturated_fat.soft_limit`), each
    day; None: no charge."""
    soft_minimums: tuple[SoftMinimum, ...] = ()
    """Each day's shortfall below these amounts is charged per unit
    (:func:`mealplan._soft_minimums.soft_minimums`: choline's AI)."""
    any_plan_first: bool = False
    """When the guided start's widest restriction finds no plan, ask it for
    any plan without the objective first (a child of 1-3: see
    :data:`mealplan._guided_start._ANY_PLAN_FIRST`)."""

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
