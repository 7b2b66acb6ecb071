"""Re-planning one day at a time keeps every rule and never makes a plan worse."""

from __future__ import annotations

import pytest

import mealplan
from mealplan import FoodTable
from mealplan._deadline import Deadline
from mealplan._norepeat import is_ruled, repeats
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Restrictions, build_problem
from mealplan._sources import widen_variety_for_sole_sources
from mealplan._weekly import day_request
from mealplan._weekly_local import improve_days
from mealplan._weekly_master import Master, column, variety_keys
from mealplan._weekly_rounds import evaluate as _evaluate
from mealplan._weekly_seed import rotation_seed

ADULT = {"age": 35, "sex": "female"}


@pytest.fixture(scope="module")
def foods() -> FoodTable:
    return mealplan.load_foods()


def test_improved_days_keep_variety_and_cost_what_they_say(foods: FoodTable) -> None:
    # Without the meal structure a day solves in well under a second, so the
    # test is cheap; the function is the same for structured days.
    req = parse_request(
        {"person": ADULT, "days": 2, "structure": False, "time_limit": 60}
    )
    targets = resolve_targets(req, foods)
    wider, _ = widen_variety_for_sole_sources(req, targets, foods)
    problem = build_problem(
        req, targets, foods, restrictions=Restrictions(wider_days=tuple(wider.items()))
    )
    seed = rotation_seed(req, targets, foods, Deadline(60), wider=wider)
    assert isinstance(seed, dict), seed
    day_req = day_request(req, 0)
    day = build_problem(day_req, targets, foods)
    rule = [m for m, meal in enumerate(problem.meals) if is_ruled(meal)]
    master = Master(
        2, [0, 0], problem.max_days_per_food, variety_keys(problem), rule, None
    )
    cost = 0.0
    for d in range(2):
        units = {(0, m, f): u for (dd, m, f), u in seed.items() if dd == d}
        cost += (c := _evaluate(day, units))
        master.add(column(0, units, c))
    found_cost, units = improve_days(
        [day_req],
        [0, 0],
        targets,
        foods,
        [day],
        master,
        (cost, seed),
        # Whatever the deadline stops, the plan must keep these checks (a
        # short one keeps the test cheap; at load 7 a day took 2-6 s).
        Deadline(1.5),
        _evaluate,
    )
    assert found_cost <= cost + 1e-9
    # Independently of the master: each day's cost in its own day model adds
    # up to the plan's, every food is on at most max_days_per_food days, and
    # no meal with foods is the same on both days.
    by_day = [
        {(0, m, f): u for (d, m, f), u in units.items() if d == dd} for dd in (0, 1)
    ]
    assert all(by_day)
    assert sum(_evaluate(day, x) for x in by_day) == pytest.approx(found_cost)
    limit = problem.max_days_per_food
    assert limit == 1
    eaten = [{problem.food_ids[f] for _, _, f in x} for x in by_day]
    assert not eaten[0] & eaten[1]
    assert not repeats(problem, units)
