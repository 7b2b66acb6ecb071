"""The contract's meals: the meal slots of a day and the parts of each meal.

:class:`MealSpec` (a meal and its share of the day's energy),
:class:`MealStructure` and :class:`MealPart` (the food roles a meal is made
of), with the defaults a request starts from.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictFloat, model_validator

from mealplan._model_base import MAX_PARTS, MAX_ROLES, Name, _Model
from mealplan._nutrients import MealSlot


class MealSpec(_Model):
    """One meal slot of a day and its share of the day's energy."""

    name: Annotated[str, Field(min_length=1, max_length=40)]
    slot: MealSlot
    energy_share: tuple[StrictFloat, StrictFloat] = (0.0, 1.0)
    min_foods: Annotated[int, Field(strict=True, ge=0, le=20)] = 1
    max_foods: Annotated[int, Field(strict=True, ge=1, le=20)] = 4

    @model_validator(mode="after")
    def _check(self) -> MealSpec:
        lo, hi = self.energy_share
        if not 0 <= lo <= hi <= 1:
            msg = (
                f"meal {self.name!r}: energy_share must satisfy 0 <= low <= high <= 1 "
                f"(got {self.energy_share})"
            )
            raise ValueError(msg)
        if self.min_foods > self.max_foods:
            msg = f"meal {self.name!r}: min_foods {self.min_foods} > max_foods {self.max_foods}"
            raise ValueError(msg)
        return self


def default_meals() -> list[MealSpec]:
    """Breakfast, lunch, dinner and a snack, with typical energy shares."""
    return [
        MealSpec(name="breakfast", slot=MealSlot.BREAKFAST, energy_share=(0.15, 0.35)),
        MealSpec(name="lunch", slot=MealSlot.LUNCH, energy_share=(0.2, 0.4)),
        MealSpec(name="dinner", slot=MealSlot.DINNER, energy_share=(0.25, 0.45)),
        MealSpec(
            name="snack",
            slot=MealSlot.SNACK,
            energy_share=(0.0, 0.2),
            min_foods=0,
            max_foods=3,
        ),
    ]


class MealPart(_Model):
    """One part of a meal's structure: how many items of these food roles it holds.

    A food fills a part when one of its ``roles`` (the food table's ``roles``
    column: ``main``, ``protein``, ``side_vegetable``, ``fruit``...) is listed.
    Under a structure, a meal holds only foods that fill one of its parts.
    """

    name: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description="The part's name, e.g. 'main' or 'fruit'."
    )
    roles: Annotated[list[Name], Field(max_length=MAX_ROLES)] = Field(
        min_length=1, description="Food roles that fill it."
    )
    min_items: Annotated[int, Field(strict=True, ge=0, le=10)] = 0
    max_items: Annotated[int, Field(strict=True, ge=1, le=10)] = 1

    @model_validator(mode="after")
    def _check(self) -> MealPart:
        if self.min_items > self.max_items:
            msg = (
                f"meal part {self.name!r}: min_items {self.min_items} > "
                f"max_items {self.max_items}; lower min_items"
            )
            raise ValueError(msg)
        return self


class MealStructure(_Model):
    """The parts a meal slot is made of (breakfast: a grain, cereal or dish...)."""

    slot: MealSlot
    parts: Annotated[list[MealPart], Field(max_length=MAX_PARTS)] = Field(min_length=1)


def _part(name: str, roles: str, low: int = 0, high: int = 1) -> MealPart:
    return MealPart(name=name, roles=roles.split(), min_items=low, max_items=high)


def default_meal_structure() -> list[MealStructure]:
    """Breakfast, lunch, dinner and snack structures a dietitian would write.

    Breakfast: a grain, cereal or breakfast dish (or bread), with optional milk
    or plant milk, fruit, a drink and a spread. Lunch and dinner: a main (a
    dish or a protein food) with optional sides. A snack: one or two items.
    Breakfast may have a cooking fat or spread, lunch and dinner up to two
    cooking fats or dressings: each at most 1 tbsp and with an item of its own
    that it goes with, which the plan shows it with.
    """
    return [
        MealStructure(
            slot=MealSlot.BREAKFAST,
            parts=[
                _part(
                    "grain or breakfast dish",
                    "cereal_hot cereal_rte breakfast_dish bread",
                    1,
                    2,
                ),
                _part("milk", "dairy plant_milk"),
                _part("fruit", "fruit"),
                _part("beverage", "beverage"),
                _part("spread", "spread"),
                _part("cooking fat", "fat"),
            ],
        ),
        *(
            MealStructure(
                slot=slot,
                parts=[
                    _part("main", "main protein", 1, 2),
                    _part("vegetable or salad", "side_vegetable salad", 0, 2),
                    _part("grain or starch", "grain_side bread"),
                    _part("soup", "soup"),
                    _part("dairy", "dairy plant_milk"),
                    _part("fruit", "fruit"),
                    _part("beverage", "beverage"),
                    _part("cooking fat or dressing", "fat", 0, 2),
                ],
            )
            for slot in (MealSlot.LUNCH, MealSlot.DINNER)
        ),
        MealStructure(
            slot=MealSlot.SNACK,
            parts=[
                _part(
                    "snack",
                    "snack fruit dairy plant_milk beverage bread cereal_rte spread",
                    0,
                    2,
                )
            ],
        ),
    ]
