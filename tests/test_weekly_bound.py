"""The averaged-day LP bound equals the whole plan's LP bound (one day type)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import mealplan
from mealplan import FoodTable
from mealplan._backend import SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Restrictions, build_problem
from mealplan._sources import widen_variety_for_sole_sources
from mealplan._weekly import day_request
from mealplan._weekly_bound import averaged_bound
from mealplan._weekly_master import Master, variety_keys

ADULT = {"age": 35, "sex": "female"}


@pytest.fixture(scope="module")
def foods() -> FoodTable:
    # The single foods: there variety binds in the LP (tested below); with
    # the 1,221 dishes the LP spreads over enough foods that it does not.
    return mealplan.load_foods(dishes=False)


@pytest.mark.parametrize(
    "request_",
    [
        {"person": ADULT, "days": 3, "diet": "vegan"},
        {"person": ADULT, "days": 3, "structure": False},
    ],
)
def test_averaged_day_lp_is_the_whole_plan_lp(
    request_: dict[str, Any], foods: FoodTable
) -> None:
    req = parse_request(request_)
    targets = resolve_targets(req, foods)
    wider, _ = widen_variety_for_sole_sources(req, targets, foods)
    restrictions = Restrictions(wider_days=tuple(sorted(wider.items())))
    problem = build_problem(req, targets, foods, restrictions=restrictions)
    day = build_problem(day_request(req, 0), targets, foods)
    days = req.days
    master = Master(
        days,
        [0] * days,
        problem.max_days_per_food,
        variety_keys(problem),
        [],
        problem.max_days_for,
    )
    averaged = averaged_bound(day, master, days, Deadline(60))
    assert averaged is not None
    bound, prices = averaged
    assert all(p > 0 for p in prices.values())
    # The whole plan's LP without its no-repeat rows, solved directly.
    whole = formulate(dataclasses.replace(problem, no_repeat_meals=False), relax=True)
    backend = HighsBackend()
    backend.load(whole)
    result = backend.solve(Deadline(60), SolveOptions(interruptible=False))
    assert result.objective is not None
    assert bound == pytest.approx(result.objective, rel=1e-6, abs=1e-6)
    # Variety binds in the LP here, so the bound is above days x one free day.
    free = formulate(day, relax=True)
    backend.load(free)
    single = backend.solve(Deadline(60), SolveOptions(interruptible=False))
    assert single.objective is not None
    assert bound > days * single.objective + 1e-6
