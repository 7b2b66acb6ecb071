"""The day-plans one request's seeds found, kept for its later seeds.

A longer plan's seed (:mod:`mealplan._weekly_seed`) plans day-plans in
rotation; when it fails under the default variety rule, the same request is
seeded again with foods allowed on every day (:mod:`mealplan._floor_search`),
and after a proof that a day needs a base, again with that base widened
(:mod:`mealplan._day_seed`). The rotation's first day-plan, planned without
bans, is the same one-day problem every time (the variety rule counts days,
and a day-plan has one), and under the RDA panel it is the slow one: a
lactating vegan's took 1.1-1.2 s, and her widened seed's second try ran out
its 1.2 s share on it (session 39). So a request remembers each day-plan
found, keyed by everything its one-day problem is built from, and a later
seed takes it at once. Only plans found are kept (a search that ran out
proves nothing for a longer share); nothing outlives the request
(:func:`remembering`, entered by :func:`mealplan.plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from mealplan._optimiser import SolveStatus

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanRequest
    from mealplan._optimiser import Solution
    from mealplan._problem import Problem, Restrictions

__all__ = ["remembered", "remembering"]

_Key = tuple[str, str, int, "Restrictions"]

_FOUND: ContextVar[dict[_Key, tuple[Problem, Solution]] | None] = ContextVar(
    "mealplan_day_plans", default=None
)


@contextmanager
def remembering() -> Iterator[None]:
    """Keep the day-plans found within this block for the rest of it."""
    token = _FOUND.set({})
    try:
        yield
    finally:
        _FOUND.reset(token)


def remembered(
    day_req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    restrictions: Restrictions,
    plan: Callable[[], tuple[Problem, Solution]],
) -> tuple[Problem, Solution]:
    """Return the day-plan of these inputs found before, else ``plan()``'s.

    ``day_req`` is a one-day request: its ``max_days_per_food`` builds
    nothing for one day, so a seed under the default rule and one with
    foods allowed on every day share their day-plans.
    """
    found = _FOUND.get()
    if found is None or day_req.days != 1:
        return plan()
    key: _Key = (
        day_req.model_dump_json(exclude={"max_days_per_food"}),
        targets.model_dump_json(),
        id(table),
        restrictions,
    )
    kept = found.get(key)
    if kept is not None:
        return kept
    problem, solution = plan()
    if solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        found[key] = (problem, solution)
    return problem, solution
