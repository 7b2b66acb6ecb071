"""A plan of several days whose every day needs one base food: one day's conflict.

When the rotation seed proves that no day has a plan without a base food
(every form of it) and the variety rule allows that base on fewer days than
the plan has (:class:`mealplan._weekly_seed.NoRotation`), the conflict
search starts from why no day does without it: one day's conflict, found on
the day's model with the base banned, plus the variety rule. Checked here
independently: that day, with only those groups on and the base banned, has
no plan, and the base is allowed on fewer days than the plan has.
"""

from __future__ import annotations

import pytest

import mealplan
from mealplan import FoodTable, _diagnose, _planner
from mealplan._deadline import Deadline
from mealplan._meal_structure import base_of
from mealplan._optimiser import SolveStatus, solve
from mealplan._problem import Restrictions, build_problem, default_max_days

# Vitamin D only from mushrooms under the meal structure's caps (see
# tests/test_weekly_seed.py): every day needs them, the rule allows 2 of 3.
REQUEST = {
    "person": {"age": 59, "sex": "male"},
    "diet": "vegetarian",
    "allergies": ["milk"],
    "days": 3,
}


@pytest.fixture(scope="module")
def table() -> FoodTable:
    # The single foods: with the dishes this request has a plan.
    return mealplan.load_foods(dishes=False)


def test_the_conflict_starts_from_the_day_that_needs_the_base(
    table: FoodTable,
) -> None:
    req = mealplan.parse_request(REQUEST)
    targets = _planner.resolve_targets(req, table)
    # Every form of the base the seed proves needed (tests/test_weekly_seed.py).
    base = base_of(table)
    forms = tuple(fid for fid in table.ids if base.get(fid, fid) == "mushrooms")
    assert forms
    groups = build_problem(req, targets, table).groups
    start = _diagnose._needed_start(req, targets, table, groups, forms, Deadline(60))
    assert start is not None
    names = {g.name for g in start}
    assert "variety" in names
    assert "min:vitamin_d_ug" in names
    # Independently: one day with only the start's groups on and every form
    # of the base banned has no plan...
    day = req.model_copy(update={"days": 1})
    off = [g for g in build_problem(day, targets, table).groups if g.name not in names]
    banned = build_problem(
        day,
        targets,
        table,
        disabled=off,
        restrictions=Restrictions(
            hard=True, bans=tuple((None, None, f) for f in forms)
        ),
    )
    assert solve(banned, mip_gap=1.0, time_limit=60).status is SolveStatus.INFEASIBLE
    # ... while with the base it has one (the day's conflict is the base's).
    allowed = build_problem(
        day, targets, table, disabled=off, restrictions=Restrictions(hard=True)
    )
    assert solve(allowed, mip_gap=1.0, time_limit=60).status in (
        SolveStatus.OPTIMAL,
        SolveStatus.FEASIBLE,
    )
    # And the base may be on fewer days than the plan has.
    assert default_max_days(req.days) < req.days


def test_the_variety_conflict_names_the_base(table: FoodTable) -> None:
    req = mealplan.parse_request(REQUEST)
    words = _diagnose._needed_words(
        req, table, ("mushrooms-uv-white-raw", "maitake-raw")
    )
    assert "or another form of it" in words
    assert "only 2 of the 3 days" in words
