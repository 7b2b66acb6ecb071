"""The meal-structure blocks of the formulation, and their words for the diagnosis.

Each block reads :attr:`Problem.structure <mealplan._problem.Problem.structure>`
(a :class:`~mealplan._meal_structure.StructureData`) and appends rows to the
:class:`~mealplan._arrays.ModelBuilder`, tagged with a :class:`Block` and a
``structure:<name>`` :class:`~mealplan._problem.ConstraintGroup`:

- :func:`meal_parts`: per day and structured meal, ``min <= items of a part <= max``;
- :func:`companions`: ``y[cereal] <= sum y[milks]`` in the same meal (and spreads with bread);
- :func:`meal_caps`: grams per meal and items of a role per meal (portion_caps.csv);
- :func:`one_form`: per day and base, ``sum y <= 1`` (one form of a base food a day);
- :func:`one_milk`: per day, ``sum y <= 1`` over the milk-type drinks;
- :func:`base_variety`: the weekly variety rule over bases, not records;
- :func:`whole_units`: ``v = units_per_portion * w`` with integer ``w``;
- :func:`taste`: the likes bonus and the seeded preference (objective only).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import INF, Block
from mealplan._models import Objective
from mealplan._problem import ConstraintGroup, GroupKind
from mealplan._structure import ONE_MAIN_SLOTS

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from mealplan._arrays import ModelBuilder
    from mealplan._models import PlanRequest

__all__ = [
    "LIKE_BONUS",
    "SEED_WEIGHT",
    "STRUCTURE_BLOCKS",
    "base_variety",
    "companions",
    "conflict_text",
    "main_servings",
    "meal_caps",
    "meal_parts",
    "one_form",
    "one_milk",
    "taste",
    "whole_units",
]

# A liked food earns this much per meal it is in: half a missed food-pattern
# serving, more than the seeded preference below can take away from a
# typical serving, never enough to trade a nutrient bound (hard rows) for it.
LIKE_BONUS = 0.5
# The seeded preference: up to this much per serving, per base food. Three
# times the article bonus, so the article's foods stay favoured on average
# but not in every plan (banana, the article's one fresh fruit, was in 14 of
# 15 realism plans at 0.1); the solve stops within this much of the bound
# (mealplan._optimiser.abs_tolerance), as the preference is a tie-break.
SEED_WEIGHT = 0.3


def _group(name: str) -> ConstraintGroup:
    return ConstraintGroup(GroupKind.STRUCTURE, name)


def _positions(
    b: ModelBuilder, d: int, m: int, foods: tuple[int, ...]
) -> NDArray[np.int64]:
    """Key positions of ``foods`` at day ``d``, meal ``m``."""
    mask = b.day_mask(d, m)
    ks = np.flatnonzero(mask)
    if not len(ks) or not foods:
        return np.zeros(0, dtype=np.int64)
    found: NDArray[np.int64] = ks[
        _members(foods, len(b.problem.food_ids))[b.keys[ks, 2]]
    ]
    return found


@functools.lru_cache(maxsize=1024)
def _members(foods: tuple[int, ...], n: int) -> NDArray[np.bool_]:
    """Return a read-only mask over ``n`` food indices, true at ``foods``.

    A lookup instead of ``np.isin`` (which sorts both sides on every call):
    a structured day asks for a few dozen part and rule food sets hundreds
    of times per model.
    """
    out = np.zeros(n, dtype=bool)
    out[list(foods)] = True
    out.flags.writeable = False
    return out


def _free(b: ModelBuilder, d: int, m: int) -> bool:
    return (d, m) not in b.problem.fixed_scopes


def meal_parts(b: ModelBuilder) -> None:
    """Each structured meal holds ``min_items..max_items`` items of each part."""
    s = b.problem.structure
    if s is None or not b.need_y:
        return
    for part in s.parts:
        group = _group(part.group)
        for d in range(b.problem.days):
            if not _free(b, d, part.meal):
                continue
            ks = _positions(b, d, part.meal, part.foods)
            if part.min_items > 0:
                b.add_row(b.y[ks], 1.0, part.min_items, INF, Block.MEAL_PART, group)
            if len(ks) > part.max_items:
                b.add_row(b.y[ks], 1.0, -INF, part.max_items, Block.MEAL_PART, group)
    _main_meal_protein(b)


def _main_meal_protein(b: ModelBuilder) -> None:
    """Lunch and dinner hold at least 10 g of protein (a main, not a garnish).

    6 g at ages 1-3 (:attr:`~mealplan._problem.Problem.main_meal_protein_g`).
    """
    p = b.problem
    s = p.structure
    protein = p.coef.get("protein_g")
    if s is None or protein is None:
        return
    structured = {part.meal: part.group for part in s.parts}
    for m, name in sorted(structured.items()):
        slot = p.meals[m].slot
        if slot is None or slot.value not in ("lunch", "dinner"):
            continue
        for d in range(p.days):
            if _free(b, d, m):
                cols, vals = b.weighted(b.day_mask(d, m), protein)
                b.add_row(
                    cols,
                    vals,
                    p.main_meal_protein_g,
                    INF,
                    Block.MEAL_PART,
                    _group(name),
                )


def companions(b: ModelBuilder) -> None:
    """Keep a food that needs a companion (cereal: milk) to meals that have one."""
    s = b.problem.structure
    if s is None or not b.need_y:
        return
    for rule in s.companions:
        group = _group(rule.group)
        for d in range(b.problem.days):
            if not _free(b, d, rule.meal):
                continue
            providers = b.y[_positions(b, d, rule.meal, rule.providers)]
            if rule.pooled:
                at = _positions(b, d, rule.meal, rule.needs)
                needs = b.y[at]
                if len(needs):
                    b.add_row(
                        np.concatenate([needs, providers]),
                        np.concatenate([np.ones(len(needs)), -np.ones(len(providers))]),
                        -INF,
                        0.0,
                        Block.COMPANION,
                        group,
                    )
                    if rule.no_heavier:
                        providing = _positions(b, d, rule.meal, rule.providers)
                        _no_heavier(b, at, providing, group)
                continue
            if rule.min_grams:
                # Grams of the providers, at least min_grams per drink.
                food = _positions(b, d, rule.meal, rule.providers)
                grams = b.problem.unit_grams[b.keys[food, 2]]
                for k in _positions(b, d, rule.meal, rule.needs):
                    b.add_row(
                        np.concatenate([[b.y[k]], b.v[food]]),
                        np.concatenate([[rule.min_grams], -grams]),
                        -INF,
                        0.0,
                        Block.COMPANION,
                        group,
                    )
            for k in _positions(b, d, rule.meal, rule.needs):
                # A food can be both (yogurt-with-cereal dishes): it needs no other.
                others = providers[providers != b.y[k]]
                b.add_row(
                    np.concatenate([[b.y[k]], others]),
                    np.concatenate([[1.0], -np.ones(len(others))]),
                    -INF,
                    0.0,
                    Block.COMPANION,
                    group,
                )


def _no_heavier(
    b: ModelBuilder,
    needs: NDArray[np.int64],
    providers: NDArray[np.int64],
    group: ConstraintGroup,
) -> None:
    """Grams of the ``needs`` keys no more than grams of the ``providers``.

    On the quantity variables, so it binds only with a fat in the meal: a
    meal without one has 0 <= the providers' grams.
    """
    grams = b.problem.unit_grams
    b.add_row(
        np.concatenate([b.v[needs], b.v[providers]]),
        np.concatenate([grams[b.keys[needs, 2]], -grams[b.keys[providers, 2]]]),
        -INF,
        0.0,
        Block.COMPANION,
        group,
    )


def meal_caps(b: ModelBuilder) -> None:
    """Grams per meal and items of a role per meal, from portion_caps.csv."""
    p = b.problem
    s = p.structure
    if s is None:
        return
    for cap in s.meal_caps:
        group = _group(cap.group)
        for d in range(p.days):
            if not _free(b, d, cap.meal):
                continue
            ks = _positions(b, d, cap.meal, cap.foods)
            if not len(ks):
                continue
            if cap.max_grams is not None:
                grams = p.unit_grams[b.keys[ks, 2]]
                b.add_row(b.v[ks], grams, -INF, cap.max_grams, Block.MEAL_CAP, group)
            if cap.max_items is not None and b.need_y and len(ks) > cap.max_items:
                b.add_row(b.y[ks], 1.0, -INF, cap.max_items, Block.MEAL_CAP, group)


def _base_runs(b: ModelBuilder, mask: NDArray[np.bool_]) -> list[NDArray[np.int64]]:
    """Key positions under ``mask`` grouped by base, bases with two or more foods."""
    s = b.problem.structure
    assert s is not None
    assert s.base is not None
    ks = np.flatnonzero(mask)
    if not len(ks):
        return []
    bases = s.base[b.keys[ks, 2]]
    order = np.argsort(bases, kind="stable")
    cuts = np.flatnonzero(np.diff(bases[order])) + 1
    out = []
    for run in np.split(ks[order], cuts):
        if len(np.unique(b.keys[run, 2])) > 1:
            out.append(run)
    return out


def one_form(b: ModelBuilder) -> None:
    """At most one form of a base food a day (raw or cooked broccoli, not both)."""
    p = b.problem
    s = p.structure
    if s is None or s.base is None or not b.need_y:
        return
    group = _group("one_form")
    for d in range(p.days):
        if all((d, m) in p.fixed_scopes for m in range(len(p.meals))):
            continue
        for run in _base_runs(b, b.day_mask(d)):
            b.add_row(b.y[run], 1.0, -INF, 1.0, Block.ONE_FORM, group)


def one_milk(b: ModelBuilder) -> None:
    """At most one milk-type drink a day (a plant milk or a milk, in one meal)."""
    p = b.problem
    s = p.structure
    if s is None or s.milk is None or not b.need_y:
        return
    group = _group("milk")
    for d in range(p.days):
        if all((d, m) in p.fixed_scopes for m in range(len(p.meals))):
            continue
        ks = np.flatnonzero(b.day_mask(d))
        ks = ks[s.milk[b.keys[ks, 2]]]
        if len(ks) > 1:
            b.add_row(b.y[ks], 1.0, -INF, 1.0, Block.ONE_FORM, group)


def base_variety(b: ModelBuilder) -> None:
    """Count bases in the variety rule: a base on at most ``max_days_per_food`` days."""
    p = b.problem
    s = p.structure
    limit = p.max_days_per_food
    if s is None or s.base is None or limit is None or p.days <= 1 or not b.need_y:
        return
    if s.base is None:
        return
    group = ConstraintGroup(GroupKind.VARIETY)
    pinned = {int(s.base[f]) for f, _, _ in p.pins}
    for run in _base_runs(b, np.ones(len(b.keys), dtype=bool)):
        if int(s.base[b.keys[run[0], 2]]) in pinned:
            continue
        # A sole source of a need may have a wider limit (mealplan._sources).
        wide = max(p.max_days_for.get(int(f), limit) for f in b.keys[run, 2])
        wide = max(wide, limit)
        # With one form a day, the y of a base's records sum to its days.
        if len(np.unique(b.keys[run, 0])) > wide:
            b.add_row(b.y[run], 1.0, -INF, wide, Block.VARIETY, group)


def whole_units(b: ModelBuilder) -> None:
    """Countable foods in whole portions: ``v = units_per_portion * w``, w integer."""
    p = b.problem
    s = p.structure
    if s is None or s.whole is None or (p.units_per_portion == 1.0 and p.integer):
        return
    ks = np.flatnonzero(s.whole[b.keys[:, 2]])
    if not len(ks):
        return
    upp = np.full(len(ks), p.units_per_portion)
    if s.halves is not None:
        # Quarter servings: a large countable food in half pieces.
        upp = np.where(s.halves[b.keys[ks, 2]], upp / 2, upp)
    w = b.add_columns(
        np.zeros(len(ks)),
        np.floor(p.max_units[b.keys[ks, 2]] / upp + 1e-9),
        integer=True,
    )
    local = np.arange(len(ks))
    b.add_rows(
        np.concatenate([local, local]),
        np.concatenate([b.v[ks], w]),
        np.concatenate([np.ones(len(ks)), -upp]),
        np.zeros(len(ks)),
        np.zeros(len(ks)),
        Block.WHOLE_UNIT,
        _group("portions"),
    )
    if b.need_y:
        # In the meal means at least one whole portion: ``v >= upp * y``, a
        # much tighter relaxation than the link's ``v >= y``.
        _at_least(b, ks, np.ones(len(ks)), upp, Block.WHOLE_UNIT)


def _at_least(
    b: ModelBuilder,
    ks: NDArray[np.int64],
    per_unit: NDArray[np.float64],
    least: NDArray[np.float64],
    block: Block,
) -> None:
    """Add ``per_unit * v[k] >= least * y[k]`` for each key ``k`` of ``ks`` (portions group)."""
    local = np.arange(len(ks))
    b.add_rows(
        np.concatenate([local, local]),
        np.concatenate([b.v[ks], b.y[ks]]),
        np.concatenate([per_unit, -least]),
        np.zeros(len(ks)),
        np.full(len(ks), INF),
        block,
        _group("portions"),
    )


def main_servings(b: ModelBuilder) -> None:
    """Serve a meat, poultry or fish at a lunch or dinner as a serving, not a garnish.

    ``grams >= least * y`` for each such item (2 oz from age 14, 1 oz at 4-13:
    :func:`~mealplan._structure.main_serving_grams`), in the portions group.
    """
    p = b.problem
    s = p.structure
    if s is None or s.main_serving is None or not b.need_y:
        return
    meals = [
        m
        for m, meal in enumerate(p.meals)
        if meal.slot is not None and meal.slot.value in ONE_MAIN_SLOTS
    ]
    # Every day's lunch and dinner keys at once, but for a regenerated
    # plan's kept meals (fixed scopes), which have no rows of their own.
    free = np.isin(b.keys[:, 1], meals)
    for d, m in p.fixed_scopes:
        free &= ~((b.keys[:, 0] == d) & (b.keys[:, 1] == m))
    least = s.main_serving[b.keys[:, 2]]
    ks = np.flatnonzero(free & (least > 0))
    if len(ks):
        f = b.keys[ks, 2]
        _at_least(b, ks, p.unit_grams[f], least[ks], Block.MAIN_SERVING)


def taste(b: ModelBuilder) -> None:
    """Likes earn a bonus per meal; a seed adds a small stable per-food preference."""
    p = b.problem
    s = p.structure
    if s is None or b.goal is not None or not len(b.keys):
        return
    f = b.keys[:, 2]
    if s.like is not None and s.like.any():
        hit = s.like[f] > 0
        if b.need_y:
            b.add_cost(b.y[hit], -LIKE_BONUS)
        else:
            b.add_cost(b.v[hit], -LIKE_BONUS / p.units_per_portion)
    if s.jitter is not None:
        # Under the cost objective the food terms only break ties (dollars
        # come first), and so does the seed.
        weight = SEED_WEIGHT * (1e-3 if p.objective is Objective.COST else 1.0)
        b.add_cost(b.v, weight * s.jitter[f] / p.units_per_portion)


STRUCTURE_BLOCKS: tuple[Callable[[ModelBuilder], None], ...] = (
    meal_parts,
    companions,
    meal_caps,
    one_form,
    one_milk,
    base_variety,
    whole_units,
    main_servings,
    taste,
)
"""The structure blocks, appended to :data:`mealplan._formulation.BLOCKS`."""


def conflict_text(group: ConstraintGroup, request: PlanRequest) -> tuple[str, str]:
    """Return the diagnosis's description and relaxation of a structure group."""
    from mealplan._meal_rules import (
        BREAKFAST_BREAD_WORDS,
        BREAKFAST_CEREAL_WORDS,
        COMPANIONS,
        breakfast_grain_rule,
        structures_by_slot,
    )

    name = group.nutrient or ""
    off = "or set structure to false for the bare model"
    if name == "one_form":
        return (
            "one form of each base food a day (not raw and cooked broccoli)",
            f"Allow more foods (fewer exclusions or allergies), {off}.",
        )
    if name == "milk":
        return (
            "one milk-type drink a day (a plant milk or a milk, at one meal)",
            f"Allow more foods (fewer exclusions or allergies), {off}.",
        )
    if name == "starch":
        return (
            "one grain or starch item at a lunch or dinner (rice, pasta, bread, "
            "potato, or a dish made mostly of them, like a sandwich or rice and "
            "beans)",
            "Give lunch and dinner your own meal_structure (or raise the "
            f"max_items of starch_per_meal in portion_caps.csv), {off}.",
        )
    if name == "portions":
        return (
            "whole portions of countable foods (eggs, slices, pieces)",
            f"Use portion_mode 'continuous', {off}.",
        )
    if name == "cereal":
        return (
            "one cereal a meal, hot or ready-to-eat (not oatmeal and a cold "
            "cereal at one breakfast)",
            f"Pin or include at most one cereal a meal, {off}.",
        )
    if name == "items":
        return (
            "no sugar or condiment as an item of its own (and fat only with an "
            "item it is cooked with)",
            f"Allow more foods, {off}.",
        )
    meal = next((m for m in request.meals or () if m.name == name), None)
    if meal is None:
        return (f"the structure of {name}", f"Relax the meal structure, {off}.")
    spec = structures_by_slot(request)[meal.slot.value]
    parts = ", ".join(
        f"{p.name} {p.min_items}-{p.max_items}" if p.min_items else f"optional {p.name}"
        for p in spec.parts
    )
    rules = "; ".join(c.words for c in COMPANIONS if c.holds_at(meal.slot.value))
    if meal.slot.value == "breakfast" and breakfast_grain_rule(request):
        rules = f"{BREAKFAST_BREAD_WORDS}; {BREAKFAST_CEREAL_WORDS}; {rules}"
    return (
        f"a {name} made of its parts ({parts}; {rules}) within its caps",
        f"Widen the {meal.slot.value} parts in meal_structure, {off}.",
    )
