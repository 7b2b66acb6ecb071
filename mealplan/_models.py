"""The pydantic models that are both the Python API and the JSON contract.

A diet app sends a :class:`PlanRequest` as JSON and reads back a
:class:`MealPlan` (or, with exit status 1 / ``InfeasiblePlanError``, a
:class:`Diagnosis`). Every model is frozen and rejects unknown fields, so a
typo in a request is an error rather than a silently ignored option.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mealplan._nutrients import Allergen, Diet, FreeFrom, MealSlot, PanelMode

__all__ = [
    "SCHEMA_VERSION",
    "ActivityLevel",
    "Ban",
    "BoundKind",
    "BoundOverride",
    "Conflict",
    "DayPlan",
    "Diagnosis",
    "GroceryItem",
    "MealPlan",
    "MealSpec",
    "NutrientBound",
    "NutrientPeriod",
    "NutrientStatus",
    "NutrientTargets",
    "NutrientTotal",
    "Objective",
    "Person",
    "Pin",
    "PlanItem",
    "PlanRequest",
    "PlanStatus",
    "PortionMode",
    "Sex",
    "SolverName",
]

SCHEMA_VERSION: Literal["1"] = "1"
"""Version of the JSON contract; bumped on any incompatible change."""

DISCLAIMER = (
    "This plan is information, not medical advice. Muscle twitching that lasts "
    "more than two weeks, is severe, or comes with weakness, stiffness or numbness "
    "should be evaluated by a doctor."
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Sex(StrEnum):
    """Sex as used by the DRI tables."""

    FEMALE = "female"
    MALE = "male"


class ActivityLevel(StrEnum):
    """IOM 2005 physical-activity categories used by the EER equations."""

    SEDENTARY = "sedentary"
    LOW_ACTIVE = "low_active"
    ACTIVE = "active"
    VERY_ACTIVE = "very_active"


class Person(_Model):
    """Who the plan is for; selects the DRI row and the energy estimate."""

    age: Annotated[float, Field(ge=0, le=120, description="Age in years.")]
    sex: Sex
    pregnancy: bool = False
    trimester: Annotated[int | None, Field(ge=1, le=3)] = None
    lactation: bool = False
    weight_kg: Annotated[float | None, Field(gt=0, le=400)] = None
    height_cm: Annotated[float | None, Field(gt=0, le=260)] = None
    activity: ActivityLevel = ActivityLevel.LOW_ACTIVE

    @model_validator(mode="after")
    def _check_life_stage(self) -> Person:
        if (self.pregnancy or self.lactation) and self.sex is Sex.MALE:
            msg = "pregnancy and lactation apply only to sex 'female'; remove them or set sex"
            raise ValueError(msg)
        if self.pregnancy and self.lactation:
            msg = "choose one of pregnancy or lactation, not both"
            raise ValueError(msg)
        if self.trimester is not None and not self.pregnancy:
            msg = "trimester is only meaningful with pregnancy=true"
            raise ValueError(msg)
        return self


class BoundKind(StrEnum):
    """Where a bound comes from."""

    RDA = "RDA"
    AI = "AI"
    UL = "UL"
    CDRR = "CDRR"
    """Chronic-disease risk reduction intake (sodium, NASEM 2019)."""
    EER = "EER"
    AMDR = "AMDR"
    GUIDELINE = "guideline"
    USER = "user"


class NutrientBound(_Model):
    """Daily lower and/or upper bound on one nutrient column."""

    nutrient: str
    unit: str
    minimum: Annotated[float | None, Field(ge=0)] = None
    maximum: Annotated[float | None, Field(ge=0)] = None
    minimum_kind: BoundKind | None = None
    maximum_kind: BoundKind | None = None
    source: str = ""

    @model_validator(mode="after")
    def _check_order(self) -> NutrientBound:
        if self.minimum is None and self.maximum is None:
            msg = f"bound on {self.nutrient!r} needs a minimum or a maximum"
            raise ValueError(msg)
        if (
            self.minimum is not None
            and self.maximum is not None
            and self.minimum > self.maximum
        ):
            msg = (
                f"bound on {self.nutrient!r}: minimum {self.minimum} is above "
                f"maximum {self.maximum}"
            )
            raise ValueError(msg)
        return self


class NutrientTargets(_Model):
    """Daily targets: one bound per nutrient, plus macronutrient energy shares."""

    bounds: list[NutrientBound]
    macro_shares: dict[str, tuple[float, float]] | None = Field(
        default=None,
        description=(
            "AMDR share of energy per macronutrient column, e.g. "
            "{'protein_g': (0.10, 0.35)}; None switches the shares off."
        ),
    )
    energy_estimated: bool = False
    notes: list[str] = Field(default_factory=list)

    @field_validator("bounds")
    @classmethod
    def _unique(cls, bounds: list[NutrientBound]) -> list[NutrientBound]:
        seen: set[str] = set()
        for b in bounds:
            if b.nutrient in seen:
                msg = f"nutrient {b.nutrient!r} has more than one bound; merge them"
                raise ValueError(msg)
            seen.add(b.nutrient)
        return bounds

    def get(self, nutrient: str) -> NutrientBound | None:
        """Return the bound on ``nutrient``, or None."""
        for b in self.bounds:
            if b.nutrient == nutrient:
                return b
        return None


class BoundOverride(_Model):
    """A caller's own bound on a nutrient; None leaves that side as it was."""

    minimum: Annotated[float | None, Field(ge=0)] = None
    maximum: Annotated[float | None, Field(ge=0)] = None
    remove: bool = Field(default=False, description="Drop the bound altogether.")


class Objective(StrEnum):
    """What the optimiser minimises among plans that meet every bound."""

    TYPICAL = "typical"
    """Smallest departure from typical servings (default; needs no prices)."""
    COST = "cost"
    """Lowest cost; foods without a price are left out."""


class PortionMode(StrEnum):
    """How amounts are quantised."""

    WHOLE = "whole"
    HALF = "half"
    CONTINUOUS = "continuous"


class SolverName(StrEnum):
    """Which MILP solver runs the model."""

    HIGHS = "highs"
    CBC = "cbc"


class NutrientPeriod(StrEnum):
    """Whether focus nutrients must be met every day or as a plan average."""

    DAILY = "daily"
    AVERAGE = "average"


class MealSpec(_Model):
    """One meal slot of a day and its share of the day's energy."""

    name: str
    slot: MealSlot
    energy_share: tuple[float, float] = (0.0, 1.0)
    min_foods: Annotated[int, Field(ge=0, le=20)] = 1
    max_foods: Annotated[int, Field(ge=1, le=20)] = 4

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


class Pin(_Model):
    """A food that must appear (on given days and/or in a given meal)."""

    food: str
    days: list[Annotated[int, Field(ge=1, le=28)]] | None = None
    meal: str | None = None


class Ban(_Model):
    """A food that must not appear on the given days (all days if None)."""

    food: str
    days: list[Annotated[int, Field(ge=1, le=28)]] | None = None
    meal: str | None = None


class PlanRequest(_Model):
    """Everything the planner needs: who, what they eat, and how to plan.

    Give ``person`` (targets come from the DRIs) or ``targets`` (used as is).
    """

    schema_version: Literal["1"] = SCHEMA_VERSION
    person: Person | None = None
    targets: NutrientTargets | None = None
    diet: Diet = Diet.OMNIVORE
    allergies: list[Allergen] = Field(default_factory=list)
    exclude: list[str] = Field(
        default_factory=list,
        description="Food ids, words of food names, or food groups/categories to leave out.",
    )
    include: list[str] = Field(
        default_factory=list, description="Food ids that must appear (every day)."
    )
    free_from: list[FreeFrom] = Field(
        default_factory=list,
        description="Dietary needs beyond the allergens: 'gluten' (wheat, barley, "
        "rye, oats and their products) or 'lactose' (dairy except aged hard cheeses).",
    )
    allow_fortified: bool = True
    kcal_min: Annotated[float | None, Field(gt=0, le=10000)] = None
    kcal_max: Annotated[float | None, Field(gt=0, le=10000)] = None
    budget_per_day: Annotated[float | None, Field(gt=0)] = None
    max_foods: Annotated[int | None, Field(ge=1, le=100)] = 12
    objective: Objective = Objective.TYPICAL
    portion_mode: PortionMode = PortionMode.HALF
    portion_limits: bool = True
    macro_limits: bool = True
    absorbable_calcium: bool = Field(
        default=False,
        description="Report calcium as absorbed too (Weaver, Proulx & Heaney 1999 "
        "fractions; milk's 32.1 % for foods without a figure) beside the total.",
    )
    panel: PanelMode = Field(
        default=PanelMode.LIMITS,
        description="The DRI panel beyond the focus nutrients: 'limits' (default) "
        "plans every UL that applies to food and reports the other minimums, the "
        "sodium AI and a fiber ceiling; 'full' also plans those; "
        "'off' plans the focus four, potassium, fiber, protein, sodium and energy.",
    )
    margin: Annotated[float, Field(ge=1.0, le=3.0)] = 1.0
    bounds: dict[str, BoundOverride] = Field(default_factory=dict)
    allow_shortfall: bool = False
    days: Annotated[int, Field(ge=1, le=28)] = 1
    meals: list[MealSpec] | None = Field(default_factory=default_meals)
    nutrient_period: NutrientPeriod = NutrientPeriod.DAILY
    daily_floor: Annotated[float, Field(ge=0, le=1)] = 0.7
    max_days_per_food: Annotated[int | None, Field(ge=1, le=28)] = Field(
        default=None,
        description="Most days a food may appear on; None: half the days, rounded up.",
    )
    max_grams_per_week: Annotated[float | None, Field(gt=0)] = None
    pins: list[Pin] = Field(default_factory=list)
    bans: list[Ban] = Field(default_factory=list)
    solver: SolverName = SolverName.HIGHS
    time_limit: Annotated[float, Field(gt=0, le=3600)] = Field(
        default=10.0,
        description="Seconds the solver may spend; the best plan found by then is "
        "returned with its optimality gap.",
    )
    mip_gap: Annotated[float | None, Field(ge=0, le=1)] = Field(
        default=None,
        description="Relative gap at which the solver stops; None: 0.0001 for one "
        "day, 0.01 for a multi-day plan.",
    )

    @model_validator(mode="after")
    def _check(self) -> PlanRequest:
        if self.person is None and self.targets is None:
            msg = "give a person (age and sex) or explicit targets"
            raise ValueError(msg)
        if (
            self.kcal_min is not None
            and self.kcal_max is not None
            and self.kcal_min > self.kcal_max
        ):
            msg = (
                f"kcal_min {self.kcal_min} is above kcal_max {self.kcal_max}; swap them"
            )
            raise ValueError(msg)
        if self.meals is not None:
            names = [m.name for m in self.meals]
            if len(set(names)) != len(names):
                msg = f"meal names must be unique (got {names})"
                raise ValueError(msg)
            if not self.meals:
                msg = "meals must list at least one meal, or be null for no meal split"
                raise ValueError(msg)
        entries: list[Pin | Ban] = [*self.pins, *self.bans]
        for entry in entries:
            if entry.days and max(entry.days) > self.days:
                msg = (
                    f"{entry.food!r} names day {max(entry.days)} but the plan has "
                    f"{self.days} day(s)"
                )
                raise ValueError(msg)
            if entry.meal is not None and (
                self.meals is None or entry.meal not in {m.name for m in self.meals}
            ):
                msg = f"{entry.food!r} names meal {entry.meal!r}, which the plan does not have"
                raise ValueError(msg)
        return self


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

    day: int
    meal: str | None
    food_id: str
    name: str
    ndb_no: str | None
    portions: float
    portion_description: str
    grams: float
    cost: float | None
    energy_kcal: float | None


class NutrientTotal(_Model):
    """A nutrient total against its bounds."""

    nutrient: str
    unit: str
    amount: float
    minimum: float | None
    maximum: float | None
    status: NutrientStatus
    percent_of_minimum: float | None
    lower_bound: bool = Field(
        description="True when a chosen food has no data for this nutrient, so the "
        "true total may be higher."
    )
    foods_missing_data: list[str] = Field(default_factory=list)
    shortfall: float = 0.0
    excess: float = 0.0


class DayPlan(_Model):
    """One day of the plan: its items and its totals."""

    day: int
    items: list[PlanItem]
    totals: list[NutrientTotal]
    cost: float | None

    def total(self, nutrient: str) -> NutrientTotal:
        """Return the total for ``nutrient``."""
        for t in self.totals:
            if t.nutrient == nutrient:
                return t
        raise KeyError(nutrient)


class GroceryItem(_Model):
    """One food summed over the plan's days."""

    food_id: str
    name: str
    food_group: str | None
    grams: float
    portions: float
    portion_description: str
    cost: float | None


class MealPlan(_Model):
    """A plan that meets every constraint of its request (or states each shortfall)."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    request: PlanRequest
    targets: NutrientTargets
    status: PlanStatus
    gap: float | None = Field(
        description="Relative gap to the best bound the solver proved; 0 if proven "
        "optimal, null when the time limit left no bound.",
    )
    solve_seconds: float
    timings: dict[str, float] = Field(
        default_factory=dict,
        description="Seconds spent building the model, solving it and reading the result.",
    )
    objective_value: float | None = Field(
        default=None,
        description="The optimiser's objective: US$ a day for 'cost'; for 'typical', "
        "the departure from one serving per food (lower is more typical).",
    )
    days: list[DayPlan]
    average: list[NutrientTotal] = Field(
        description="Average daily totals over the plan (equal to day 1 for one day)."
    )
    cost_per_day: float | None
    unpriced_foods_left_out: int = 0
    notes: list[str] = Field(default_factory=list)
    disclaimer: str = DISCLAIMER

    @property
    def items(self) -> list[PlanItem]:
        """All items of all days, in day and meal order."""
        return [item for day in self.days for item in day.items]


class Conflict(_Model):
    """One of the request's constraints that belongs to an infeasible set."""

    constraint: str = Field(
        description="Stable name, e.g. 'min:vitamin_b12_ug' or 'diet'."
    )
    description: str
    relaxation: str = Field(description="What relaxing it would take, in words.")


class Diagnosis(_Model):
    """Why no plan exists: a smallest set of the request's constraints in conflict."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    message: str
    conflicts: list[Conflict]
    minimal: bool = Field(
        description="True when removing any one conflict was checked to make the "
        "request feasible."
    )
