"""Checks of the Python API's arguments other than the request (issue 15).

The request and the saved plan are validated by their pydantic models; the
food table, the day to re-plan and the rejected foods are plain arguments,
and a wrong type there (``foods=123``, ``day=True``, ``reject="banana"``)
must be a typed one-sentence error, not an AttributeError from deep inside
or a silent day 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mealplan._errors import FoodTableError, RequestError

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import MealPlan

__all__ = ["day_number", "food_ids", "food_table", "saved_plan"]


def food_table(foods: object, where: str) -> FoodTable | None:
    """Return ``foods`` when it is a FoodTable or None; raise FoodTableError otherwise."""
    from mealplan._catalog import FoodTable

    if foods is None or isinstance(foods, FoodTable):
        return foods
    msg = (
        f"{where}: foods must be a FoodTable (from load_foods() or "
        f"FoodTable.from_dataframe()) or None (got {type(foods).__name__})."
    )
    raise FoodTableError(msg)


def saved_plan(previous: object) -> MealPlan:
    """Return ``previous`` when it is a MealPlan; raise RequestError otherwise."""
    from mealplan._models import MealPlan

    if isinstance(previous, MealPlan):
        return previous
    msg = (
        "regenerate: the plan must be a MealPlan (plan()'s result, or "
        f"MealPlan.model_validate_json(text) for a saved one) (got {type(previous).__name__})."
    )
    raise RequestError(msg, [{"loc": "plan", "msg": msg}])


def day_number(day: object, days: int) -> int:
    """Return ``day`` when it is a whole number from 1 to ``days`` (not a bool)."""
    if isinstance(day, bool) or not isinstance(day, int):
        msg = f"day must be a whole number from 1 to {days} (got {day!r})."
        raise RequestError(msg, [{"loc": "day", "msg": msg}])
    if not 1 <= day <= days:
        msg = f"day must be between 1 and {days} (got {day})."
        raise RequestError(msg, [{"loc": "day", "msg": msg}])
    return day


def food_ids(reject: object) -> list[str]:
    """Return ``reject`` as a list of food ids (a list or tuple of strings)."""
    if isinstance(reject, str | bytes) or not isinstance(reject, Iterable):
        msg = f"reject must be a list of food ids (got {type(reject).__name__})."
        raise RequestError(msg, [{"loc": "reject", "msg": msg}])
    ids = list(reject)
    for fid in ids:
        if not isinstance(fid, str):
            msg = f"reject must hold food ids as strings (got {fid!r})."
            raise RequestError(msg, [{"loc": "reject", "msg": msg}])
    return ids
