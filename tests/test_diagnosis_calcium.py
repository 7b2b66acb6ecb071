"""With ``absorbable_calcium`` on, the diagnosis speaks of absorbable calcium.

The calcium minimum then counts each food's calcium at its absorbed fraction
over milk's (milk-equivalent mg), so the advice must be measured and worded on
that sum, not on total calcium. On a table whose only calcium source is
spinach (5.1 % absorbed, Weaver 1999), the two differ by a factor of six: a
minimum judged on total calcium would be advised far too high to plan.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

import mealplan
from mealplan import FoodTable, InfeasiblePlanError
from mealplan._oracle import merge_patch

SPINACH_CA = 136.0  # mg per 100 g
RICE_CA = 10.0
SPINACH_WEIGHT = 0.051 / 0.321  # spinach's absorbed fraction over milk's


@pytest.fixture(scope="module")
def table() -> FoodTable:
    frame = pd.DataFrame(
        {
            "id": ["spin", "milk", "rice"],
            "name": ["Spinach, boiled", "Milk, whole", "Rice, cooked"],
            "energy_kcal": [23.0, 61.0, 130.0],
            "calcium_mg": [SPINACH_CA, 113.0, RICE_CA],
            "category": ["vegetables", "dairy", "grains_rice"],
            "meal_slots": ["lunch;dinner", "breakfast;snack", "lunch;dinner"],
            "vegan": [True, False, True],
            "vegetarian": [True, True, True],
            "pescatarian": [True, True, True],
            "allergens": ["", "milk", ""],
            "price_per_100g": [0.5, 0.2, 0.1],
        }
    )
    return FoodTable.from_dataframe(frame)


def _request(**extra: Any) -> dict[str, Any]:
    return {
        "targets": {
            "bounds": [{"nutrient": "calcium_mg", "unit": "mg", "minimum": 233}]
        },
        "meals": None,
        "exclude": ["milk"],
        "time_limit": 30,
        **extra,
    }


def _milk_equivalent(plan: mealplan.MealPlan) -> float:
    """Milk-equivalent calcium of the plan's day, from the table by hand."""
    per_100 = {"spin": SPINACH_CA * SPINACH_WEIGHT, "rice": RICE_CA}
    return sum(per_100[i.food_id] * i.grams / 100 for i in plan.items)


def test_calcium_advice_speaks_of_absorbable_calcium(table: FoodTable) -> None:
    request = _request(absorbable_calcium=True)
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(request, table)
    diagnosis = info.value.diagnosis
    assert diagnosis is not None
    conflict = next(c for c in diagnosis.conflicts if c.constraint == "min:calcium_mg")
    assert "absorbable calcium" in conflict.description
    assert "absorbable calcium" in diagnosis.message
    advice = next(s for s in diagnosis.suggestions if s.field.startswith("bounds.calc"))
    assert "absorbable calcium" in advice.description
    assert advice.verified
    assert advice.smallest
    value = advice.patch["bounds"]["calcium_mg"]["minimum"]
    # Measured on absorbable calcium: the day reaches about 95 milk-equivalent
    # mg; on total calcium it would read about 440 mg, which does not plan.
    assert value < 0.5 * 233
    fixed = mealplan.plan(merge_patch(request, advice.patch), table)
    assert _milk_equivalent(fixed) >= value - 1e-6
    # The smallest change: one mg more than advised has no plan.
    with pytest.raises(InfeasiblePlanError):
        mealplan.plan(
            merge_patch(request, {"bounds": {"calcium_mg": {"minimum": value + 1}}}),
            table,
        )


def test_total_calcium_advice_stays_in_total_calcium(table: FoodTable) -> None:
    request = _request(
        targets={"bounds": [{"nutrient": "calcium_mg", "unit": "mg", "minimum": 800}]}
    )
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(request, table)
    diagnosis = info.value.diagnosis
    assert diagnosis is not None
    advice = next(s for s in diagnosis.suggestions if s.field.startswith("bounds.calc"))
    assert "absorbable" not in advice.description
    value = advice.patch["bounds"]["calcium_mg"]["minimum"]
    assert value > 233  # total calcium: spinach counts in full
    mealplan.plan(merge_patch(request, advice.patch), table)
