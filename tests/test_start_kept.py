"""A start kept when any plan will do (``mip_gap`` 1): never one the model refuses."""

from __future__ import annotations

from typing import Any

import mealplan
from mealplan import load_foods
from mealplan._optimiser import SolveStatus, solve
from tests.checks import check_plan
from tests.six_foods import six_food_problem

KEPT = "the start plan kept"


def test_a_start_that_holds_is_the_answer_at_gap_one() -> None:
    problem = six_food_problem()
    first = solve(problem)
    assert first.units
    kept = solve(problem, start=first.units, mip_gap=1.0)
    assert KEPT in kept.solver_status
    assert kept.status is SolveStatus.FEASIBLE
    assert kept.units == first.units
    # Its own objective, not a number the solver never saw.
    assert kept.objective is not None
    assert first.objective is not None
    assert abs(kept.objective - first.objective) <= 1e-6 * max(1.0, first.objective)


def test_a_start_the_model_refuses_is_solved_instead() -> None:
    problem = six_food_problem()
    first = solve(problem)
    # Half of every portion: under the 1500 kcal floor the plan met.
    halves = {key: max(units // 2, 0.0) for key, units in first.units.items()}
    result = solve(problem, start=halves, mip_gap=1.0)
    assert KEPT not in result.solver_status
    assert result.units
    assert result.units != halves


def test_below_gap_one_the_start_is_only_a_start() -> None:
    problem = six_food_problem()
    first = solve(problem)
    result = solve(problem, start=first.units, mip_gap=0.5)
    assert KEPT not in result.solver_status


def test_a_longer_plan_at_gap_one_keeps_every_rule() -> None:
    # Nutrient averages make the whole-plan MILP the search (no columns);
    # its start (the day-by-day plan) is kept, and must hold every rule.
    foods = load_foods()
    request: dict[str, Any] = {
        "person": {"age": 35, "sex": "female"},
        "days": 2,
        "nutrient_period": "average",
        "daily_floor": 0.7,
        "time_limit": 60,
        "mip_gap": 1.0,
    }
    result = mealplan.plan(request, foods)
    check_plan(result, foods)
    assert not any("time limit" in n.lower() for n in result.notes), result.notes
    # The note says the first plan was asked for, not that the solver gave up.
    assert any("first plan found, as mip_gap 1 asks" in n for n in result.notes)
    assert not any("solver stopped before" in n for n in result.notes)
