"""The contract's plan: :class:`MealPlan`, its days, items and totals.

What a request gets back (with its grocery list items), checked on
validation to fit its own request so an edited saved plan is an error.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)

from mealplan._explanation_models import Explanation
from mealplan._model_base import (
    DISCLAIMER,
    MAX_ITEMS_PER_DAY,
    SCHEMA_VERSION,
    Name,
    Note,
    _Model,
)
from mealplan._request_models import PORTION_STEPS, PlanRequest
from mealplan._strictjson import MAX_PLAN_BYTES
from mealplan._target_models import NutrientTargets


class PlanStatus(StrEnum):
    """How good the returned plan is."""

    OPTIMAL = "optimal"
    """Proven optimal (within the requested MIP gap)."""
    FEASIBLE = "feasible"
    """Meets every constraint; the time limit stopped the proof of optimality."""
    SHORTFALL = "shortfall"
    """Closest plan under ``allow_shortfall``: some bounds are not met."""


class NutrientStatus(StrEnum):
    """Where a total stands against its bounds."""

    MET = "met"
    SHORT = "short"
    OVER = "over"
    NO_BOUND = "no_bound"


class PlanItem(_Model):
    """One food in one meal of one day."""

    day: Annotated[int, Field(strict=True, ge=1, le=28)]
    meal: Annotated[str | None, Field(max_length=40)]
    food_id: Name
    name: Note
    ndb_no: Annotated[str | None, Field(max_length=16)]
    portions: Annotated[float, Field(strict=True, ge=0, le=1_000)]
    portion_description: Note
    grams: Annotated[float, Field(strict=True, ge=0, le=1_000_000)]
    cost: Annotated[float | None, Field(strict=True, ge=0)]
    energy_kcal: Annotated[float | None, Field(strict=True, ge=0)]
    part_of: Annotated[str | None, Field(max_length=200)] = Field(
        default=None,
        description="For a cooking fat, dressing or spread (oil, butter, "
        "mayonnaise): the food_id of the item of the same meal it is cooked "
        "with, dresses or is spread on; null for an item of its own.",
    )
    part_as: (
        Literal["cooked with", "dressed with", "spread with", "with", "seasoned with"]
        | None
    ) = Field(
        default=None,
        description="How a part_of item goes with its item, as a report says "
        "it: 'cooked with 1½ tsp olive oil', 'seasoned with ¼ tsp table salt'.",
    )
    kind: Literal["food", "supplement", "salt"] = Field(
        default="food",
        description="'supplement' for a single-nutrient supplement (a request's "
        "supplements option), listed apart from the food; its grams are a "
        "bookkeeping 1 g a unit, not its weight. 'salt' for the measured table "
        "salt added where a day's foods fall short of the sodium AI (the "
        "request's added_salt), part_of the item it seasons; it has no price "
        "and is left out of the day's cost.",
    )


class MealTitle(_Model):
    """A meal of a day named as a menu names it: its lead item with its sides."""

    meal: Annotated[str, Field(max_length=40)] = Field(
        description="The meal slot (breakfast, lunch, dinner, snack...)."
    )
    title: Annotated[str, Field(max_length=2_000)] = Field(
        description="The meal in words: the item that leads it (a dish, or a "
        "meat, fish, egg, bean or tofu food; at breakfast a breakfast dish or "
        "cereal) 'with' the others, drinks after a semicolon: 'Soybeans with "
        "wild rice and Swiss chard', 'Oatmeal with dried apricots; chocolate "
        "soy milk'. Cooking fats, dressings and spreads go with their item "
        "(see part_of) and are not named."
    )
    lead: Name = Field(description="The food_id of the item that leads the meal.")
    energy_kcal: Annotated[float | None, Field(strict=True, ge=0)] = Field(
        default=None,
        description="The meal's energy, its fats included (null when an item "
        "has no energy value).",
    )
    food_ids: Annotated[list[Name], Field(max_length=MAX_ITEMS_PER_DAY)] = Field(
        default_factory=list,
        description="The meal's items in the menu's order: the lead first, "
        "then its sides, then drinks, each fat right after the item it goes "
        "with (the reports list a meal's items in this order).",
    )


class NutrientTotal(_Model):
    """A nutrient total against its bounds."""

    nutrient: str
    unit: str
    amount: StrictFloat
    minimum: StrictFloat | None
    maximum: StrictFloat | None
    status: NutrientStatus
    percent_of_minimum: StrictFloat | None
    lower_bound: bool = Field(
        description="True when a chosen food has no data for this nutrient, so the "
        "true total may be higher."
    )
    foods_missing_data: list[str] = Field(default_factory=list)
    unmeasured_allowance: StrictFloat | None = Field(
        default=None,
        description="Under an upper limit: what the foods in foods_missing_data "
        "add at their reviewed stand-ins (the measured value of a similar "
        "SR28 food, foods/ul_standins.csv). The plan kept room for it "
        "(amount + unmeasured_allowance <= maximum) for every limit but "
        "manganese's, whose stand-ins are reported, not planned. None when "
        "no stand-in counted (no limit, every food measured, "
        "room_for_unmeasured false).",
    )
    shortfall: StrictFloat = 0.0
    excess: StrictFloat = 0.0
    dri_minimum: StrictFloat | None = Field(
        default=None,
        description="The person's RDA or AI for this nutrient (for sodium its AI; "
        "IOM/NASEM Dietary Reference Intakes, ../reference/dri_full.csv), "
        "whether or not the plan was held to it: a nutrient the plan reports "
        "without planning (an AI at ages 1-3, the sodium AI, a lifted floor, "
        "panel 'rda' or 'focus') has minimum null and its DRI here. Null "
        "without a person (explicit targets) or without such a DRI.",
    )
    dri_minimum_kind: Literal["RDA", "AI"] | None = Field(
        default=None, description="Whether dri_minimum is an RDA or an AI."
    )
    dri_maximum: StrictFloat | None = Field(
        default=None,
        description="The person's tolerable upper intake level (UL) for this "
        "nutrient where it applies to food (preformed vitamin A as retinol, "
        "folic acid, added vitamin E; none for magnesium from food), whether "
        "or not the plan was held to it. Null where no food UL applies.",
    )
    dri_status: NutrientStatus = Field(
        default=NutrientStatus.NO_BOUND,
        description="Where the total stands against dri_minimum and "
        "dri_maximum, judged as status is (absorbable calcium included): "
        "'short' below the RDA/AI even where the plan was not held to it "
        "(the shortfall a report calls out), 'over' above the food UL, "
        "'no_bound' when neither applies. A lower-bound total (lower_bound) "
        "may be short only for want of data.",
    )

    @field_validator("percent_of_minimum", mode="before")
    @classmethod
    def _no_percent_of_nothing(cls, value: Any) -> Any:
        # A minimum so small that the share overflows has no meaningful
        # percentage (JSON would carry null for it anyway).
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value


class DayPlan(_Model):
    """One day of the plan: its items and its totals."""

    day: Annotated[int, Field(strict=True, ge=1, le=28)]
    items: Annotated[list[PlanItem], Field(max_length=MAX_ITEMS_PER_DAY)]
    totals: Annotated[list[NutrientTotal], Field(max_length=MAX_ITEMS_PER_DAY)]
    cost: StrictFloat | None
    meals: Annotated[list[MealTitle], Field(max_length=MAX_ITEMS_PER_DAY)] = Field(
        default_factory=list,
        description="Each meal of the day named as a menu names it, in the "
        "day's order (empty for a plan without meals, and in plans saved "
        "before this field).",
    )

    def total(self, nutrient: str) -> NutrientTotal:
        """Return the total for ``nutrient``."""
        for t in self.totals:
            if t.nutrient == nutrient:
                return t
        raise KeyError(nutrient)


class GroceryItem(_Model):
    """One purchasable item summed over the plan's days.

    A dish is broken into its recipe ingredients and a cooked food is bought
    in its raw or dry form where the data allow (``converted``); ``grams`` and
    ``portions`` are then of what is bought (the amount used), ``from_foods``
    names the plan's foods it serves, and ``buy_portions`` is what a shopper
    buys of ``portion_description`` (whole pieces or packages, rounded up;
    kitchen steps of cups and spoons).
    """

    food_id: str
    name: str
    food_group: str | None
    grams: StrictFloat
    portions: StrictFloat
    portion_description: str
    cost: StrictFloat | None
    converted: bool = False
    from_foods: list[str] = Field(default_factory=list)
    note: str | None = None
    kind: Literal["food", "supplement"] = Field(
        default="food",
        description="'supplement' for a supplement of the plan (listed apart; "
        "grams 0, portions are its units, no price in the data).",
    )
    buy_portions: StrictFloat | None = Field(
        default=None,
        description="How many of portion_description to buy: for a piece or a "
        "package (countable) the whole number at least the grams used, rounded "
        "up; for a cup, spoon or ounce the nearest kitchen step (1/4 cup, "
        "1/2 tbsp, 1/2 tsp, 1 oz). Null when the amount is in grams only "
        "(portions then say what is used).",
    )
    countable: bool = Field(
        default=False,
        description="portion_description is a piece or a package (a bagel, a "
        "slice, a can), so buy_portions is a whole number.",
    )
    allergens: list[str] | None = Field(
        default=None,
        description="Allergens of the line: the union of what is bought and of "
        "every single food of the plan it serves (a fried egg's milk and soy "
        "from its cooking fat stay on the raw eggs bought for it). Null for a "
        "supplement.",
    )
    diets: list[str] | None = Field(
        default=None,
        description="The diets (vegan, vegetarian, pescatarian) that what is "
        "bought and every single food it serves keep. Null for a supplement.",
    )


def _check_salt(item: PlanItem, day: int, added_salt: bool) -> None:
    """Raise ValueError unless ``item`` is added salt as the planner adds it."""
    eighths = item.portions / 0.125
    if not added_salt:
        msg = f"item {item.food_id[:40]!r} of day {day} is added salt but the request has added_salt off"
    elif item.part_of is None or abs(eighths - round(eighths)) > 1e-6:
        msg = (
            f"item {item.food_id[:40]!r} of day {day} is added salt of "
            f"{item.portions} tsp, not in 1/8 tsp steps seasoning an item (part_of)"
        )
    else:
        return
    raise ValueError(msg)


class MealPlan(_Model):
    """A plan that meets every constraint of its request (or states each shortfall).

    Validation checks that the plan fits its own request (one day per
    requested day, numbered from 1, items on their day and in a meal the
    request defines), so a tampered saved plan is an error, not a silent keep.
    """

    _max_json_bytes: ClassVar[int] = MAX_PLAN_BYTES

    schema_version: Literal["1"] = SCHEMA_VERSION
    request: PlanRequest
    targets: NutrientTargets
    status: PlanStatus
    gap: StrictFloat | None = Field(
        description="Relative gap to the best bound the solver proved; 0 if proven "
        "optimal, null when the time limit left no bound.",
    )
    solve_seconds: StrictFloat
    timings: dict[Annotated[str, Field(max_length=40)], StrictFloat] = Field(
        default_factory=dict,
        description="Seconds spent building the model, solving it and reading the result.",
    )
    objective_value: StrictFloat | None = Field(
        default=None,
        description="The optimiser's objective: US$ a day for 'cost'; for 'typical', "
        "the departure from one serving per food (lower is more typical).",
    )
    days: Annotated[list[DayPlan], Field(max_length=28)]
    average: list[NutrientTotal] = Field(
        description="Average daily totals over the plan (equal to day 1 for one day)."
    )
    cost_per_day: StrictFloat | None
    unpriced_foods_left_out: StrictInt = 0
    unplanned_minimums: Annotated[
        list[Annotated[str, Field(max_length=40)]], Field(max_length=60)
    ] = Field(
        default_factory=list,
        description="Nutrients whose minimum the request's targets held (the "
        "default panel's RDAs and AIs included) that this plan was not held to: "
        "lifted because no plan meeting them was found in time, or because the "
        "allowed foods or the budget cannot reach them (the notes say which). "
        "Their shortfalls, if any, are in each day's totals against the DRIs.",
    )
    sodium_ai_by_salt: StrictBool | None = Field(
        default=None,
        description="Whether the sodium AI is this plan's own aim, reached by "
        "measured table salt where a day's foods fall short of it: true from "
        "age 4 unless the request says added_salt false or says no to salt "
        "(exclude, dislikes, a ban), or the food table has no salt row; "
        "false then, below age 4 and without a person (explicit targets), "
        "and the AI is reported, not planned. Null in a plan saved before "
        "this field, whose request alone then says.",
    )
    notes: list[str] = Field(default_factory=list)
    disclaimer: str = DISCLAIMER
    explanation: Explanation | None = Field(
        default=None,
        description="Why this plan (mealplan.explain); filled by "
        "'mealplan plan --explain', else null.",
    )

    @property
    def items(self) -> list[PlanItem]:
        """All items of all days, in day and meal order."""
        return [item for day in self.days for item in day.items]

    @model_validator(mode="after")
    def _fits_request(self) -> MealPlan:
        if len(self.days) != self.request.days:
            msg = (
                f"the plan has {len(self.days)} day(s) but its request asks for "
                f"{self.request.days}; the plan is truncated or edited"
            )
            raise ValueError(msg)
        meals = (
            None if self.request.meals is None else {m.name for m in self.request.meals}
        )
        step = PORTION_STEPS.get(self.request.portion_mode)
        for number, day in enumerate(self.days, start=1):
            if step is not None:
                for item in day.items:
                    if item.kind == "salt":
                        continue  # in 1/8 tsp steps, checked below
                    steps = item.portions / step
                    if abs(steps - round(steps)) > 1e-6:
                        msg = (
                            f"item {item.food_id[:40]!r} of day {number} has "
                            f"{item.portions} portions, not a multiple of {step} as "
                            f"portion_mode {self.request.portion_mode.value!r} requires"
                        )
                        raise ValueError(msg)
            if day.day != number:
                msg = f"day {number} of the plan is numbered {day.day}; days run 1, 2, ..."
                raise ValueError(msg)
            for item in day.items:
                if item.day != number:
                    msg = f"item {item.food_id[:40]!r} of day {number} says day {item.day}"
                    raise ValueError(msg)
                if item.kind == "salt":
                    if self.sodium_ai_by_salt is False:
                        msg = (
                            f"item {item.food_id[:40]!r} of day {number} is added "
                            "salt but the plan says none reaches its sodium AI "
                            "(sodium_ai_by_salt false); the plan is edited"
                        )
                        raise ValueError(msg)
                    _check_salt(item, number, self.request.added_salt)
                if item.kind == "supplement":
                    if not self.request.supplements:
                        msg = (
                            f"item {item.food_id[:40]!r} of day {number} is a "
                            "supplement but the request has supplements off"
                        )
                        raise ValueError(msg)
                    if item.meal in (None, "supplements"):
                        continue  # listed apart from the meals, never in one
                if meals is None and item.meal is not None:
                    msg = (
                        f"item {item.food_id[:40]!r} names meal {item.meal!r} but the "
                        "request has no meals"
                    )
                    raise ValueError(msg)
                if meals is not None and item.meal not in meals:
                    msg = (
                        f"item {item.food_id[:40]!r} of day {number} names meal "
                        f"{item.meal!r}, which the request does not define "
                        f"({', '.join(sorted(meals))})"
                    )
                    raise ValueError(msg)
        return self

    def _repr_html_(self) -> str:
        """Show the plan as its HTML report in a notebook."""
        from mealplan._html import notebook_html

        return notebook_html(self)
