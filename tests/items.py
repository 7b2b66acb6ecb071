"""Plan items made by hand, for tests of what the planner does to a day's items.

Fat pairing (``attach_fats``) and added salt (``mealplan._salt``) work on a
day's items after the solve; their tests give them days written out here.
"""

from __future__ import annotations

from mealplan._models import PlanItem


def plan_item(food_id: str, grams: float, meal: str = "lunch") -> PlanItem:
    """One serving of ``food_id`` weighing ``grams``, at ``meal`` of day 1."""
    return PlanItem(
        day=1,
        meal=meal,
        food_id=food_id,
        name=food_id,
        ndb_no=None,
        portions=1.0,
        portion_description="1 serving",
        grams=grams,
        cost=None,
        energy_kcal=None,
    )
