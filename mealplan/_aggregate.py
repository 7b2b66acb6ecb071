"""A large problem's meals merged into one: a small relaxation with the same bound's role.

All 8,789 SR28 foods in 4 meals make a relaxation of 70,324 columns and
79,253 rows (four copies of every food, each with its links) whose simplex
took 18 s of CPU (62 s wall at load 9; with presolve it had not finished
after 36 s of CPU), so the 10 s 4-meal SR28 day of ``benchmarks/run.py``
raised SolverError before the guided start had a single food to try. The
same request with one meal has 17,578 columns; its relaxation took 0.2 s and
had the very same optimum (17.3015).

That is no accident when no rule looks inside a meal: every plan in meals
is, summed over its meals, a plan of the one-meal problem with the same
objective (a food is eaten at one meal a day, so its "eaten today" binary,
its portions and the day's totals are the same), so the one-meal problem is
a relaxation of the meal problem and its LP bound is a bound of the meal
MILP. The guided start takes its candidate foods (support and reduced
costs, per food) and its bound from that relaxation; the restricted MILPs
are still the real problem's, with its meals.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from mealplan._problem import MealRow

if TYPE_CHECKING:
    from mealplan._problem import Problem

__all__ = ["merged_meals"]

# A relaxation with more (day, meal, food) columns than this is asked on the
# merged meals (when valid). The bundled table's day has 1,100-2,300 (its
# relaxation takes milliseconds), a bundled week 16,000, all of SR28 in
# 4 meals 35,000.
_MERGE_KEYS = 20_000


def merged_meals(problem: Problem) -> Problem | None:
    """Return ``problem`` with its meals merged into one, or None.

    None when the relaxation is small enough as it is, or when some rule
    looks inside a meal (then merging would not give a relaxation): the meal
    structure's parts, companions and meal caps (its day rules, whole
    portions and taste stay: they hold per food or per day), pins, bans or fixed items of one meal, regenerated or
    seeded scopes, the no-repeat rule's cuts, supplement tablets.
    """
    keys = problem.days * sum(len(meal.foods) for meal in problem.meals)
    if keys <= _MERGE_KEYS or len(problem.meals) <= 1:
        return None
    s = problem.structure
    if (
        (s is not None and (s.parts or s.companions or s.meal_caps))
        or problem.supplements
        or problem.fixed
        or problem.fixed_scopes
        or problem.must_differ
        or problem.not_same
        or any(meal is not None for _, _, meal in problem.pins)
        or any(meal is not None for _, _, meal in problem.bans)
        or any(meal.kind != "meal" for meal in problem.meals)
    ):
        return None
    foods = sorted({f for meal in problem.meals for f in meal.foods})
    day = MealRow(
        name="day",
        slot=None,
        share=(0.0, 1.0),
        min_foods=0,
        max_foods=len(foods),
        foods=tuple(foods),
    )
    return dataclasses.replace(problem, meals=(day,), no_repeat_meals=False)
