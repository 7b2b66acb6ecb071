"""A :class:`~mealplan._problem.Problem` as a MILP in arrays, with no solver.

:func:`formulate` turns a Problem into a :class:`Model`: column bounds,
integrality and costs, a CSR constraint matrix (numpy ``indptr``/``indices``/
``data``; scipy is not needed), row bounds, and for every row the block that
made it and the constraint group it belongs to. Backends
(:mod:`mealplan._backend`) hand these arrays to a solver in bulk.

Variables, for day ``d``, meal ``m`` and candidate food ``f``:

- ``v[d,m,f]`` units eaten (integer half/whole portions, or continuous), one
  column per (day, meal, food) the meal allows and no ban forbids;
- ``y[d,m,f]`` binary "in this meal" (when anything needs it); a food is eaten
  at one meal of a day, so "eaten on day d" is the plain sum of its ``y``;
- continuous helpers appended by blocks (pattern deviations, shortfall slacks,
  the "shared" indicators of the no-repeat rule).

Rows come from one function per block, each appending to a
:class:`~mealplan._arrays.ModelBuilder`. A block reads the Problem and the builder's key arrays
(``builder.keys`` and the ``v``/``y`` column of each key) and calls
:meth:`ModelBuilder.add_rows` / :meth:`ModelBuilder.add_row` (coordinates,
row bounds, a :class:`Block` tag, optionally a constraint group) and
:meth:`ModelBuilder.add_columns` / :meth:`ModelBuilder.add_cost` for helper
columns and objective terms. To add a block (meal roles, companions, whole
units...): write ``def _my_block(b: ModelBuilder) -> None``, add a
:class:`Block` member, and append the function to :data:`BLOCKS`. Blocks
must not assume an order beyond :data:`BLOCKS`; duplicate (row, column)
entries are summed when the matrix is built.

The blocks: links ``min_units*y <= v <= max_units*y`` (big-M values are the
food's own portion caps, so the relaxation is tight); one meal a day per food;
nutrient bounds per day (or as a plan average with a daily floor; slacks when
``shortfall``); AMDR shares; meal energy shares, food counts and category caps;
``max_foods``; budget; pins; plan-wide variety (``sum_d z <= k``), grams per
week, no identical meal on consecutive days, must-differ scopes; and the
objective (the food-pattern departures of the default objective, cost, or a
diagnosis :class:`Goal`).
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import (
    FEASIBILITY,
    INF,
    Block,
    Goal,
    GoalKind,
    Model,
    ModelBuilder,
)
from mealplan._covers import nutrient_covers, pattern_cover
from mealplan._fped import ADDED_SUGARS
from mealplan._life_stage_cap_rows import life_stage_day_caps
from mealplan._models import Objective
from mealplan._norepeat import cut_rows
from mealplan._nutrients import Nutrient
from mealplan._problem import (
    ATWATER,
    CATEGORY_CAPS,
    DEFAULT_CATEGORY_CAP,
    PATTERN_GROUP,
    ConstraintGroup,
)
from mealplan._saturated_fat import KCAL_PER_G
from mealplan._structure_blocks import STRUCTURE_BLOCKS
from mealplan._week_caps import week_caps

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from numpy.typing import NDArray

    from mealplan._deadline import Deadline
    from mealplan._problem import Problem
    from mealplan._soft_minimums import SoftMinimum

__all__ = [
    "BLOCKS",
    "FEASIBILITY",
    "Block",
    "Goal",
    "GoalKind",
    "Model",
    "ModelBuilder",
    "formulate",
]


# Shortfall slacks are priced far above any food choice so the solver only
# misses a bound when nothing else can meet it; normalised per unit of bound.
SHORTFALL_WEIGHT = 1000.0
# Foods the article names get a small bonus: they are the sources it
# recommends for these nutrients, so among near-equal plans we prefer them.
ARTICLE_BONUS = 0.1
# Tiny, distinct per-food weights make the optimum unique, so the same
# request gives the same plan whatever order the solver explores.
TIE_BREAK = 1e-4
# Under the meal structure, a day within half a serving of a pattern group's
# target is on target (see _pattern_objective).
PATTERN_BAND = 0.5
# Per serving of a sweet or condiment (outside the pattern groups).
EXTRAS_COST = 0.5


# ---------------------------------------------------------------------- blocks


def _groups_of(values: NDArray[np.int64]) -> list[NDArray[np.int64]]:
    """Split key positions into runs of equal ``values`` (positions sorted by value)."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    cuts = np.flatnonzero(np.diff(sorted_values)) + 1
    return list(np.split(order, cuts))


def links(b: ModelBuilder) -> None:
    """``min_units*y <= v <= max_units*y``; a food at one meal a day; day caps."""
    p = b.problem
    k = len(b.keys)
    if k == 0:
        return
    f = b.keys[:, 2]
    if b.need_y:
        local = np.arange(k)
        ones = np.ones(k)
        b.add_rows(
            np.concatenate([local, local]),
            np.concatenate([b.v, b.y]),
            np.concatenate([ones, -p.max_units[f]]),
            np.full(k, -INF),
            np.zeros(k),
            Block.LINK_UPPER,
        )
        b.add_rows(
            np.concatenate([local, local]),
            np.concatenate([b.v, b.y]),
            np.concatenate([ones, -p.min_units[f]]),
            np.zeros(k),
            np.full(k, INF),
            Block.LINK_LOWER,
        )
    day_food = b.keys[:, 0] * max(len(p.food_ids), 1) + f
    runs = [r for r in _groups_of(day_food) if len(r) > 1]
    if not runs:
        return
    rows = np.concatenate([np.full(len(r), i) for i, r in enumerate(runs)])
    members = np.concatenate(runs)
    if b.need_y:
        # A food is eaten at one meal of a day. Besides being how people eat,
        # it lets "eaten this day" be the plain sum of the meal binaries.
        b.add_rows(
            rows,
            b.y[members],
            1.0,
            np.full(len(runs), -INF),
            np.ones(len(runs)),
            Block.ONE_MEAL,
        )
    else:
        cap = np.array([p.max_units[b.keys[r[0], 2]] for r in runs])
        b.add_rows(
            rows, b.v[members], 1.0, np.full(len(runs), -INF), cap, Block.DAY_CAP
        )


def nutrients(b: ModelBuilder) -> None:
    """Nutrient bounds: per day, or as a plan average with a daily floor."""
    p = b.problem
    for d in range(p.days):
        mask = b.day_mask(d)
        for bound in p.bounds:
            cols, vals = b.weighted(mask, p.coef[bound.key])
            if not bound.average:
                b.bounded(cols, vals, bound.sense, bound.value, bound.group, d)
            elif bound.daily_floor > 0:
                b.bounded(
                    cols,
                    vals,
                    ">=",
                    bound.value * bound.daily_floor,
                    bound.group,
                    d,
                    Block.DAILY_FLOOR,
                )
    everything = np.ones(len(b.keys), dtype=bool)
    for bound in p.bounds:
        if bound.average:
            cols, vals = b.weighted(everything, p.coef[bound.key])
            b.bounded(cols, vals, bound.sense, bound.value * p.days, bound.group, -1)


def macros(b: ModelBuilder) -> None:
    """AMDR shares: ``low*energy <= Atwater*grams <= high*energy`` every day."""
    p = b.problem
    if not p.macro:
        return
    energy = p.coef["energy_kcal"]
    for d in range(p.days):
        mask = b.day_mask(d)
        for row in p.macro:
            grams = ATWATER.get(row.nutrient, 4.0) * p.coef[row.nutrient]
            cols, vals = b.weighted(mask, grams - row.low * energy)
            b.add_row(cols, vals, 0.0, INF, Block.MACRO, row.group)
            cols, vals = b.weighted(mask, grams - row.high * energy)
            b.add_row(cols, vals, -INF, 0.0, Block.MACRO, row.group)


def meals(b: ModelBuilder) -> None:
    """Meal energy shares, food counts and category caps per meal."""
    p = b.problem
    if len(p.meals) <= 1:
        return
    group = ConstraintGroup.parse("meals")
    energy = p.coef["energy_kcal"]
    categories = np.array(p.category, dtype=object)
    for d in range(p.days):
        day = b.day_mask(d)
        day_cols, day_vals = b.weighted(day, energy)
        for m, meal in enumerate(p.meals):
            here = day & (b.keys[:, 1] == m)
            meal_cols, meal_vals = b.weighted(here, energy)
            lo, hi = meal.share
            if lo > 0:
                b.add_row(
                    np.concatenate([meal_cols, day_cols]),
                    np.concatenate([meal_vals, -lo * day_vals]),
                    0.0,
                    INF,
                    Block.MEAL_SHARE,
                    group,
                )
            if hi < 1:
                b.add_row(
                    np.concatenate([meal_cols, day_cols]),
                    np.concatenate([meal_vals, -hi * day_vals]),
                    -INF,
                    0.0,
                    Block.MEAL_SHARE,
                    group,
                )
            ks = np.flatnonzero(here)
            ys = b.y[ks]
            cats = categories[b.keys[ks, 2]]
            for cat in sorted({c for c in cats if c}):
                members = ys[cats == cat]
                cap = CATEGORY_CAPS.get(cat, DEFAULT_CATEGORY_CAP)
                if len(members) > cap:
                    b.add_row(members, 1.0, -INF, cap, Block.CATEGORY, group)
            if meal.min_foods > 0:
                b.add_row(ys, 1.0, meal.min_foods, INF, Block.MEAL_COUNT, group)
            if len(ys) and meal.max_foods < len(ys):
                b.add_row(ys, 1.0, -INF, meal.max_foods, Block.MEAL_COUNT, group)


# Whether a fat that the structure pairs with an item (the pooled companion
# rules: oil, butter or dressing only with an item it is cooked with, dresses
# or is spread on) is left out of ``max_foods``, as a supplement tablet is.
# On (issue 11: a fat is never an item of its own, it is shown as the cooking
# fat or dressing of an item of its meal, so it is part of that item, not one
# more food of the day); tests/checks.py counts the same way, from the plan's
# part_of, and mealplan._cover's proof leaves the same foods out of its k.
# Measured (benchmarks/bound_gap_latest.md): the 12-foods cap is what made
# the LP bound weak on the days that ran to the deadline (with only the
# binaries integer, load.py's day 11 has optimum 1.552 against the LP's
# 1.218; 1.311 with the fats left out, its optimum with no cap at all); with
# them left out load.py's 48 days went CPU p95 3.36 -> 0.74 s.
FATS_OUTSIDE_FOOD_CAP = True


def _cap_exempt(p: Problem) -> list[int]:
    """Foods ``max_foods`` does not count: supplements and (if set) paired fats."""
    exempt = set(p.supplements)
    if FATS_OUTSIDE_FOOD_CAP and p.structure is not None:
        for rule in p.structure.companions:
            if rule.pooled:
                exempt |= set(rule.needs)
    return sorted(exempt)


def food_count(b: ModelBuilder) -> None:
    """At most ``max_foods`` foods a day (no tablet, no item's cooking fat)."""
    p = b.problem
    if p.max_foods is None:
        return
    group = ConstraintGroup.parse("max_foods")
    exempt = _cap_exempt(p)
    food = ~np.isin(b.keys[:, 2], exempt) if exempt else None
    for d in range(p.days):
        here = b.day_mask(d) if food is None else b.day_mask(d) & food
        ys = b.y[here]
        if len(ys) > p.max_foods:
            b.add_row(ys, 1.0, -INF, p.max_foods, Block.MAX_FOODS, group)


def budget(b: ModelBuilder) -> None:
    """At most ``budget`` US$ a day."""
    p = b.problem
    if p.budget is None:
        return
    group = ConstraintGroup.parse("budget")
    price = np.nan_to_num(p.price_per_unit, nan=0.0)
    for d in range(p.days):
        cols, vals = b.weighted(b.day_mask(d), price)
        b.add_row(cols, vals, -INF, p.budget, Block.BUDGET, group)


def pins(b: ModelBuilder) -> None:
    """Pinned and included foods: on their day (at their meal)."""
    p = b.problem
    if not p.pins:
        return
    position = {tuple(key): k for k, key in enumerate(b.keys.tolist())}
    for f, pin_day, meal in p.pins:
        day = 0 if pin_day is None else pin_day
        # Included foods and pins without a meal: the food at any meal.
        meals_of = range(len(p.meals)) if meal is None else [meal]
        ks = [position[(day, m, f)] for m in meals_of if (day, m, f) in position]
        # An empty row (the food is not available there) is infeasible, as it
        # should be: the pin cannot hold.
        b.add_row(b.y[ks], 1.0, 1.0, INF, Block.PIN)


def variety(b: ModelBuilder) -> None:
    """Keep a food to ``max_days_per_food`` days and ``max_grams_per_week``."""
    p = b.problem
    group = ConstraintGroup.parse("variety")
    if p.max_days_per_food is not None and p.days > 1 and len(b.keys):
        pinned = {f for f, _, _ in p.pins}
        for run in _groups_of(b.keys[:, 2]):
            f = int(b.keys[run[0], 2])
            limit = p.day_limit(f) or p.max_days_per_food
            if f in pinned or len(run) <= limit:
                continue
            b.add_row(b.y[run], 1.0, -INF, limit, Block.VARIETY, group)
    if p.max_grams_per_week is not None and len(b.keys):
        for run in _groups_of(b.keys[:, 2]):
            f = int(b.keys[run[0], 2])
            grams = float(p.unit_grams[f])
            if grams * float(p.max_units[f]) * p.days > p.max_grams_per_week:
                b.add_row(
                    b.v[run], grams, -INF, p.max_grams_per_week, Block.WEEK_GRAMS, group
                )


def no_repeats(b: ModelBuilder) -> None:
    """No meal identical on consecutive days: ``2*shared <= |A| + |B| - 1``.

    Only meals with ``min_foods`` >= 1: a meal that may be empty would need
    an indicator per day (two empty snacks are no repeat), which made
    proofs of infeasibility slow. Without them this model is a relaxation of
    the rule (its bound and its infeasibility stay valid); plans are held to
    the rule for every meal by :mod:`mealplan._norepeat`.
    """
    p = b.problem
    if not p.no_repeat_meals:
        return
    group = ConstraintGroup.parse("variety")
    # Each key's column by (day, meal, food), -1 where it has none: the rows
    # of a (day, meal) pair come from array lookups, not a call per food (a
    # 3-day plan over all SR28 foods: 2 s of a 4-5 s build, and a piece of
    # it the deadline cannot stop; mealplan._deadline).
    position = np.full((p.days, len(p.meals), len(p.food_ids)), -1, dtype=np.int64)
    position[b.keys[:, 0], b.keys[:, 1], b.keys[:, 2]] = np.arange(len(b.keys))
    for m, meal in enumerate(p.meals):
        if meal.min_foods < 1:
            continue
        foods = np.asarray(meal.foods, dtype=np.int64)
        for d in range(p.days - 1):
            if (d, m) in p.fixed_scopes and (d + 1, m) in p.fixed_scopes:
                continue
            a = position[d, m, foods]
            c = position[d + 1, m, foods]
            both = (a >= 0) & (c >= 0)
            n = int(both.sum())
            shared = b.add_columns(np.zeros(n), 1.0)
            if n:
                b.add_rows(
                    np.repeat(np.arange(n), 3),
                    np.column_stack([shared, b.y[a[both]], b.y[c[both]]]).reshape(-1),
                    np.tile([1.0, -1.0, -1.0], n),
                    np.full(n, -1.0),
                    INF,
                    Block.SHARED,
                    group,
                )
            b.add_row(
                np.concatenate([b.y[a[a >= 0]], b.y[c[c >= 0]], shared]),
                np.concatenate(
                    [
                        np.full(int((a >= 0).sum() + (c >= 0).sum()), -1.0),
                        np.full(n, 2.0),
                    ]
                ),
                -INF,
                -1.0,
                Block.NO_REPEAT,
                group,
            )


def differ(b: ModelBuilder) -> None:
    """Make a regenerated scope (or a seeded day) drop at least one old food."""
    p = b.problem
    if not p.must_differ:
        return
    position = {tuple(key): k for k, key in enumerate(b.keys.tolist())}
    for (d, m), old in p.must_differ.items():
        meals_of = range(len(p.meals)) if m < 0 else [m]
        present: list[int] = []
        complete = True
        for f in old:
            ks = [position[(d, mm, f)] for mm in meals_of if (d, mm, f) in position]
            if not ks:
                complete = False  # already banned, so the scope differs anyway
                break
            present.extend(ks)
        if complete:
            b.add_row(b.y[present], 1.0, -INF, len(old) - 1, Block.DIFFER)


def objective(b: ModelBuilder) -> None:
    """Set the plan's objective, or the diagnosis's goal."""
    p = b.problem
    f = b.keys[:, 2]
    goal = b.goal
    if goal is not None:
        if goal.kind is GoalKind.COST:
            b.add_cost(b.v, np.nan_to_num(p.price_per_unit[f], nan=0.0))
        elif goal.kind is GoalKind.FOODS:
            # The foods max_foods counts (not a supplement, not a paired fat).
            counted = (b.y >= 0) & ~np.isin(f, _cap_exempt(p))
            b.add_cost(b.y[counted], 1.0)
        elif goal.kind is GoalKind.NUTRIENT:
            assert goal.nutrient is not None
            b.add_cost(b.v, p.coef[goal.nutrient][f])
        return
    typical_weight = 1.0
    if p.objective is Objective.COST:
        b.add_cost(b.v, np.nan_to_num(p.price_per_unit[f], nan=0.0))
        # Typical-serving terms only break ties between equal-cost plans.
        typical_weight = 1e-3
    if p.pattern:
        _pattern_objective(b, typical_weight)
    else:
        # A table without categories: fewest portions, same tie-break.
        w = 1.0 / p.units_per_portion - np.where(p.article, ARTICLE_BONUS / 10, 0.0)
        b.add_cost(b.v, typical_weight * (w + TIE_BREAK * p.tie)[f])
    if p.saturated_fat is not None:
        _saturated_fat_objective(b, typical_weight)
    for soft in p.soft_minimums:
        _soft_minimum_objective(b, soft, typical_weight)
    if p.use_cost and b.need_y:
        charge = np.array([p.use_cost.get(i, 0.0) for i in range(len(p.food_ids))])
        b.add_cost(b.y, charge[f])
    if p.unit_cost:
        per_unit = np.array([p.unit_cost.get(i, 0.0) for i in range(len(p.food_ids))])
        b.add_cost(b.v, per_unit[f])
    for (group, _), col in b.slacks.items():
        rhs = next((r.value for r in p.bounds if r.group == group), 1.0)
        b.add_cost([col], SHORTFALL_WEIGHT / max(rhs, 1e-6))


def _saturated_fat_objective(b: ModelBuilder, weight: float) -> None:
    """Charge each day's energy from saturated fat above its share of the day's.

    One continuous helper per day, ``over >= 9*sat - share*energy`` (kcal),
    charged per kcal (:mod:`mealplan._saturated_fat`: a soft limit, the
    Dietary Guidelines' 10 %).
    """
    p = b.problem
    assert p.saturated_fat is not None
    share, per_kcal = p.saturated_fat
    excess = (
        KCAL_PER_G * p.coef[Nutrient.SATURATED_FAT.value]
        - share * p.coef[Nutrient.ENERGY.value]
    )
    # over >= excess: excess - over <= 0.
    _daily_helper(b, excess, -1.0, (-INF, 0.0), Block.SATURATED_FAT, weight * per_kcal)


def _soft_minimum_objective(b: ModelBuilder, soft: SoftMinimum, weight: float) -> None:
    """Charge each day's shortfall below a soft minimum (choline's AI).

    One continuous helper per day, ``amount + short >= minimum``, charged per
    unit short (:mod:`mealplan._soft_minimums`).
    """
    coef = b.problem.coef[soft.nutrient]
    _daily_helper(
        b, coef, 1.0, (soft.amount, INF), Block.SOFT_MINIMUM, weight * soft.per_unit
    )


def _daily_helper(
    b: ModelBuilder,
    per_unit: NDArray[np.float64],
    sign: float,
    bounds: tuple[float, float],
    block: Block,
    cost: float,
) -> None:
    """Add one charged helper per day: ``lo <= per_unit . x_day + sign * h <= hi``.

    Days whose every meal is kept (a regenerated plan's other days) get none:
    their foods are fixed, so the charge would be a constant.
    """
    p = b.problem
    for d in range(p.days):
        if all((d, m) in p.fixed_scopes for m in range(len(p.meals))):
            continue
        ks = np.flatnonzero(b.day_mask(d))
        (helper,) = b.add_columns([0.0], INF)
        b.add_row(
            np.concatenate([b.v[ks], [helper]]),
            np.concatenate([per_unit[b.keys[ks, 2]], [sign]]),
            bounds[0],
            bounds[1],
            block,
        )
        b.add_cost([helper], cost)


def _pattern_objective(b: ModelBuilder, weight: float) -> None:
    """Charge each day's departure from the food pattern, and other servings.

    Per day and pattern group: |servings - target| (convex, via two continuous
    deviations). Foods outside the pattern groups (sweets, condiments) cost a
    flat charge per serving. Foods the article does not name carry a small
    surcharge per serving, and fixed tiny per-food weights break ties.

    Under the meal structure (whole units, a main at lunch and dinner), a
    group often cannot land exactly on its half-serving target; the LP can,
    so the relaxation sat half a serving below every such plan and HiGHS
    spent the whole time limit failing to close that gap (4 of 15 realism
    personas at 10 s). There, ``PATTERN_BAND`` servings either side of the
    target are free: the same plans a dietitian would accept, a tight bound.
    """
    p = b.problem
    upp = 1.0 / p.units_per_portion
    n = len(p.food_ids)
    group_of = [PATTERN_GROUP.get(c, "") for c in p.category]
    extras = np.array([g == "extras" and g not in p.pattern for g in group_of])
    if p.treats and "extras" not in p.pattern:
        # Soft and alcoholic drinks cost what a sweet costs (see Problem.treats).
        extras[sorted(p.treats)] = True
    penalty = np.array([p.penalty.get(i, 0.0) for i in range(n)])
    per_food = (
        np.where(p.article, 0.0, ARTICLE_BONUS)
        + penalty
        + TIE_BREAK * (1 + p.tie)
        + np.where(extras, EXTRAS_COST, 0.0)
    ) * (weight * upp)
    # A dish's added sugars (FPED) cost what a sweet's serving costs.
    if ADDED_SUGARS in p.pattern_mix:
        per_food = per_food + EXTRAS_COST * weight * p.pattern_mix[ADDED_SUGARS]
    names = sorted(p.pattern)
    band = PATTERN_BAND if p.structure is not None and p.structure.parts else 0.0
    group_index = np.array([names.index(g) if g in p.pattern else -1 for g in group_of])
    # Servings of each group per unit: a food's own group, or a dish's FPED mix.
    credits = [
        np.where(group_index == gi, p.pattern_credit, 0.0)
        + p.pattern_mix.get(name, 0.0)
        for gi, name in enumerate(names)
    ]
    for d in range(p.days):
        if all((d, m) in p.fixed_scopes for m in range(len(p.meals))):
            continue
        ks = np.flatnonzero(b.day_mask(d))
        foods = b.keys[ks, 2]
        b.add_cost(b.v[ks], per_food[foods])
        for name, credit in zip(names, credits, strict=True):
            members = ks[credit[foods] > 0]
            over, under = b.add_columns([0.0, 0.0], INF)
            cols = [over, under]
            coefs = [-1.0, 1.0]
            if band:
                cols.append(int(b.add_columns(-band, band)[0]))
                coefs.append(-1.0)
            b.add_row(
                np.concatenate([b.v[members], cols]),
                np.concatenate([credit[b.keys[members, 2]], coefs]),
                p.pattern[name],
                p.pattern[name],
                Block.PATTERN,
            )
            b.add_cost([over, under], weight)
            # servings >= target - band - under: how many foods that takes.
            pattern_cover(b, members, credit, p.pattern[name] - band, int(under))


BLOCKS: list[Callable[[ModelBuilder], None]] = [
    links,
    nutrients,
    macros,
    meals,
    food_count,
    budget,
    pins,
    variety,
    no_repeats,
    differ,
    life_stage_day_caps,
    week_caps,
    nutrient_covers,
    objective,
    *STRUCTURE_BLOCKS,
    cut_rows,
]
"""The blocks :func:`formulate` runs, in order; append new ones here."""


def formulate(
    problem: Problem,
    goal: Goal | None = None,
    *,
    foods: Collection[int] | None = None,
    relax: bool = False,
    deadline: Deadline | None = None,
) -> Model:
    """Return ``problem`` as a MILP in arrays.

    Args:
        problem: The planning model.
        goal: Replace the plan's objective (the diagnosis's questions).
        foods: Only these candidate foods get columns (a restricted model).
        relax: Every column continuous (the LP relaxation).
        deadline: Checked before each block and between the steps that
            freeze the arrays (a whole week's or all SR28 foods' model takes
            seconds on a loaded machine; :mod:`mealplan._deadline`).

    Raises:
        OutOfTime: ``deadline`` passed during the build (the strategy layer
            catches it; the half-built model is dropped).

    """
    began = time.perf_counter()
    builder = ModelBuilder(problem, goal, foods=foods, relax=relax)
    for block in BLOCKS:
        if deadline is not None:
            deadline.check()
        block(builder)
    if deadline is not None:
        deadline.check()
    model = builder.build(deadline)
    return dataclasses.replace(model, seconds=time.perf_counter() - began)
