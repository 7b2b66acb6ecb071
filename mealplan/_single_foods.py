"""The single foods' start of a day with FNDDS dishes (split from the guided start).

With the dishes the relaxation meets the food pattern with fractions of many
dishes and a weak bound; the single foods' own relaxation says where the plan
without dishes comes from (:func:`single_food_support`), and
:func:`single_food_start` gives a plan from it when the dishes' restrictions
fail the gap test (:mod:`mealplan._guided_start`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._deadline import OutOfTime
from mealplan._formulation import formulate
from mealplan._reduced_costs import lowest_reduced_costs_per_meal
from mealplan._restriction import Restriction, _relaxation, _restricted
from mealplan._solution import Solution, SolveStatus, _cutoff

if TYPE_CHECKING:
    from collections.abc import Callable

    from mealplan._backend import Backend
    from mealplan._deadline import Deadline
    from mealplan._formulation import Goal
    from mealplan._problem import Problem

__all__ = ["single_food_start", "single_food_support"]


def single_food_support(
    problem: Problem,
    goal: Goal | None,
    backend: Backend,
    deadline: Deadline,
    per_meal: int,
) -> tuple[set[int], float | None]:
    """Return the foods the relaxation without the dishes uses, and its bound.

    With the 1,221 FNDDS dishes the relaxation meets the food pattern almost
    exactly with fractions of many dishes (its bound 0.07-0.16 where the
    single foods' is 0.5-2), and its support often holds no integer plan
    within the gap test (or none at all): the restrictions then widened step
    by step to the full MILP and, on a loaded machine, some days got no plan
    in 10 s. The single foods' support is where the plan without dishes
    comes from; added to the dishes' support, the restricted MILP can mix a
    dish main with single-food sides (benchmarks/dishes_cost_latest.md).
    """
    singles, bound, _ = _single_food_relaxation(
        problem, goal, backend, deadline, per_meal
    )
    return singles, bound


def _single_food_relaxation(
    problem: Problem,
    goal: Goal | None,
    backend: Backend,
    deadline: Deadline,
    per_meal: int,
) -> tuple[set[int], float | None, set[int]]:
    """Return the single foods' support, bound, and best ``per_meal`` more per meal."""
    foods = [f for f in range(len(problem.food_ids)) if f not in problem.dishes]
    try:
        model = formulate(problem, goal, foods=foods, relax=True, deadline=deadline)
    except OutOfTime:
        return set(), None, set()
    result, lp = _relaxation(problem, model, backend, deadline)
    if result.status is not SolveStatus.OPTIMAL:
        return set(), None, set()
    singles = {f for (_, _, f), u in result.units.items() if u > 1e-6}
    more = lowest_reduced_costs_per_meal(model, lp, singles, per_meal)
    return singles, result.objective, more


def single_food_start(
    problem: Problem,
    goal: Goal | None,
    backend: Backend,
    deadline: Deadline,
    mip_gap: float,
    tolerance: float,
    per_meal: int,
) -> tuple[set[int], Callable[[], Solution | None]]:
    """Return the single foods' support and how to get a plan from it.

    The plan is one the table without dishes would give from its first two
    restrictions (its LP support, then with each meal's best 5 foods) under
    that relaxation's own gap test, node limited like every restriction
    under a cutoff (about 0.1-0.3 s each). It is asked only when the
    dishes' support with these foods added fails the gap test, as a plan in
    hand before the wider dish restrictions: on a loaded machine the wider
    restriction without a cutoff, given half of what is left, often found
    none, or a poor one (objective 4-9 where the plan without dishes had
    0.7-2.4). Asked first (session 8) it cost 0.1-0.3 s of CPU on most dish
    days, whose next restriction passed (benchmarks/dishes_cost_latest.md).
    """
    singles, single_bound, more = _single_food_relaxation(
        problem, goal, backend, deadline, per_meal
    )

    def plan() -> Solution | None:
        if not singles or single_bound is None:
            return None
        # The first two steps of the table without dishes: its support, then
        # with each meal's best 5 single foods (sub-MIPs as there).
        for foods in (singles, singles | more):
            if deadline.expired or (foods is not singles and not more):
                break
            first = _restricted(
                problem,
                goal,
                foods,
                deadline,
                mip_gap,
                tolerance,
                Restriction(
                    _cutoff(single_bound, mip_gap, tolerance),
                    sub_mips=foods is singles,
                ),
            )
            if first.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
                first.status = SolveStatus.FEASIBLE  # optimal for the restriction
                return first
        return None

    return singles, plan
