"""The contract's explanation of a plan (``mealplan plan --explain``).

Which bounds bind, what tightening them costs, where each nutrient comes
from, and the article passages and data gaps behind the chosen foods.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mealplan._model_base import SCHEMA_VERSION, _Model


class Binding(_Model):
    """A bound that the plan's total sits at."""

    nutrient: str
    side: Literal["minimum", "maximum"]
    bound: float
    amount: float
    unit: str
    kind: str | None
    day: int | None = Field(description="The day it binds on; None for a plan average.")
    text: str


class MarginalCost(_Model):
    """What tightening one binding bound by ``step`` does to the plan."""

    nutrient: str
    side: Literal["minimum", "maximum"]
    step: float
    unit: str
    new_bound: float
    feasible: bool
    measure: Literal["cost_per_day", "objective"]
    before: float | None
    after: float | None
    change: float | None = Field(
        description="The change in the measure: US$ a day for 'cost_per_day'; for "
        "'objective' (the typical objective), servings away from one typical "
        "serving per food and the healthy eating pattern."
    )
    text: str = Field(description="The change in words.")


class Contribution(_Model):
    """How much one food gives of one nutrient (a daily average)."""

    food_id: str
    name: str
    amount: float | None = Field(description="None when USDA has no value.")
    share: float | None = Field(description="Share of the total, 0-1.")


class NutrientExplanation(_Model):
    """One nutrient's daily average and where it comes from, largest first."""

    nutrient: str
    unit: str
    total: float
    minimum: float | None
    maximum: float | None
    contributions: list[Contribution]
    lower_bound: bool = Field(
        description="True when a chosen food has no value for it (the total may be higher)."
    )


class ArticleCitation(_Model):
    """A passage of the source article that names a food."""

    section: str
    words: str


class FoodExplanation(_Model):
    """One chosen food: its USDA record and the article passages that name it."""

    food_id: str
    name: str
    ndb_no: str | None
    citations: list[ArticleCitation]
    missing_nutrients: list[str] = Field(
        description="Bound nutrients USDA gives no value for in this food."
    )


class Explanation(_Model):
    """Why a plan is what it is: contributions, binding bounds, sources, gaps."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    objective: str = Field(
        default="",
        description="What the plan minimises and in which unit, in words.",
    )
    binding: list[Binding]
    marginal: list[MarginalCost]
    nutrients: list[NutrientExplanation] = Field(default_factory=list)
    foods: list[FoodExplanation] = Field(default_factory=list)
    data_gaps: list[str] = Field(
        default_factory=list,
        description="Totals that are lower bounds because USDA has no value, in words.",
    )
    notes: list[str] = Field(default_factory=list)
