"""Plan items and totals made by hand, for tests of what is done with a day's.

Fat pairing (``attach_fats``) and added salt (``mealplan._salt``) work on a
day's items after the solve, the notes and the summary on its totals; their
tests give them days written out here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._models import NutrientStatus, NutrientTotal, PlanItem

if TYPE_CHECKING:
    from mealplan import FoodTable, MealPlan


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


def nutrient_total(
    nutrient: str,
    amount: float,
    maximum: float | None = None,
    *,
    missing: tuple[str, ...] = (),
    status: NutrientStatus = NutrientStatus.MET,
) -> NutrientTotal:
    """A day's total of ``nutrient`` (in mg), without a planned minimum.

    ``missing``: the chosen foods without a value for it (a lower bound).
    """
    return NutrientTotal(
        nutrient=nutrient,
        unit="mg",
        amount=amount,
        minimum=None,
        maximum=maximum,
        status=status,
        percent_of_minimum=None,
        lower_bound=bool(missing),
        foods_missing_data=list(missing),
    )


def with_meal(
    plan: MealPlan, table: FoodTable, meal: str, foods: list[tuple[str, float]]
) -> MealPlan:
    """``plan`` with one meal of its first day replaced by ``foods`` (grams each).

    Items of other meals with a base of ``foods`` go, so that only the new
    meal can break a rule (one form of a base a day).
    """
    day = plan.days[0]
    bases = {table.food(f).base or f for f, _ in foods}
    kept = [
        i
        for i in day.items
        if i.meal != meal and (table.food(i.food_id).base or i.food_id) not in bases
    ]
    template = day.items[0]
    new = [
        template.model_copy(
            update={
                "meal": meal,
                "food_id": f,
                "name": table.food(f).name,
                "grams": g,
                "portions": 1.0,
                "part_of": None,
                "part_as": None,
            }
        )
        for f, g in foods
    ]
    return plan.model_copy(
        update={"days": [day.model_copy(update={"items": kept + new})]}
    )
