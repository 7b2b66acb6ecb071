"""A six-food table and a problem over it: small enough to reason about by hand.

Shared by the tests of the formulation, the backends, the strategy and the
hardening against bad input, which need a problem whose every row and column
they can name, without the bundled table.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import mealplan
from mealplan import FoodTable
from mealplan._planner import resolve_targets
from mealplan._problem import Problem, Restrictions, build_problem


def six_food_table() -> FoodTable:
    """Oats, milk, beans, kale, salmon and an apple, with diets, allergens, prices."""
    rows = [
        ("oats", 380.0, 13.0, 50.0, "breakfast_cereals", "breakfast"),
        ("milk", 60.0, 3.3, 120.0, "dairy", "breakfast;snack"),
        ("beans", 130.0, 9.0, 40.0, "legumes", "lunch;dinner"),
        ("kale", 50.0, 3.0, 150.0, "vegetables", "lunch;dinner"),
        ("salmon", 200.0, 22.0, 10.0, "fish_seafood", "lunch;dinner"),
        ("apple", 52.0, 0.3, 6.0, "fruits", "breakfast;snack;lunch"),
    ]
    frame = pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "name": [r[0].title() for r in rows],
            "energy_kcal": [r[1] for r in rows],
            "protein_g": [r[2] for r in rows],
            "calcium_mg": [r[3] for r in rows],
            "category": [r[4] for r in rows],
            "meal_slots": [r[5] for r in rows],
            "vegan": [r[0] not in ("milk", "salmon") for r in rows],
            "vegetarian": [r[0] != "salmon" for r in rows],
            "pescatarian": [True] * len(rows),
            "allergens": ["", "milk", "", "", "fish", ""],
            "price_per_100g": [0.5, 0.2, 0.4, 0.9, 2.0, 0.6],
        }
    )
    return FoodTable.from_dataframe(frame)


def six_food_targets() -> dict[str, Any]:
    """The targets the six foods are asked for: 1500-2500 kcal, 600 mg calcium.

    A new dict each call, so a test may change its copy freely.
    """
    return {
        "bounds": [
            {
                "nutrient": "energy_kcal",
                "unit": "kcal",
                "minimum": 1500,
                "maximum": 2500,
            },
            {"nutrient": "calcium_mg", "unit": "mg", "minimum": 600},
        ]
    }


def six_food_problem(
    restrictions: Restrictions | None = None, **request: Any
) -> Problem:
    """The problem for 1500-2500 kcal, 600 mg calcium, 5 foods, and ``request``."""
    table = six_food_table()
    body: dict[str, Any] = {
        "targets": six_food_targets(),
        "max_foods": 5,
    }
    body.update(request)
    req = mealplan.parse_request(body)
    return build_problem(
        req, resolve_targets(req, table), table, restrictions=restrictions
    )
