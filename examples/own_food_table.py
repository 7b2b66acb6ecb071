"""The classic diet problem on your own food table, with a custom nutrient.

Five foods, iron as an extra nutrient, continuous amounts, cheapest plan.
Run: python examples/own_food_table.py
"""

from __future__ import annotations

import pandas as pd

import mealplan
from mealplan._report import render_text

foods = mealplan.FoodTable.from_dataframe(
    pd.DataFrame(
        {
            "id": ["oats", "milk", "lentils", "spinach", "sardines"],
            "name": ["Oats", "Milk", "Lentils", "Spinach", "Sardines"],
            # per 100 g
            "energy_kcal": [389, 61, 116, 23, 208],
            "magnesium_mg": [177, 10, 36, 79, 39],
            "calcium_mg": [54, 113, 19, 99, 382],
            "vitamin_d_ug": [0, 1.3, 0, 0, 4.8],
            "vitamin_b12_ug": [0, 0.45, 0, 0, 8.9],
            "iron_mg": [4.7, 0.03, 3.3, 2.7, 2.9],
            "price_per_100g": [0.20, 0.10, 0.25, 0.60, 1.10],
            "vegan": [True, False, True, True, False],
            "vegetarian": [True, True, True, True, False],
            "pescatarian": [True, True, True, True, True],
            "allergens": ["wheat", "milk", "", "", "fish"],
        }
    ),
    extra_nutrients={"iron_mg": "mg"},
)


def bound(nutrient: str, unit: str, minimum: float) -> mealplan.NutrientBound:
    return mealplan.NutrientBound(nutrient=nutrient, unit=unit, minimum=minimum)


request = mealplan.PlanRequest(
    targets=mealplan.NutrientTargets(
        bounds=[
            mealplan.NutrientBound(
                nutrient="energy_kcal", unit="kcal", minimum=1800, maximum=2400
            ),
            bound("magnesium_mg", "mg", 320),
            bound("calcium_mg", "mg", 1000),
            bound("vitamin_d_ug", "ug", 15),
            bound("vitamin_b12_ug", "ug", 2.4),
            bound("iron_mg", "mg", 18),
        ]
    ),
    objective=mealplan.Objective.COST,
    meals=None,
    max_foods=None,
    portion_mode=mealplan.PortionMode.CONTINUOUS,
    portion_limits=False,
    macro_limits=False,
)
plan = mealplan.plan(request, foods)
print(render_text(plan, foods))

iron = plan.days[0].total("iron_mg")
assert iron.status is mealplan.NutrientStatus.MET, iron
assert iron.amount >= 18 - 1e-3, iron  # continuous amounts: solver tolerance
assert plan.cost_per_day is not None
print(f"Cheapest day: ${plan.cost_per_day:.2f}")
for nutrient in ("magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug"):
    assert plan.days[0].total(nutrient).status is mealplan.NutrientStatus.MET
