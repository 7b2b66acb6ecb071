"""A meat, poultry or fish at a lunch or dinner is a serving, not a garnish.

The dietitian review of session 36 read "1½ oz of canned salmon beside 2
medium sweet potatoes" as a token protein (8 of 64 default days had a lunch
or dinner with 42-46 g of one). Each such item is at least 2 oz from age 14,
1 oz at 4-13 (mealplan._structure.main_serving_grams); tests/checks.py
holds every structured plan of the suite to it, from the caps file.
"""

from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mealplan
from mealplan._arrays import Block
from mealplan._formulation import formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from mealplan._resources import foods_dir
from mealplan._structure import main_serving_grams
from tests.checks import check_plan


def _meat_fish() -> set[str]:
    with (foods_dir() / "portion_caps.csv").open(encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["cap_id"] == "racc_meat_fish")
    return set(row["selector"].removeprefix("id:").split("|"))


@given(st.floats(1, 100))
def test_the_least_serving_by_age(age: float) -> None:
    expected = 0.0 if age < 4 else 28.0 if age < 14 else 56.0
    assert main_serving_grams(age) == expected


def _problem(body: dict[str, Any]) -> Any:
    table = mealplan.load_foods()
    req = parse_request(body)
    return build_problem(req, resolve_targets(req, table), table)


@pytest.mark.parametrize(("age", "least"), [(35, 56.0), (8, 28.0)])
def test_one_row_per_meat_or_fish_at_each_lunch_and_dinner(
    age: float, least: float
) -> None:
    problem = _problem({"person": {"age": age, "sex": "female"}, "days": 2})
    model = formulate(problem)
    meat_fish = _meat_fish()
    rows = [r for r, b in enumerate(model.row_block) if b is Block.MAIN_SERVING]
    expected = []
    slots = {m: meal.slot.value for m, meal in enumerate(problem.meals) if meal.slot}
    for k, (_, m, f) in enumerate(model.keys):
        lunch_or_dinner = slots.get(int(m)) in ("lunch", "dinner")
        if lunch_or_dinner and problem.food_ids[int(f)] in meat_fish:
            expected.append(k)
    assert len(rows) == len(expected) > 0
    seen = []
    for r in rows:
        a, b = model.indptr[r], model.indptr[r + 1]
        cols, vals = model.indices[a:b], model.data[a:b]
        assert (model.row_lower[r], model.row_upper[r]) == (0.0, np.inf)
        v = [c for c in cols if c < len(model.keys)]
        assert len(v) == 1  # the item's units; the other column is its y
        f = int(model.keys[v[0], 2])
        grams = dict(zip(cols, vals, strict=True))
        assert grams[v[0]] == pytest.approx(problem.unit_grams[f])
        assert sorted(vals)[0] == -least
        seen.append(v[0])
    assert sorted(seen) == expected


def test_a_toddler_has_no_such_row() -> None:
    model = formulate(_problem({"person": {"age": 2, "sex": "male"}}))
    assert Block.MAIN_SERVING not in set(model.row_block)


def test_without_the_meal_structure_there_is_no_such_row() -> None:
    model = formulate(
        _problem({"person": {"age": 35, "sex": "female"}, "structure": False})
    )
    assert Block.MAIN_SERVING not in set(model.row_block)


def test_the_days_that_had_a_token_fish_serve_a_real_one() -> None:
    # Planned with 1½ oz (42 g) of salmon at lunch before the rule (session 37).
    table = mealplan.load_foods()
    body = {"person": {"age": 42, "sex": "male"}, "diet": "pescatarian"}
    plan = mealplan.plan({**body, "time_limit": 120}, table)
    meat_fish = _meat_fish()
    served = [
        i
        for i in plan.items
        if i.meal in ("lunch", "dinner") and i.food_id in meat_fish
    ]
    assert served
    assert all(i.grams >= 56.0 - 1e-3 for i in served), served
    check_plan(plan, table)


def test_a_food_the_caller_includes_or_pins_is_theirs_to_size() -> None:
    # A pregnant woman's halibut on both days of two, within the week's 4 oz
    # of Good Choices, is 2 oz a day at most (tests/test_fish_choices.py).
    for extra in (
        {"include": ["halibut-cooked"]},
        {"pins": [{"food": "halibut-cooked", "meal": "dinner"}]},
    ):
        problem = _problem({"person": {"age": 35, "sex": "female"}, **extra})
        model = formulate(problem)
        sized = set()
        for r, b in enumerate(model.row_block):
            if b is Block.MAIN_SERVING:
                a, z = model.indptr[r], model.indptr[r + 1]
                for c in model.indices[a:z]:
                    if c < len(model.keys):
                        sized.add(problem.food_ids[int(model.keys[c, 2])])
        assert "halibut-cooked" not in sized
        assert sized & _meat_fish()
