"""A whole week for a 2-year-old, safe on every day by every life-stage rule.

Issue 12 asks for a toddler's week shown safe, not a day: the default
request (omnivore, default meals) for 7 days, checked by ``tests/checks.py``
alone, day by day: no choking hazard (its own rules, not the planner's
file), juice at most 4 fl oz and milk at most 16 fl oz a day, fish at most
the child's 1 oz serving a day and 3 oz a week, and FDA/EPA Good Choices at
most one serving (1 oz) a week. The first plan is enough (the rules hold for
every plan): 1.2-1.7 s of CPU at load 9-13 (benchmarks/fish_day_latest.md).
"""

from __future__ import annotations

import pytest

import mealplan
from mealplan._catalog import load_foods
from tests.checks import (
    cap_holds_for,
    check_choking_hazards,
    check_life_stage_caps,
    check_plan,
    check_week_caps,
    fish_classes,
    life_stage_cap_rows,
)

OZ = 28.349523125
TODDLER = {"age": 2, "sex": "female"}


@pytest.fixture(scope="module")
def foods() -> mealplan.FoodTable:
    return load_foods()


@pytest.fixture(scope="module")
def toddler_week(foods: mealplan.FoodTable) -> mealplan.MealPlan:
    """The first plan of a 2-year-old's week, which its time limit did not stop.

    600 s, as the fish-liking toddler's 4 days in tests/test_fish_week.py:
    the seed gives each day-plan a share of the limit, and the verdict must
    not depend on the machine's load (the assert below).
    """
    request = {"person": TODDLER, "days": 7, "time_limit": 600.0, "mip_gap": 1.0}
    result = mealplan.plan(request, foods)
    assert not any("time limit" in n.lower() for n in result.notes), result.notes
    return result


def test_every_day_of_a_toddlers_week_keeps_every_life_stage_rule(
    toddler_week: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    assert len(toddler_week.days) == 7
    check_plan(toddler_week, foods)  # the whole request, the rules below among it
    # Each rule on its own, so that a change to check_plan cannot drop one.
    check_choking_hazards(toddler_week, foods)
    check_life_stage_caps(toddler_week, foods)
    check_week_caps(toddler_week, foods)
    # The rules those checks read for a 2-year-old: none is silently missing.
    person = toddler_week.request.person
    assert person is not None
    held = {r["cap_id"] for r in life_stage_cap_rows() if cap_holds_for(r, person)}
    assert {
        "toddler_juice_day",
        "toddler_milk_day",
        "toddler_fish_day",
        "toddler_fish_item",
        "toddler_fish_week",
        "toddler_good_fish_week",
    } <= held
    assert not any(c.startswith(("pregnancy_", "child_")) for c in held)


def _with_item(
    plan: mealplan.MealPlan, day: int, food_id: str, grams: float
) -> mealplan.MealPlan:
    """``plan`` with day ``day``'s first item made ``grams`` of ``food_id``."""
    days = []
    for d in plan.days:
        if d.day == day:
            item = d.items[0].model_copy(update={"food_id": food_id, "grams": grams})
            d = d.model_copy(update={"items": [item, *d.items[1:]]})
        days.append(d)
    return plan.model_copy(update={"days": days})


def test_the_checks_catch_an_unsafe_toddler_week(
    toddler_week: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    """Each check can fail: a hazard, a day's fish, a week's Good Choices."""
    popcorn = _with_item(toddler_week, 3, "popcorn-air-popped", 8.0)
    with pytest.raises(AssertionError, match="choking hazard"):
        check_choking_hazards(popcorn, foods)
    # A dish whose name says nothing of it: nachos are made with tortilla
    # chips (its USDA recipe), which the checker reads itself.
    nachos = _with_item(toddler_week, 2, "nachos-with-cheese-and-sour-cream", 60.0)
    with pytest.raises(AssertionError, match="tortilla chips"):
        check_choking_hazards(nachos, load_foods(dishes=True))
    # 2 oz of salmon on day 5: twice the child's serving in a day.
    salmon = _with_item(toddler_week, 5, "salmon-sockeye-canned", 2 * OZ)
    with pytest.raises(AssertionError, match="toddler_fish_day"):
        check_life_stage_caps(salmon, foods, portion_limits=False)
    # 3/4 oz of halibut (a Good Choice) on days 1 and 7, no other fish: 1 1/2
    # oz in the week, within its 3 oz of fish, over its 1 oz of Good Choices.
    fish = fish_classes(foods)
    days = [
        d.model_copy(update={"items": [i for i in d.items if i.food_id not in fish]})
        for d in toddler_week.days
    ]
    halibut = toddler_week.model_copy(update={"days": days})
    halibut = _with_item(halibut, 1, "halibut-cooked", 0.75 * OZ)
    halibut = _with_item(halibut, 7, "halibut-cooked", 0.75 * OZ)
    with pytest.raises(AssertionError, match="toddler_good_fish_week"):
        check_week_caps(halibut, foods)
