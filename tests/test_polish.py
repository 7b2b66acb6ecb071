"""A plan has one objective, whichever restriction of the model found it.

Without the clock: first plans (``mip_gap`` 1) and fixed-plan LPs only.
"""

from __future__ import annotations

import numpy as np
import pytest

from mealplan._arrays import Block
from mealplan._catalog import load_foods
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._optimiser import SolveStatus, make_backend
from mealplan._planner import parse_request, resolve_targets
from mealplan._polish import has_costed_helpers, plan_objective, polish
from mealplan._problem import Problem, build_problem
from mealplan._reduced_costs import lowest_reduced_costs
from mealplan._restriction import _relaxation, _restricted
from mealplan._solution import abs_tolerance


def _problem(body: dict[str, object]) -> Problem:
    req = parse_request(body)
    # The single foods: these restrictions (the LP support plus its cheapest
    # neighbours) were picked there; with the dishes the support alone can be
    # infeasible (the optimiser then widens it by the single foods' support).
    table = load_foods(dishes=False)
    return build_problem(req, resolve_targets(req, table), table)


@pytest.fixture(scope="module")
def day() -> Problem:
    return _problem({"person": {"age": 35, "sex": "female"}})


def _support(problem: Problem, more: int = 0) -> set[int]:
    """The LP relaxation's foods, and the ``more`` of lowest reduced cost."""
    model = formulate(problem, relax=True)
    backend = make_backend("highs")
    lp, result = _relaxation(problem, model, backend, Deadline(300.0))
    assert lp.status is SolveStatus.OPTIMAL
    support = {f for (_, _, f), u in lp.units.items() if u > 1e-6}
    return support | lowest_reduced_costs(model, result, support, more)


@pytest.mark.parametrize(
    ("body", "more"),
    [
        ({"person": {"age": 35, "sex": "female"}}, 0),
        # The full_milp_tail case: the support plus 60 (the widest
        # restriction), whose first plan came 2.0 above its own objective.
        (
            {
                "person": {"age": 24, "sex": "male"},
                "diet": "pescatarian",
                "panel": "full",
            },
            60,
        ),
        ({"person": {"age": 33, "sex": "female"}, "diet": "vegetarian"}, 30),
    ],
)
def test_a_restricted_plan_scores_the_same_in_the_full_model(
    body: dict[str, object], more: int
) -> None:
    problem = _problem(body)
    foods = _support(problem, more)
    # The first plan of the LP support's restriction (any plan will do: the
    # property holds for every plan).
    found = _restricted(
        problem, None, foods, Deadline(300.0), 1.0, abs_tolerance(problem)
    )
    assert found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert found.objective is not None
    small = formulate(problem, foods=foods)
    full = formulate(problem)
    in_small = plan_objective(small, found.units)
    in_full = plan_objective(full, found.units)
    assert in_small is not None
    assert in_full is not None
    assert in_small == pytest.approx(in_full, abs=1e-7)
    # ...and the restricted solve reports that objective, not its solver's
    # incumbent with its helper columns wherever a heuristic left them.
    assert found.objective == pytest.approx(in_full, abs=1e-7)


def test_polish_undoes_a_pattern_deviation_counted_both_ways(day: Problem) -> None:
    # HiGHS's feasibility jump returned a plan whose pattern row had both
    # its over and its under deviation one serving high: 2.0 on the
    # objective for nothing (the full_milp_tail cases).
    model = formulate(day)
    assert has_costed_helpers(model)
    found = _restricted(day, None, _support(day), Deadline(300.0), 1.0)
    start = model.start_vector(found.units)
    good = polish(model, start)
    assert good is not None
    x_good, best = good
    x = x_good.copy()
    row = model.row_block.index(Block.PATTERN)
    cols = model.indices[model.indptr[row] : model.indptr[row + 1]]
    helpers = [int(c) for c in cols if c >= len(model.keys) and model.col_cost[c] > 0]
    assert len(helpers) == 2  # over and under
    x[helpers] += 1.0
    inflated = float(model.col_cost @ x)
    assert inflated == pytest.approx(best + 2.0 * model.col_cost[helpers[0]])
    again = polish(model, x)
    assert again is not None
    assert again[1] == pytest.approx(best, abs=1e-9)
    # The plan itself (portions and binaries) is untouched.
    k = len(model.keys)
    assert np.array_equal(again[0][:k], x_good[:k])


def test_a_plan_with_a_food_the_model_lacks_has_no_objective_there(
    day: Problem,
) -> None:
    foods = _support(day)
    small = formulate(day, foods=foods)
    other = next(f for f in range(len(day.food_ids)) if f not in foods)
    full = formulate(day)
    key = next(tuple(k) for k in full.keys.tolist() if k[2] == other)
    assert plan_objective(small, {key: 1.0}) is None
