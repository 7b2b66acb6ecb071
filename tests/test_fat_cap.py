"""Issue 11: a fat paired with an item is part of it, not one more food of the day.

``max_foods`` counts neither a supplement tablet nor a fat (oil, butter,
dressing) the structure pairs with an item: the model leaves those fats out of
its food-count row, and tests/checks.py, reading the plan (the table's roles
and each item's ``part_of``), leaves out the fats a plan shows as an item's
cooking fat or dressing. Clock-free: the first plan (``mip_gap`` 1) is all
these checks need.
"""

from __future__ import annotations

from functools import cache

import pytest

import mealplan
from mealplan import MealPlan
from mealplan._arrays import Block
from mealplan._formulation import formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from tests.checks import check_plan

DAY = {"person": {"age": 34, "sex": "male"}, "diet": "vegetarian"}


def test_paired_fats_are_outside_the_food_count_row() -> None:
    table = mealplan.load_foods()
    req = parse_request(DAY)
    problem = build_problem(req, resolve_targets(req, table), table)
    assert problem.structure is not None
    fats = {f for r in problem.structure.companions if r.pooled for f in r.needs}
    assert fats
    model = formulate(problem)
    (row,) = [r for r, b in enumerate(model.row_block) if b is Block.MAX_FOODS]
    cols = model.indices[model.indptr[row] : model.indptr[row + 1]].tolist()
    food_of = dict(zip(model.y_cols.tolist(), model.keys[:, 2].tolist(), strict=True))
    capped = {food_of[c] for c in cols}
    assert capped
    assert not fats & capped
    # Every other food of the day is in it.
    others = set(food_of.values()) - fats - set(problem.supplements)
    assert others == capped


@cache
def _plan() -> MealPlan:
    # The single foods: this day shows fats as items' cooking fats (a dish
    # day may have none: its fats are in its dishes).
    return mealplan.plan(
        {**DAY, "mip_gap": 1, "time_limit": 120}, mealplan.load_foods(dishes=False)
    )


def _with_cap(plan: MealPlan, n: int) -> MealPlan:
    return plan.model_copy(
        update={"request": plan.request.model_copy(update={"max_foods": n})}
    )


def test_checks_count_foods_without_the_attached_fats() -> None:
    plan = _plan()
    table = mealplan.load_foods(dishes=False)
    (day,) = plan.days
    fats = [i for i in day.items if i.part_of is not None]
    assert fats, "the day shows a fat as an item's cooking fat or dressing"
    foods = {i.food_id for i in day.items if i.kind != "supplement"}
    n = len(foods - {i.food_id for i in fats})
    # n foods and their fats: within max_foods n; n - 1 is one too few.
    check_plan(_with_cap(plan, n), table)
    with pytest.raises(AssertionError):
        check_plan(_with_cap(plan, n - 1), table)
    # A fat shown as its own item is counted (and is not a plan's way).
    loose = day.model_copy(
        update={
            "items": [
                i.model_copy(update={"part_of": None, "part_as": None})
                if i is fats[0]
                else i
                for i in day.items
            ]
        }
    )
    with pytest.raises(AssertionError):
        check_plan(_with_cap(plan.model_copy(update={"days": [loose]}), n), table)
