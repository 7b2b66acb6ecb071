"""The rules of a structured meal, as rows over candidate indices.

:func:`meal_rules` turns each structured meal's parts (the request's meal
structure, :func:`~mealplan._models.default_meal_structure` unless it overrides
a slot), the companion rules (:data:`COMPANIONS`), the fat pairings
(``FAT_GOES_WITH``), the breakfast grain rule and the meal-scope portion caps
into :class:`PartRow`, :class:`CompanionRow` and :class:`MealCapRow` rows;
:func:`loose_fat_rules` gives a meal without a structure its fat rules.
:mod:`mealplan._meal_structure` prepares what they read (each candidate's
:class:`Kinds`) and holds the rows in its ``StructureData``; the blocks of
:mod:`mealplan._structure_blocks` turn them into model rows. Nothing here
builds rows of a model or knows a solver.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mealplan._fat_hosts import COOKING_FAT_ROLE, FAT_GOES_WITH, FAT_HOST_ROLES
from mealplan._models import MealStructure, default_meal_structure
from mealplan._structure import ONE_MAIN_SLOTS, SNACK_FOOD_G, Cap, grown

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from mealplan._models import PlanRequest
    from mealplan._problem import MealRow

__all__ = [
    "BREAKFAST_BREAD_WORDS",
    "BREAKFAST_CEREAL_WORDS",
    "CEREAL_ROLES",
    "COMPANIONS",
    "OWN_GROUP_CAPS",
    "PAIRING_WORDS",
    "SNACK_DRINK_WORDS",
    "SNACK_FOOD_MIN_GRAMS",
    "Companion",
    "CompanionRow",
    "Kinds",
    "MealCapRow",
    "PartRow",
    "breakfast_grain_rule",
    "loose_fat_rules",
    "meal_rules",
    "structures_by_slot",
]


@dataclass(frozen=True)
class Companion:
    """A food of role ``needs`` comes with a food of a ``with_roles`` role in its meal."""

    needs: str
    with_roles: frozenset[str]
    words: str
    slots: frozenset[str] = frozenset()
    """The meal slots the rule holds at (empty: every slot)."""

    def holds_at(self, slot: str) -> bool:
        """Whether the rule holds at a meal of ``slot``."""
        return not self.slots or slot in self.slots


COMPANIONS: tuple[Companion, ...] = (
    Companion(
        "cereal_rte",
        frozenset({"dairy", "plant_milk"}),
        "ready-to-eat cereal with milk, yogurt or a plant milk",
    ),
    Companion("spread", frozenset({"bread"}), "a spread with bread"),
    # Avocado at breakfast is avocado toast, not a fruit beside a bowl of
    # oatmeal or corn flakes (the realism runs of sessions 41-43: "cream of
    # wheat with avocado" for a vegan girl of 6, "oatmeal, avocado and
    # butter" for a girl of 1); at lunch and dinner it stays a fruit or side.
    Companion(
        "breakfast_spread",
        frozenset({"bread"}),
        "avocado at breakfast on toast or bread",
        slots=frozenset({"breakfast"}),
    ),
    Companion(
        COOKING_FAT_ROLE,
        FAT_HOST_ROLES,
        "oil, butter or dressing only with an item it is cooked with, dresses "
        "or is spread on",
    ),
)
"""The companion rules (reviewed with the roles vocabulary of foods/structure.csv)."""

SNACK_DRINK_WORDS = "a drink at a snack with something to eat"
SNACK_FOOD_MIN_GRAMS = SNACK_FOOD_G
"""A snack's drink comes with at least this much food (20 g: about the
lightest real snack, 5 saltines are 15 g, 1 oz of nuts or cheese 28 g)."""


@dataclass(frozen=True)
class PartRow:
    """``min_items <= sum of y over foods`` of ``meal`` ``<= max_items`` every day."""

    group: str
    meal: int
    name: str
    foods: tuple[int, ...]
    min_items: int
    max_items: int


@dataclass(frozen=True)
class CompanionRow:
    """``y[needs food] <= sum of y[providers]`` in ``meal`` every day.

    ``pooled``: one row, ``sum of y[needs] <= sum of y[providers]`` (each fat
    with an item of its own to go with).
    """

    group: str
    meal: int
    needs: tuple[int, ...]
    providers: tuple[int, ...]
    words: str
    pooled: bool = False
    min_grams: float = 0.0
    """Also ``min_grams * y[needs food] <= grams of the providers`` (a snack's
    drink comes with a real amount of food, not 2 g of a dried apricot)."""
    no_heavier: bool = False
    """Pooled rows only: also ``grams of the needs <= grams of the providers``
    (a fat weighs no more than the items it may go with: not 1 tbsp of
    mayonnaise on ¼ cup, 5 g, of arugula)."""


OWN_GROUP_CAPS = {"cereal_per_meal": "cereal"}
"""Meal caps of ``foods/portion_caps.csv`` (by cap_id) that are a constraint
group of their own (``structure:cereal``), not part of their meal's: the
diagnosis names the rule ("one cereal a meal") when two pinned cereals clash."""


@dataclass(frozen=True)
class MealCapRow:
    """At most ``max_grams`` (or ``max_items`` items) of ``foods`` in ``meal``."""

    group: str
    meal: int
    cap_id: str
    foods: tuple[int, ...]
    max_grams: float | None
    max_items: int | None


def structures_by_slot(request: PlanRequest) -> dict[str, MealStructure]:
    """Return the structure of each slot: the request's, else the default."""
    out = {s.slot.value: s for s in default_meal_structure()}
    for s in request.meal_structure or ():
        out[s.slot.value] = s
    return out


@dataclass(frozen=True)
class Kinds:
    """Per candidate: drinks, milk-type drinks, what a fat it takes, fat class."""

    drink: NDArray[np.bool_]
    milk: NDArray[np.bool_]
    hosts: tuple[frozenset[str], ...]
    """:func:`~mealplan._fat_hosts.host_kinds` of each candidate."""
    fat: tuple[str, ...]
    """:func:`~mealplan._fat_hosts.fat_class` of each fat candidate ('' else)."""
    main: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_protein_main` of each candidate."""
    plate: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_dish_or_legume_main` of each candidate."""
    starch: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_starch` of each candidate."""
    toast: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_toast` of each candidate."""
    grain: tuple[bool, ...] = ()
    """:func:`~mealplan._structure.is_breakfast_grain` of each candidate."""


CEREAL_ROLES = frozenset({"cereal_hot", "cereal_rte"})
BREAKFAST_BREAD_WORDS = "one bread or grain dish at breakfast"
BREAKFAST_CEREAL_WORDS = "a cereal at breakfast only with toast"

PAIRING_WORDS = (
    "each fat with an item it goes with: a dressing on a salad, vegetables "
    "or a grain side, oil on a cooked item or a salad, butter on a cooked item, "
    "bread or porridge, mayonnaise on bread or a salad"
)


def _pairing_rows(
    group: str, m: int, foods: Sequence[int], k: Kinds, most: int
) -> list[CompanionRow]:
    """Each fat with an item of the meal it goes with (FAT_GOES_WITH), one each.

    For every set S of fat classes (of at most ``most`` classes, the meal's
    most fats): the fats of S are no more than the items any of S goes with.
    With at most ``most`` fats in the meal, these are Hall's conditions: a
    plan meeting them has a fat-to-item matching (mealplan._fat_attach.attach_fats).
    """
    classes = sorted({k.fat[f] for f in foods if k.fat[f]})
    rows = []
    for size in range(1, min(most, len(classes)) + 1):
        for subset in itertools.combinations(classes, size):
            takes = frozenset().union(*(FAT_GOES_WITH[c] for c in subset))
            needs = tuple(f for f in foods if k.fat[f] in subset)
            providers = tuple(f for f in foods if not k.fat[f] and k.hosts[f] & takes)
            rows.append(
                CompanionRow(
                    group,
                    m,
                    needs,
                    providers,
                    PAIRING_WORDS,
                    pooled=True,
                    no_heavier=True,
                )
            )
    return rows


def loose_fat_rules(
    meals: tuple[MealRow, ...],
    structured: dict[int, bool],
    roles: list[frozenset[str]],
    kinds: Kinds,
) -> tuple[tuple[PartRow, ...], tuple[CompanionRow, ...]]:
    """Each fat with an item of its own to go with, in unstructured meals.

    A structured meal's parts and companions already say so; a meal without
    a slot (a plan with no meal split is one such meal a day) gets the same
    two rules here, so a fat is never an item of its own there either.
    """
    fat_rule = next(c for c in COMPANIONS if c.needs == COOKING_FAT_ROLE)
    parts: list[PartRow] = []
    companions: list[CompanionRow] = []
    for m, meal in enumerate(meals):
        if structured.get(m):
            continue
        fats = tuple(f for f in meal.foods if COOKING_FAT_ROLE in roles[f])
        if not fats:
            continue
        hosts = tuple(
            f
            for f in meal.foods
            if roles[f] & FAT_HOST_ROLES and COOKING_FAT_ROLE not in roles[f]
        )
        parts.append(PartRow("items", m, "cooking fat", fats, 0, len(fats)))
        companions.append(
            CompanionRow("items", m, fats, hosts, fat_rule.words, pooled=True)
        )
        companions.extend(_pairing_rows("items", m, meal.foods, kinds, len(fats)))
    return tuple(parts), tuple(companions)


def meal_rules(
    request: PlanRequest,
    meals: tuple[MealRow, ...],
    structured: dict[int, bool],
    roles: list[frozenset[str]],
    kinds: Kinds,
    cap_scale: float,
    selected: dict[str, NDArray[np.bool_]],
    caps: Sequence[Cap],
) -> tuple[tuple[PartRow, ...], tuple[CompanionRow, ...], tuple[MealCapRow, ...]]:
    """Return the parts, companions and meal caps of every structured meal.

    ``caps`` are the meal-scope portion caps (grown by ``cap_scale``, as
    :func:`~mealplan._structure.grown` says); ``selected`` holds, per cap
    chosen by id, base or category, the candidates it holds.
    """
    slots = structures_by_slot(request)
    own = {s.slot.value for s in request.meal_structure or ()}
    grains = breakfast_grain_rule(request)
    parts: list[PartRow] = []
    companions: list[CompanionRow] = []
    meal_caps: list[MealCapRow] = []
    for m, meal in enumerate(meals):
        if not structured.get(m) or meal.slot is None:
            continue
        spec = slots[meal.slot.value]
        for part in spec.parts:
            want = frozenset(part.roles)
            foods = tuple(f for f in meal.foods if roles[f] & want)
            parts.append(
                PartRow(meal.name, m, part.name, foods, part.min_items, part.max_items)
            )
        if meal.slot.value in ONE_MAIN_SLOTS and meal.slot.value not in own:
            # One protein main a meal (the default structure; a caller's own
            # structure for the slot says what it wants).
            mains = tuple(f for f in meal.foods if kinds.main[f])
            parts.append(PartRow(meal.name, m, "protein main", mains, 0, 1))
            # And one main dish or legume item: beans beside chicken are a
            # plate, beans beside a curry or other beans two mains.
            plates = tuple(f for f in meal.foods if kinds.plate[f])
            parts.append(PartRow(meal.name, m, "main dish or legumes", plates, 0, 1))
        if meal.slot.value == "breakfast" and grains:
            parts.extend(_breakfast_grains(meal.name, m, meal.foods, roles, kinds))
        for rule in COMPANIONS:
            if not rule.holds_at(meal.slot.value):
                continue
            needs = tuple(f for f in meal.foods if rule.needs in roles[f])
            if needs:
                providers = tuple(
                    f
                    for f in meal.foods
                    if roles[f] & rule.with_roles and rule.needs not in roles[f]
                )
                pooled = rule.needs == COOKING_FAT_ROLE
                companions.append(
                    CompanionRow(meal.name, m, needs, providers, rule.words, pooled)
                )
        most = sum(p.max_items for p in spec.parts if COOKING_FAT_ROLE in p.roles)
        companions.extend(_pairing_rows(meal.name, m, meal.foods, kinds, most))
        if meal.slot.value == "snack":
            # A drink at a snack comes with something to eat (a sweetened
            # almond milk on its own is not a snack).
            drinks = tuple(f for f in meal.foods if kinds.drink[f])
            food = tuple(f for f in meal.foods if not kinds.drink[f])
            if drinks:
                companions.append(
                    CompanionRow(
                        meal.name,
                        m,
                        drinks,
                        food,
                        SNACK_DRINK_WORDS,
                        min_grams=SNACK_FOOD_MIN_GRAMS,
                    )
                )
        for cap in caps:
            if (
                cap.kind in ("slot", "plate", "drinks", "starch")
                and meal.slot.value not in cap.values
            ) or (
                # As the one-main rules: a caller's own structure for the
                # slot says how many grains it wants.
                cap.kind == "starch" and meal.slot.value in own
            ):
                continue
            foods = tuple(
                f
                for f in meal.foods
                if cap.kind == "slot"
                or (cap.kind == "plate" and not kinds.drink[f])
                or (cap.kind == "drinks" and kinds.drink[f])
                or (cap.kind == "starch" and kinds.starch[f])
                or (cap.kind == "role" and roles[f] & cap.values)
                or (cap.cap_id in selected and selected[cap.cap_id][f])
            )
            if foods and cap.kind == "starch" and _implied(parts, m, foods, cap):
                continue
            if foods:
                # grown: a cap stated at a larger day (stated_kcal) grows only
                # past it.
                grams = grown(cap, cap_scale).max_grams
                # The starch rule and the caps of OWN_GROUP_CAPS are groups of
                # their own, which the diagnosis names ("one grain or starch
                # item at a lunch or dinner", "one cereal a meal").
                group = OWN_GROUP_CAPS.get(
                    cap.cap_id, "starch" if cap.kind == "starch" else meal.name
                )
                _add_cap(
                    meal_caps,
                    MealCapRow(group, m, cap.cap_id, foods, grams, cap.max_items),
                )
    return tuple(parts), tuple(companions), tuple(meal_caps)


def breakfast_grain_rule(request: PlanRequest) -> bool:
    """Return whether the default breakfast holds its grain rows for ``request``.

    Not under a caller's own breakfast structure (it says what it wants, as
    for the one-main rules), nor for a child of 1-3 (quarter portions: a quarter tortilla beside a
    few spoonfuls of cereal is a toddler's breakfast): the rule cost the
    pescatarian boy of 2's default 3-day plan its plan at 10 s in 2 of 2
    runs (session 28), where those plans already sit at the time limit.
    """
    from mealplan._safety import life_stages

    own = {s.slot.value for s in request.meal_structure or ()}
    return "breakfast" not in own and "toddler" not in life_stages(request.person)


def _breakfast_grains(
    name: str,
    m: int,
    foods: tuple[int, ...],
    roles: Sequence[frozenset[str]],
    kinds: Kinds,
) -> tuple[PartRow, ...]:
    """Return the default breakfast's rows: one bread or grain dish, a cereal only with toast.

    Cereal with toast is a breakfast; a bowl of Special K beside a tortilla,
    a bagel or pancakes, or toast beside pancakes, is two (session 28: 12 of
    the 127 default days had a cereal beside a tortilla, a bagel, a muffin, a
    croissant or pancakes). Eggs and other breakfast dishes
    without grains stay free (eggs with toast, oatmeal or pancakes).
    """
    grains = tuple(f for f in foods if kinds.grain[f])
    with_cereal = tuple(
        f
        for f in foods
        if (kinds.grain[f] and not kinds.toast[f]) or roles[f] & CEREAL_ROLES
    )
    return (
        PartRow(name, m, BREAKFAST_BREAD_WORDS, grains, 0, 1),
        PartRow(name, m, BREAKFAST_CEREAL_WORDS, with_cereal, 0, 1),
    )


def _implied(
    parts: Sequence[PartRow], m: int, foods: tuple[int, ...], cap: Cap
) -> bool:
    """Return whether a part of meal ``m`` already holds ``foods`` to the cap.

    Without dishes, a lunch's grain or starch items are exactly its ``grain
    or starch`` part (roles grain_side and bread, at most one): the starch
    row would repeat that row, so the model of a single-food table is left
    as it was.
    """
    limit = cap.max_items
    return limit is not None and any(
        p.meal == m and p.max_items <= limit and set(p.foods) == set(foods)
        for p in parts
    )


def _add_cap(rows: list[MealCapRow], row: MealCapRow) -> None:
    """Append ``row`` unless a gram cap on the same foods of the meal is tighter.

    Two gram caps on one set of foods (a caller's caps file may hold a grown
    and a fixed one for the same plate) hold as the tighter one: a second row
    that can never bind would only change the model HiGHS and CBC search.
    """
    if row.max_grams is None or row.max_items is not None:
        rows.append(row)
        return
    for k, other in enumerate(rows):
        if (
            other.meal == row.meal
            and other.foods == row.foods
            and other.max_items is None
            and other.max_grams is not None
        ):
            if other.max_grams > row.max_grams:
                rows[k] = row
            return
    rows.append(row)
