"""Quarter servings (``portion_mode`` quarter), the default at ages 1-3.

A toddler's serving is about a quarter of an adult's (AAP); countable foods
whose piece weighs over 50 g (a banana, an apple) come in half pieces, lighter
ones (an egg, a slice of bread) whole. Checked against the food table, apart
from the optimiser.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import PlanRequest, PortionMode
from mealplan._catalog import load_foods
from mealplan._models import Person
from mealplan._safety import life_stages
from mealplan._structure import realism_defects
from tests.checks import check_plan
from tests.requesting import first_plan_or_none
from tests.strategies import persons
from tests.test_safety import _rows, toddler_rules

toddlers = persons(st.floats(1, 3.99)).filter(lambda p: p["age"] < 4)


@pytest.mark.parametrize(
    ("age", "mode"),
    [(1, "quarter"), (2.5, "quarter"), (3.99, "quarter"), (4, "half"), (30, "half")],
)
def test_quarter_is_the_default_at_ages_1_to_3(age: float, mode: str) -> None:
    request = PlanRequest.model_validate({"person": {"age": age, "sex": "female"}})
    assert request.portion_mode.value == mode
    # A Person object (not a dict) gets the same default.
    built = PlanRequest(person=Person(age=age, sex="female"))
    assert built.portion_mode.value == mode
    # The request says so explicitly, so its JSON round-trips unchanged.
    again = PlanRequest.model_validate_json(request.model_dump_json())
    assert again.portion_mode.value == mode


@pytest.mark.parametrize("mode", ["half", "whole", "continuous", "quarter"])
def test_a_toddler_keeps_the_mode_asked_for(mode: str) -> None:
    body = {"person": {"age": 2, "sex": "male"}, "portion_mode": mode}
    assert PlanRequest.model_validate(body).portion_mode.value == mode


def test_quarter_for_adults_on_request() -> None:
    request = PlanRequest.model_validate(
        {"person": {"age": 30, "sex": "male"}, "portion_mode": "quarter"}
    )
    assert request.portion_mode is PortionMode.QUARTER


@settings(max_examples=3, deadline=None)
@given(
    person=toddlers,
    diet=st.sampled_from(["omnivore", "pescatarian", "vegetarian", "vegan"]),
)
def test_random_toddlers_get_safe_quarter_servings(
    person: dict[str, Any], diet: str
) -> None:
    foods = load_foods()
    # The properties hold for any plan.
    result = first_plan_or_none({"person": person, "diet": diet}, foods)
    if result is None:
        return
    assert result.request.portion_mode is PortionMode.QUARTER
    assert any("ages 1-3" in note for note in result.notes), result.notes
    check_plan(result, foods)
    countable = dict(zip(foods.ids, foods.flags("whole_units"), strict=True))
    rows = {fid: (g, t) for fid, g, t in _rows(foods)}
    assert "toddler" in life_stages(Person.model_validate(person))
    for item in result.items:
        if item.kind == "supplement":
            continue
        piece = foods.default_portion(item.food_id)[1]
        # Grams are the portions of the table's default portion ...
        assert math.isclose(item.grams, item.portions * piece, rel_tol=1e-3), item
        # ... in quarter servings; countable foods in halves (> 50 g) or whole.
        step = 0.25
        if countable[item.food_id]:
            step = 0.5 if piece > 50.0 else 1.0
        steps = item.portions / step
        assert math.isclose(steps, round(steps), abs_tol=1e-6), (item.food_id, step)
        # The choking-hazard rules for ages 1-3 (tests/test_safety.py's own).
        group, text = rows[item.food_id]
        assert not toddler_rules(item.food_id, group, text), item.food_id
    assert realism_defects(result, foods)["fractional_whole_unit"] == 0


def test_a_banana_for_a_toddler_is_whole_or_half() -> None:
    foods = load_foods()
    body = {
        "person": {"age": 2, "sex": "female"},
        "include": ["banana"],
        "time_limit": 120,
        "mip_gap": 1.0,
    }
    plan = mealplan.plan(body, foods)
    assert plan.request.portion_mode is PortionMode.QUARTER
    banana = [i for i in plan.items if i.food_id == "banana"]
    assert banana
    assert all(math.isclose(i.portions * 2, round(i.portions * 2)) for i in banana)
    assert realism_defects(plan, foods)["fractional_whole_unit"] == 0
