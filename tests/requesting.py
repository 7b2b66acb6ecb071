"""Asking for a plan whose checks hold for any plan, off the clock.

A property about which foods a plan holds, or which limits it keeps, holds
for every plan, so the first one found (``mip_gap`` 1) is enough: proving a
plan optimal can take seconds of CPU (a toddler's), and would make the test
slow for nothing. A generous time limit that must not be hit keeps the
verdict off the clock: a plan found or infeasibility proven, never "out of
time", at any load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mealplan
from mealplan import FoodTable, InfeasiblePlanError, MealPlan

if TYPE_CHECKING:
    from tests.plans import PlanCache

# Far above any first plan at CI's load; the assert below makes sure of it.
GENEROUS_LIMIT = 120.0


def plan_off_the_clock(
    request: dict[str, Any], table: FoodTable, plans: PlanCache | None = None
) -> MealPlan:
    """The first plan for ``request``, which its time limit did not stop.

    ``plans``: the run's plan cache, for a test that takes the plan as given
    (tests/plans.py); None solves it here.

    Raises:
        InfeasiblePlanError: No plan meets the request (proven, not timed out).
    """
    body = {**request, "time_limit": GENEROUS_LIMIT, "mip_gap": 1.0}
    result = mealplan.plan(body, table) if plans is None else plans.plan(body, table)
    assert not any("time limit" in note.lower() for note in result.notes), result.notes
    return result


def first_plan_or_none(request: dict[str, Any], table: FoodTable) -> MealPlan | None:
    """As :func:`plan_off_the_clock`, but ``None`` when no plan meets the request.

    For drawn requests, some of which no food table can meet (a vegan toddler
    with a tight calorie range): those have nothing to check.
    """
    try:
        return plan_off_the_clock(request, table)
    except InfeasiblePlanError:
        return None
