"""A child's servings: the caps stated at 2,000 kcal shrink with a child's energy.

``foods/portion_caps.csv`` states its ``scales_with_energy`` caps (beans, a
cooked grain, a plate, the RACC servings) at 2,000 kcal a day; they grow for
larger eaters, and from age 4 to 13 they also shrink with a child's smaller
day (:func:`mealplan._structure.energy_scale`). The check here reads the caps
file and the plan alone: every item a scaled cap selects weighs at most the
cap times the child's energy over 2,000 kcal (at least half): the model
floors a gram cap to whole serving units, so never above it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import FoodTable, MealPlan
from mealplan._catalog import load_foods
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from mealplan._structure import CHILD_SCALE_FLOOR, energy_scale, grown, load_caps
from tests.checks import cap_selects, check_plan
from tests.requesting import first_plan_or_none

CAPS_CSV = Path(__file__).resolve().parents[1] / "foods" / "portion_caps.csv"


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return load_foods()


def _scaled_gram_caps() -> list[dict[str, str]]:
    with CAPS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        r
        for r in rows
        if r["scope"] == "item" and r["scales_with_energy"] == "true" and r["max_grams"]
    ]


def _child_scale(plan: MealPlan) -> float:
    """The child's energy over 2,000 kcal (the mean of the day's range), at least 0.5."""
    energy = plan.targets.get("energy_kcal")
    assert energy is not None
    assert energy.minimum
    assert energy.maximum
    return max(0.5, (energy.minimum + energy.maximum) / 2 / 2000.0)


def check_child_servings(plan: MealPlan, table: FoodTable) -> None:
    """Assert every item a scaled gram cap selects is within the child's share of it."""
    scale = _child_scale(plan)
    rows = _scaled_gram_caps()
    assert rows
    for item in plan.items:
        if item.kind != "food":
            continue
        for row in rows:
            if cap_selects(row, item.food_id, table):
                limit = float(row["max_grams"]) * scale
                assert item.grams <= limit * (1 + 1e-6), (row["cap_id"], item)


@pytest.mark.parametrize(
    ("kcal", "age", "scale"),
    [
        (1400.0, 6, 0.7),
        (1400.0, 30, 1.0),  # an adult who eats little keeps an adult's serving
        (1000.0, 3, 1.0),  # ages 1-3 have quarter servings and their own caps
        (800.0, 5, CHILD_SCALE_FLOOR),
        (1800.0, 13.9, 0.9),
        (1800.0, 14, 1.0),
        (2600.0, 12, 1.3),  # a large child eater grows as an adult does
    ],
)
def test_the_caps_shrink_for_a_child_only(
    kcal: float, age: float, scale: float
) -> None:
    assert energy_scale(kcal, kcal, age) == pytest.approx(scale)
    assert energy_scale(kcal, kcal) == pytest.approx(max(1.0, kcal / 2000))


def test_a_cap_in_cups_is_served_by_the_half_cup_for_a_child() -> None:
    (grain,) = [c for c in load_caps() if c.cap_id == "grain_side_cups"]
    assert grain.max_portions == 1.5
    assert grown(grain, 0.7).max_portions == 1.0  # 1.05 cups: served as 1
    assert grown(grain, 0.5).max_portions == 1.0  # 0.75 cups: the next half
    assert grown(grain, 1.0).max_portions == 1.5
    assert grown(grain, 1.2).max_portions == 2.0


def test_a_six_year_olds_beans_and_grains_are_a_childs(table: FoodTable) -> None:
    # A 6-year-old was given 1 cup of black-eyed peas at lunch and 1½ cups of
    # millet at dinner: the adult caps.
    def most(age: int) -> dict[str, float]:
        req = parse_request({"person": {"age": age, "sex": "female"}})
        problem = build_problem(req, resolve_targets(req, table), table)
        grams = problem.max_units * problem.unit_grams
        return dict(zip(problem.food_ids, grams.tolist(), strict=True))

    child, adult = most(6), most(30)
    assert adult["black-eyed-peas-cooked"] == pytest.approx(171.0)  # 1 cup
    assert child["black-eyed-peas-cooked"] <= 171.0 * 0.75
    assert adult["millet-cooked"] == pytest.approx(1.5 * 174.0)
    assert child["millet-cooked"] <= 174.0 + 1e-6
    assert child["beef-sirloin-steak"] < adult["beef-sirloin-steak"]


def test_the_check_catches_an_adult_serving_for_a_child(table: FoodTable) -> None:
    plan = mealplan.plan({"person": {"age": 6, "sex": "female"}}, table)
    check_child_servings(plan, table)
    (day,) = plan.days
    beans = day.items[0].model_copy(
        update={"food_id": "black-eyed-peas-cooked", "grams": 171.0, "portions": 1.0}
    )
    bad = plan.model_copy(
        update={"days": [day.model_copy(update={"items": [beans, *day.items[1:]]})]}
    )
    with pytest.raises(AssertionError, match="legume_item"):
        check_child_servings(bad, table)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    age=st.integers(4, 13),
    sex=st.sampled_from(["female", "male"]),
    diet=st.sampled_from(["omnivore", "vegetarian", "pescatarian", "vegan"]),
)
def test_random_children_get_a_childs_servings(
    table: FoodTable, age: int, sex: str, diet: str
) -> None:
    request: dict[str, Any] = {"person": {"age": age, "sex": sex}, "diet": diet}
    plan = first_plan_or_none(request, table)
    if plan is None:
        return  # no plan meets this child's day: nothing to check
    check_plan(plan, table)
    check_child_servings(plan, table)
