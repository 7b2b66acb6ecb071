"""Saturated fat above 10 % of energy, charged in the default objective.

Solver-free: the formulation's one helper row per day and its coefficients,
recomputed from the table. With a solver: the weekly search's own
evaluation of a day (which sums the helpers itself) agrees with HiGHS's
objective on a day that passes the share, and the charge lowers the share.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

import mealplan
from mealplan import _optimiser as optimiser
from mealplan._arrays import Block
from mealplan._formulation import formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from mealplan._weekly_rounds import evaluate


def _problem(body: dict[str, Any]) -> Any:
    table = mealplan.load_foods()
    req = parse_request(body)
    return build_problem(req, resolve_targets(req, table), table), table


@pytest.mark.parametrize(
    ("body", "rows"),
    [
        ({"person": {"age": 35, "sex": "female"}, "days": 2}, 2),
        ({"person": {"age": 3, "sex": "male"}, "diet": "vegetarian"}, 1),
        ({"person": {"age": 1, "sex": "male"}}, 0),  # under 2: no guideline
        ({"person": {"age": 35, "sex": "female"}, "diet": "vegan"}, 0),
    ],
)
def test_one_row_a_day_with_the_tables_coefficients(
    body: dict[str, Any], rows: int
) -> None:
    problem, table = _problem(body)
    model = formulate(problem)
    found = [r for r, b in enumerate(model.row_block) if b is Block.SATURATED_FAT]
    assert len(found) == rows
    k = len(model.keys)
    for r in found:
        a, b = model.indptr[r], model.indptr[r + 1]
        cols, vals = model.indices[a:b], model.data[a:b]
        assert model.row_upper[r] == 0.0
        assert model.row_lower[r] == -np.inf
        for col, val in zip(cols, vals, strict=True):
            if col >= k:  # the day's helper: kcal above the share, charged
                assert val == -1.0
                assert model.col_cost[col] > 0
                continue
            food = table.food(problem.food_ids[model.keys[col, 2]])
            grams = problem.unit_grams[model.keys[col, 2]]
            sat = food.nutrients.get("saturated_fat_g") or 0.0
            kcal = food.nutrients.get("energy_kcal") or 0.0
            expected = grams / 100 * (9 * sat - 0.10 * kcal)
            assert val == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_the_weekly_evaluation_counts_the_charge_as_highs_does() -> None:
    # A share of 1 % makes every day pass it, so the helper is charged: the
    # weekly search's own evaluation (which sums the helpers itself) must
    # agree with HiGHS's objective for the same plan.
    problem, _ = _problem({"person": {"age": 3, "sex": "male"}, "diet": "vegetarian"})
    assert problem.saturated_fat is not None
    share, per_kcal = problem.saturated_fat
    assert share == 0.10
    tight = dataclasses.replace(problem, saturated_fat=(0.01, per_kcal))
    found = optimiser.solve(tight, time_limit=120, mip_gap=1.0)
    assert found.units
    assert found.objective is not None
    sat = sum(
        tight.coef["saturated_fat_g"][f] * u for (_, _, f), u in found.units.items()
    )
    kcal = sum(tight.coef["energy_kcal"][f] * u for (_, _, f), u in found.units.items())
    charge = per_kcal * (9 * sat - 0.01 * kcal)
    assert charge > 0
    assert evaluate(tight, found.units) == pytest.approx(found.objective, abs=1e-6)
    # Without the helper's charge the evaluation falls short by it.
    bare = dataclasses.replace(tight, saturated_fat=None)
    assert evaluate(bare, found.units) == pytest.approx(
        found.objective - charge, abs=1e-6
    )
