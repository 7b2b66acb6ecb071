"""A large problem's merged meals: a relaxation, so its bound is one.

Without the clock: LPs, first plans (``mip_gap`` 1) and fixed-plan LPs.
"""

from __future__ import annotations

import pytest

from mealplan import _aggregate
from mealplan._aggregate import merged_meals
from mealplan._catalog import load_foods
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._optimiser import SolveStatus, make_backend
from mealplan._planner import parse_request, resolve_targets
from mealplan._polish import plan_objective
from mealplan._problem import Problem, build_problem
from mealplan._restriction import _relaxation, _restricted


def _problem(body: dict[str, object]) -> Problem:
    req = parse_request(body)
    table = load_foods()
    return build_problem(req, resolve_targets(req, table), table)


def _lp(problem: Problem) -> tuple[float, set[int]]:
    model = formulate(problem, relax=True)
    lp, _ = _relaxation(problem, model, make_backend("highs"), Deadline(300.0))
    assert lp.status is SolveStatus.OPTIMAL
    assert lp.objective is not None
    return lp.objective, {f for (_, _, f), u in lp.units.items() if u > 1e-6}


def test_small_or_structured_problems_keep_their_meals() -> None:
    day = _problem({"person": {"age": 35, "sex": "female"}})
    assert merged_meals(day) is None  # 2,300 columns: small enough


def test_the_meal_structure_is_never_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_aggregate, "_MERGE_KEYS", 0)
    day = _problem({"person": {"age": 35, "sex": "female"}})
    assert day.structure is not None
    assert day.structure.parts
    assert merged_meals(day) is None
    one_meal = _problem(
        {"person": {"age": 35, "sex": "female"}, "structure": False, "meals": None}
    )
    assert merged_meals(one_meal) is None


@pytest.mark.parametrize(
    "body",
    [
        {"person": {"age": 35, "sex": "female"}, "structure": False},
        {
            "person": {"age": 52, "sex": "male"},
            "diet": "vegetarian",
            "structure": False,
        },
    ],
)
def test_merged_meals_relax_the_problem(
    monkeypatch: pytest.MonkeyPatch, body: dict[str, object]
) -> None:
    monkeypatch.setattr(_aggregate, "_MERGE_KEYS", 0)
    problem = _problem(body)
    merged = merged_meals(problem)
    assert merged is not None
    assert len(merged.meals) == 1
    assert len(problem.meals) > 1
    merged_bound, _ = _lp(merged)
    meal_bound, support = _lp(problem)
    # Its LP bound is no higher than the meal problem's own...
    assert merged_bound <= meal_bound + 1e-6
    # ...and a plan in meals, summed over its meals, is a plan of the merged
    # problem with the same objective.
    found = _restricted(problem, None, support | set(range(30)), Deadline(300.0), 1.0)
    assert found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert found.objective is not None
    summed: dict[tuple[int, int, int], float] = {}
    for (d, _, f), units in found.units.items():
        summed[(d, 0, f)] = summed.get((d, 0, f), 0.0) + units
    in_merged = plan_objective(formulate(merged), summed)
    assert in_merged is not None
    assert in_merged == pytest.approx(found.objective, abs=1e-6)
    assert merged_bound <= found.objective + 1e-6
