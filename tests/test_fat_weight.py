"""A fat weighs no more than the items of its meal it may go with.

Solver-free: the formulation's companion rows, evaluated on a hand-made
dinner (a budget day of a woman of 75 was planned 1 tbsp of mayonnaise on
¼ cup, 5 g, of arugula).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from mealplan._arrays import Block, Model
from mealplan._catalog import load_foods
from mealplan._formulation import formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Problem, build_problem


def _problem() -> Problem:
    req = parse_request({"person": {"age": 75, "sex": "female"}, "budget_per_day": 4})
    table = load_foods()
    return build_problem(req, resolve_targets(req, table), table)


def _dinner(
    problem: Problem, model: Model, grams: dict[str, float]
) -> NDArray[np.float64]:
    """A plan vector with only these foods, in grams, at day 1's dinner."""
    meal = next(m for m, row in enumerate(problem.meals) if row.name == "dinner")
    x = np.zeros(model.num_cols)
    for fid, g in grams.items():
        f = problem.food_ids.index(fid)
        k = int(
            np.flatnonzero(
                (model.keys[:, 0] == 0)
                & (model.keys[:, 1] == meal)
                & (model.keys[:, 2] == f)
            )[0]
        )
        x[k] = g / problem.unit_grams[f]
        if model.y_cols[k] >= 0:
            x[model.y_cols[k]] = 1.0
    return x


def _broken_companions(model: Model, x: NDArray[np.float64]) -> list[int]:
    act = model.activity(x)
    return [
        r
        for r, block in enumerate(model.row_block)
        if block is Block.COMPANION
        and not model.row_lower[r] - 1e-9 <= act[r] <= model.row_upper[r] + 1e-9
    ]


def test_a_spoonful_of_mayonnaise_needs_more_than_a_few_leaves() -> None:
    problem = _problem()
    model = formulate(problem)
    token = _dinner(problem, model, {"mayonnaise": 13.8, "arugula": 5.0})
    salad = _dinner(problem, model, {"mayonnaise": 13.8, "arugula": 20.0})
    assert _broken_companions(model, token)
    assert not _broken_companions(model, salad)
    # It is the weight rule that refuses it: without it the token host passes.
    assert problem.structure is not None
    lenient = dataclasses.replace(
        problem.structure,
        companions=tuple(
            dataclasses.replace(c, no_heavier=False)
            for c in problem.structure.companions
        ),
    )
    plain = formulate(dataclasses.replace(problem, structure=lenient))
    assert not _broken_companions(
        plain, _dinner(problem, plain, {"mayonnaise": 13.8, "arugula": 5.0})
    )
