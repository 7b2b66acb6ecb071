"""The one-day default plans the surveys read: each day planned, in this process.

``python benchmarks/main_servings_survey.py TREE`` and
``python benchmarks/milk_survey.py TREE`` plan the README's request, the
realism personas and load.py's 48 requests (one day each, a persona's
``days`` dropped) with TREE's code (the caller puts TREE first on
``sys.path`` before importing this) and print what they look for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ab_days import README_DAY
from load import requests
from realism import PERSONAS

if TYPE_CHECKING:
    import mealplan


def planned_days(
    table: mealplan.FoodTable,
) -> Iterator[tuple[dict[str, Any], mealplan.MealPlan]]:
    """Yield each default day's request and plan (a day with no plan is printed)."""
    import mealplan

    days: list[dict[str, Any]] = [README_DAY, *(p for _, p in PERSONAS), *requests(48)]
    for body in days:
        one = {k: v for k, v in body.items() if k != "days"}
        try:
            plan = mealplan.plan(one, foods=table)
        except mealplan.MealPlanError as exc:
            print("no plan:", json.dumps(one), exc)
            continue
        yield one, plan
