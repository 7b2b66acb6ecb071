"""A plan made without the default's floors for want of time regenerates.

Under load a day's search with the default's RDAs and AIs can run out of its
share of the time; the plan is then made without them and says so. Such a
plan holds its request's targets with those minimums lifted, and swapping a
meal of it must work (it failed as "edited" until session 19).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import mealplan
import mealplan._ai_floors
import mealplan._floor_search
from mealplan import FoodTable, RequestError, load_foods
from tests.checks import check_plan

LIFT_NOTE = "was found within"


@pytest.fixture(scope="module")
def foods() -> FoodTable:
    return load_foods()


@pytest.fixture(scope="module")
def lifted(foods: FoodTable) -> mealplan.MealPlan:
    # The RDA search gets 0.05 % of the time (5 ms: no plan), as a starved
    # machine would leave it; the rest plans without the floors.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mealplan._ai_floors, "RDA_RESERVE_SHARE", 0.9995)
        result = mealplan.plan(
            {
                "person": {"age": 35, "sex": "female"},
                "diet": "vegetarian",
                "time_limit": 30,
            },
            foods,
        )
    assert any(LIFT_NOTE in n for n in result.notes), result.notes
    return result


def test_a_lifted_day_regenerates_under_its_own_targets(
    lifted: mealplan.MealPlan, foods: FoodTable
) -> None:
    new = mealplan.regenerate(lifted, day=1, meal="dinner", foods=foods)
    check_plan(new, foods)
    assert new.targets == lifted.targets
    assert any("stay lifted" in n for n in new.notes), new.notes
    before = {(i.meal, i.food_id) for i in lifted.items if i.meal != "dinner"}
    after = {(i.meal, i.food_id) for i in new.items if i.meal != "dinner"}
    assert before == after


def test_a_lifted_focus_floor_is_still_an_edit(lifted: mealplan.MealPlan) -> None:
    # Magnesium's minimum is never lifted by the default: its absence is an edit.
    data: dict[str, Any] = json.loads(lifted.model_dump_json())
    bounds = data["targets"]["bounds"]
    data["targets"]["bounds"] = [b for b in bounds if b["nutrient"] != "magnesium_mg"]
    previous = mealplan.MealPlan.model_validate(data)
    with pytest.raises(RequestError, match="the plan was edited"):
        mealplan.regenerate(previous, day=1, meal="dinner")


def test_a_raised_maximum_beside_a_lift_is_still_an_edit(
    lifted: mealplan.MealPlan,
) -> None:
    data: dict[str, Any] = json.loads(lifted.model_dump_json())
    bound = next(b for b in data["targets"]["bounds"] if b["maximum"])
    bound["maximum"] = bound["maximum"] * 10
    previous = mealplan.MealPlan.model_validate(data)
    with pytest.raises(RequestError, match="the plan was edited"):
        mealplan.regenerate(previous, day=1, meal="dinner")


def test_a_pregnant_day_lifted_with_its_choline_regenerates(foods: FoodTable) -> None:
    # A mother's choline AI is the default's own floor, lifted in its own
    # share of the time; a pregnant day that lost it and the RDAs under load
    # (the web page's regenerate, CI) was refused as "edited".
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mealplan._floor_search, "DEFAULT_FLOOR_SHARE", 0.0005)
        patch.setattr(mealplan._floor_search, "MATERNAL_FLOOR_SHARE", 0.0005)
        patch.setattr(mealplan._ai_floors, "RDA_RESERVE_SHARE", 0.9995)
        lifted = mealplan.plan(
            {
                "person": {"age": 34, "sex": "female", "pregnancy": True},
                "diet": "vegetarian",
                "time_limit": 30,
            },
            foods,
        )
    choline = next(b for b in lifted.targets.bounds if b.nutrient == "choline_mg")
    assert choline.minimum is None
    new = mealplan.regenerate(lifted, day=1, meal="dinner", foods=foods)
    check_plan(new, foods)
    assert new.targets == lifted.targets
    assert any("stay lifted" in n and "choline" in n for n in new.notes), new.notes
    kept = [i for i in lifted.items if i.meal != "dinner"]
    assert [i for i in new.items if i.meal != "dinner"] == kept
