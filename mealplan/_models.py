"""The pydantic models that are both the Python API and the JSON contract.

A diet app sends a :class:`PlanRequest` as JSON and reads back a
:class:`MealPlan` (or, with exit status 1 / ``InfeasiblePlanError``, a
:class:`Diagnosis`). Every model is frozen and rejects unknown fields, so a
typo in a request is an error rather than a silently ignored option.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    field_validator,
    model_validator,
)
from pydantic.config import ExtraValues
from pydantic_core import PydanticCustomError, ValidationError

from mealplan._nutrients import Allergen, Diet, FreeFrom, MealSlot, Nutrient, PanelMode
from mealplan._strictjson import (
    MAX_PLAN_BYTES,
    MAX_REQUEST_BYTES,
    JSONInputError,
    find_lone_surrogate,
    load_json,
)

__all__ = [
    "SCHEMA_VERSION",
    "ActivityLevel",
    "ArticleCitation",
    "Ban",
    "Binding",
    "BoundKind",
    "BoundOverride",
    "Conflict",
    "Contribution",
    "DayPlan",
    "Diagnosis",
    "Explanation",
    "FoodExplanation",
    "GroceryItem",
    "MarginalCost",
    "MealPart",
    "MealPlan",
    "MealSpec",
    "MealStructure",
    "NutrientBound",
    "NutrientExplanation",
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
    "SafetyConflict",
    "Sex",
    "SolverName",
    "Suggestion",
    "default_meal_structure",
]

SCHEMA_VERSION: Literal["1"] = "1"
"""Version of the JSON contract; bumped on any incompatible change."""

DISCLAIMER = (
    "This plan is information, not medical advice. Muscle twitching that lasts "
    "more than two weeks, is severe, or comes with weakness, stiffness or numbness "
    "should be evaluated by a doctor."
)


# Limits of the JSON contract (documented in the README's "Limits" section):
# a request beyond them is a RequestError before anything is planned.
MAX_DAILY_AMOUNT = 1_000_000.0
"""Largest bound on a nutrient a day, in the nutrient's unit."""
MAX_BUDGET_PER_DAY = 1_000.0
"""Largest budget, US$ a day."""
MAX_GRAMS_PER_WEEK = 100_000.0
"""Largest ``max_grams_per_week`` of one food."""
MAX_MEALS = 8
"""Most meals a day."""
MAX_EXCLUDE = 200
"""Most ``exclude`` entries."""
MAX_INCLUDE = 50
"""Most ``include`` food ids."""
MAX_PINS = 100
"""Most pins (and, separately, most bans: :data:`MAX_BANS`)."""
MAX_BANS = 200
"""Most bans."""
MAX_BOUNDS = 100
"""Most nutrient bounds (overrides in a request, bounds in targets)."""
MAX_TEXT = 200
"""Longest food id, exclude word, meal or nutrient name, in characters."""
MAX_NOTE = 2_000
"""Longest free text (notes, sources, descriptions)."""
MAX_ITEMS_PER_DAY = 400
"""Most items in one day of a plan."""
MAX_NOTES = 200
"""Most notes on targets or a plan."""
MAX_LIKES = 200
"""Most ``likes`` entries (and, separately, most ``dislikes``)."""
MAX_PARTS = 20
"""Most parts of one meal structure (a meal holds at most 20 foods)."""
MAX_ROLES = 50
"""Most food roles one meal part names."""

Name = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
"""A food id, a word, a meal or nutrient name: 1-200 characters."""
Note = Annotated[str, Field(max_length=MAX_NOTE)]
"""Free text of at most 2,000 characters."""
NutrientName = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
]
"""A nutrient column name (snake_case, e.g. ``iron_mg``)."""
_MACROS = (Nutrient.PROTEIN.value, Nutrient.FAT.value, Nutrient.CARBOHYDRATE.value)


def _text_problem(value: Any) -> str | None:
    """Return the first string in ``value`` that is not valid Unicode, if any."""
    if isinstance(value, str):
        return value if find_lone_surrogate(value) else None
    if isinstance(value, list | tuple):
        for item in value:
            bad = _text_problem(item)
            if bad is not None:
                return bad
    if isinstance(value, dict):
        for key, item in value.items():
            bad = _text_problem(key)
            if bad is None:
                bad = _text_problem(item)
            if bad is not None:
                return bad
    return None


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        use_enum_values=False,
        allow_inf_nan=False,
        defer_build=True,
    )
    _max_json_bytes: ClassVar[int] = MAX_REQUEST_BYTES

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, value: Any) -> Any:
        # A lone surrogate would plan, then fail when the plan is written out.
        bad = _text_problem(value)
        if bad is not None:
            msg = (
                f"text {ascii(bad)[:40]} holds a lone surrogate, which is not valid "
                "Unicode; fix its encoding"
            )
            raise ValueError(msg)
        return value

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: ExtraValues | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """Validate JSON text, read strictly first (see :mod:`mealplan._strictjson`).

        Duplicate keys, nesting deeper than 32 levels, text over the size
        limit and lone surrogates are a ``ValidationError`` like any other
        problem; then the object is validated as :meth:`model_validate` does.
        """
        try:
            data = load_json(json_data, max_bytes=cls._max_json_bytes)
        except JSONInputError as exc:
            # "value_error": the message already quotes the offending value.
            error = PydanticCustomError("value_error", str(exc))
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    {
                        "type": error,
                        "loc": exc.loc,
                        "input": exc.loc[-1] if exc.loc else "",
                    }
                ],
            ) from None
        return cls.model_validate(
            data,
            strict=strict,
            extra=extra,
            context=context,
            by_alias=by_alias,
            by_name=by_name,
        )


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

    age: Annotated[float, Field(strict=True, ge=0, le=120, description="Age in years.")]
    sex: Sex
    pregnancy: bool = False
    trimester: Annotated[int | None, Field(strict=True, ge=1, le=3)] = None
    lactation: bool = False
    weight_kg: Annotated[float | None, Field(strict=True, gt=0, le=400)] = None
    height_cm: Annotated[float | None, Field(strict=True, gt=0, le=260)] = None
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

    nutrient: NutrientName
    unit: Annotated[str, Field(max_length=16)]
    minimum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
    maximum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
    minimum_kind: BoundKind | None = None
    maximum_kind: BoundKind | None = None
    source: Note = ""

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

    bounds: Annotated[list[NutrientBound], Field(max_length=MAX_BOUNDS)]
    macro_shares: dict[str, tuple[StrictFloat, StrictFloat]] | None = Field(
        default=None,
        description=(
            "AMDR share of energy per macronutrient column, e.g. "
            "{'protein_g': (0.10, 0.35)}; None switches the shares off."
        ),
    )
    energy_estimated: bool = False
    notes: Annotated[list[Note], Field(max_length=MAX_NOTES)] = Field(
        default_factory=list
    )

    @field_validator("macro_shares")
    @classmethod
    def _shares(
        cls, shares: dict[str, tuple[float, float]] | None
    ) -> dict[str, tuple[float, float]] | None:
        for name, (lo, hi) in (shares or {}).items():
            if name not in _MACROS:
                msg = (
                    f"macro_shares key {name[:40]!r} is not a macronutrient; use "
                    f"{', '.join(_MACROS)}"
                )
                raise ValueError(msg)
            if not 0 <= lo <= hi <= 1:
                msg = (
                    f"macro_shares[{name!r}] must be (low, high) with "
                    f"0 <= low <= high <= 1 (got ({lo}, {hi}))"
                )
                raise ValueError(msg)
        return shares

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

    minimum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
    maximum: Annotated[float | None, Field(strict=True, ge=0, le=MAX_DAILY_AMOUNT)] = (
        None
    )
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
    QUARTER = "quarter"
    """Quarter servings (countable foods in half pieces): the default at ages
    1-3, whose servings are about a quarter of an adult's (AAP)."""


PORTION_STEPS: dict[PortionMode, float] = {
    PortionMode.WHOLE: 1.0,
    PortionMode.HALF: 0.5,
    PortionMode.QUARTER: 0.25,
}
"""The portion step of each quantised mode (a food's default portion is 1)."""

TODDLER_AGES: tuple[float, float] = (1.0, 4.0)
"""Ages 1-3 (years, upper bound excluded): quarter servings by default."""


class SolverName(StrEnum):
    """Which MILP solver runs the model.

    ``highs`` (default) runs through highspy; every other name runs through
    PuLP (``cbc`` is the CBC bundled with PuLP; the others where installed).
    """

    HIGHS = "highs"
    CBC = "cbc"
    GLPK = "glpk"
    GUROBI = "gurobi"
    CPLEX = "cplex"
    SCIP = "scip"
    XPRESS = "xpress"
    MOSEK = "mosek"
    COPT = "copt"
    HIGHS_PULP = "highs_pulp"


class NutrientPeriod(StrEnum):
    """Whether focus nutrients must be met every day or as a plan average."""

    DAILY = "daily"
    AVERAGE = "average"


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


class Pin(_Model):
    """A food that must appear (on given days and/or in a given meal)."""

    food: Name
    days: Annotated[
        list[Annotated[int, Field(strict=True, ge=1, le=28)]] | None,
        Field(max_length=28),
    ] = None
    meal: Annotated[str | None, Field(max_length=40)] = None


class Ban(_Model):
    """A food that must not appear on the given days (all days if None)."""

    food: Name
    days: Annotated[
        list[Annotated[int, Field(strict=True, ge=1, le=28)]] | None,
        Field(max_length=28),
    ] = None
    meal: Annotated[str | None, Field(max_length=40)] = None


class PlanRequest(_Model):
    """Everything the planner needs: who, what they eat, and how to plan.

    Give ``person`` (targets come from the DRIs) or ``targets`` (used as is).
    """

    # The JSON Schema says so too, so no schema-valid request is rejected for
    # lacking both (``{}`` is not schema-valid). Built at import, unlike the
    # other models: FastAPI's TypeAdapter for a deferred body model builds it
    # outside FastAPI's own warning filter (UnsupportedFieldAttributeWarning).
    model_config = ConfigDict(
        defer_build=False,
        json_schema_extra={
            "anyOf": [
                {"required": ["person"], "properties": {"person": {"type": "object"}}},
                {
                    "required": ["targets"],
                    "properties": {"targets": {"type": "object"}},
                },
            ],
            # Supplements need a person (the validator's rule): supplements
            # off (false, an empty list, or absent), or a person given.
            "allOf": [
                {
                    "anyOf": [
                        {
                            "properties": {
                                "supplements": {
                                    "anyOf": [
                                        {"const": False},
                                        {"type": "array", "maxItems": 0},
                                    ]
                                }
                            }
                        },
                        {
                            "required": ["person"],
                            "properties": {"person": {"type": "object"}},
                        },
                    ]
                }
            ],
        },
    )

    schema_version: Literal["1"] = SCHEMA_VERSION
    person: Person | None = None
    targets: NutrientTargets | None = None
    diet: Diet = Diet.OMNIVORE
    allergies: Annotated[list[Allergen], Field(max_length=len(Allergen))] = Field(
        default_factory=list
    )
    exclude: Annotated[list[Name], Field(max_length=MAX_EXCLUDE)] = Field(
        default_factory=list,
        description="Food ids, words of food names, or food groups/categories to leave out.",
    )
    include: Annotated[list[Name], Field(max_length=MAX_INCLUDE)] = Field(
        default_factory=list, description="Food ids that must appear (every day)."
    )
    free_from: list[FreeFrom] = Field(
        default_factory=list,
        description="Dietary needs beyond the allergens: 'gluten' (wheat, barley, "
        "rye, oats and their products) or 'lactose' (dairy except aged hard cheeses).",
    )
    allow_fortified: bool = True
    kcal_min: Annotated[float | None, Field(strict=True, gt=0, le=10000)] = None
    kcal_max: Annotated[float | None, Field(strict=True, gt=0, le=10000)] = None
    budget_per_day: Annotated[
        float | None, Field(strict=True, gt=0, le=MAX_BUDGET_PER_DAY)
    ] = None
    max_foods: Annotated[int | None, Field(strict=True, ge=1, le=100)] = Field(
        default=12,
        description="At most this many foods a day (null: no limit). A supplement "
        "tablet is not counted, nor is a fat (oil, butter, dressing) the plan "
        "shows as the cooking fat or dressing of an item of its meal.",
    )
    objective: Objective = Objective.TYPICAL
    portion_mode: PortionMode = Field(
        default=PortionMode.HALF,
        description="How amounts are quantised: 'half' servings (the default), "
        "'whole', 'continuous', or 'quarter' (countable foods in half pieces), "
        "the default for a person aged 1-3 when the request does not set it.",
    )
    portion_limits: bool = True
    macro_limits: bool = True
    absorbable_calcium: bool = Field(
        default=False,
        description="Count calcium as absorbed (Weaver, Proulx & Heaney 1999 "
        "fractions; milk's 32.1 % for foods without a figure) in the calcium "
        "minimum: absorbed calcium >= the RDA x 32.1 % (milk's absorption); "
        "the report shows the absorbed and the total calcium.",
    )
    panel: PanelMode = Field(
        default=PanelMode.LIMITS,
        description="The DRI panel beyond the focus nutrients: 'limits' (default) "
        "plans every UL that applies to food and reports every other minimum; "
        "'rda' also plans every RDA and reports the nutrients with only an AI, "
        "the sodium AI and a fiber ceiling (slower: see the README); 'full' also "
        "plans those (slower still); 'off' plans the focus four, potassium, "
        "fiber, protein, sodium and energy.",
    )
    margin: Annotated[float, Field(strict=True, ge=1.0, le=3.0)] = 1.0
    bounds: Annotated[
        dict[NutrientName, BoundOverride], Field(max_length=MAX_BOUNDS)
    ] = Field(default_factory=dict)
    allow_shortfall: bool = False
    days: Annotated[int, Field(strict=True, ge=1, le=28)] = 1
    meals: Annotated[list[MealSpec] | None, Field(max_length=MAX_MEALS)] = Field(
        default_factory=default_meals
    )
    nutrient_period: NutrientPeriod = NutrientPeriod.DAILY
    daily_floor: Annotated[float, Field(strict=True, ge=0, le=1)] = 0.7
    max_days_per_food: Annotated[int | None, Field(strict=True, ge=1, le=28)] = Field(
        default=None,
        description="Most days a food may appear on; None: half the days, rounded up.",
    )
    max_grams_per_week: Annotated[
        float | None, Field(strict=True, gt=0, le=MAX_GRAMS_PER_WEEK)
    ] = None
    pins: Annotated[list[Pin], Field(max_length=MAX_PINS)] = Field(default_factory=list)
    bans: Annotated[list[Ban], Field(max_length=MAX_BANS)] = Field(default_factory=list)
    solver: SolverName = SolverName.HIGHS
    time_limit: Annotated[float, Field(strict=True, gt=0, le=3600)] = Field(
        default=10.0,
        description="Seconds the solver may spend; the best plan found by then is "
        "returned with its optimality gap.",
    )
    mip_gap: Annotated[float | None, Field(strict=True, ge=0, le=1)] = Field(
        default=None,
        description="Relative gap at which the solver stops; None: 0.0001 for one "
        "day, 0.01 for a multi-day plan.",
    )
    structure: bool = Field(
        default=True,
        description="Meals a person would eat: each meal made of its structure's "
        "parts, cereal with milk and spreads with bread, fat only as the cooking "
        "fat, dressing or spread of an item of its meal (one a meal, at most 1 "
        "tbsp; PlanItem.part_of), no sugar or condiment as an item, one form of a "
        "base food a day, whole units for countable foods, and the caps of "
        "foods/portion_caps.csv. False: the bare model.",
    )
    meal_structure: Annotated[
        list[MealStructure] | None, Field(max_length=len(MealSlot))
    ] = Field(
        default=None,
        description="The parts of each meal slot; None: the default structure "
        "(default_meal_structure()). A slot not listed keeps its default.",
    )
    likes: Annotated[list[Name], Field(max_length=MAX_LIKES)] = Field(
        default_factory=list,
        description="Food ids, words of food names, or categories to favour "
        "(a bonus in the objective, never a requirement).",
    )
    dislikes: Annotated[list[Name], Field(max_length=MAX_LIKES)] = Field(
        default_factory=list,
        description="Food ids, words of food names, or categories never to plan "
        "(a filter, like exclude).",
    )
    supplements: bool | Annotated[list[Name], Field(max_length=50)] = Field(
        default=False,
        description="Optional single-nutrient supplements as candidates beside "
        "food (off by default: foods only): true for every bundled one "
        "(foods/supplements.csv: vitamin D3, B12, magnesium, calcium tablets), or "
        "a list of supplement ids. Needs a person; each is offered only where its "
        "dose fits the person's life-stage ULs (magnesium from supplements at "
        "most its UL, e.g. 350 mg a day for adults). Plans list them apart from "
        "the food (PlanItem.kind 'supplement').",
    )
    variety_seed: Annotated[
        int | None, Field(strict=True, ge=-(2**63), le=2**63 - 1)
    ] = Field(
        default=None,
        description="Seed of a small deterministic preference perturbation: two "
        "people with the same needs get different, equally good plans; the same "
        "request and seed give the same plan. None: under the meal structure, a "
        "seed drawn from the person, diet and allergies (different people get "
        "different plans, the same person the same plan); without it, none.",
    )

    @model_validator(mode="before")
    @classmethod
    def _toddler_portions(cls, data: Any) -> Any:
        # Ages 1-3 eat about a quarter of an adult serving (AAP): quarter
        # servings unless the caller chose a mode. Set before validation, so
        # the request (and the plan's echo of it) says so explicitly.
        if not isinstance(data, dict) or "portion_mode" in data:
            return data
        person = data.get("person")
        age = (
            person.get("age")
            if isinstance(person, dict)
            else getattr(person, "age", None)
        )
        low, high = TODDLER_AGES
        if isinstance(age, int | float) and low <= age < high:
            return {**data, "portion_mode": PortionMode.QUARTER}
        return data

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
        slots = [s.slot.value for s in self.meal_structure or ()]
        if len(set(slots)) != len(slots):
            # The later entry would silently replace the earlier one.
            twice = sorted({s for s in slots if slots.count(s) > 1})
            msg = (
                f"meal_structure gives slot {twice[0]!r} twice; give each slot once "
                "(a slot not listed keeps its default)"
            )
            raise ValueError(msg)
        if self.supplements and self.person is None:
            msg = (
                "supplements need a person (age and sex), to check each supplement "
                "against the life-stage ULs; give a person or turn supplements off"
            )
            raise ValueError(msg)
        if self.supplements and "supplements" in {m.name for m in self.meals or []}:
            msg = (
                "a meal may not be named 'supplements' when supplements are on "
                "(they are listed under that name); rename the meal"
            )
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
    part_as: Literal["cooked with", "dressed with", "spread with", "with"] | None = (
        Field(
            default=None,
            description="How a part_of item goes with its item, as a report says "
            "it: 'cooked with 1½ tsp olive oil'.",
        )
    )
    kind: Literal["food", "supplement"] = Field(
        default="food",
        description="'supplement' for a single-nutrient supplement (a request's "
        "supplements option), listed apart from the food; its grams are a "
        "bookkeeping 1 g a unit, not its weight.",
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
    shortfall: StrictFloat = 0.0
    excess: StrictFloat = 0.0

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
    ``portions`` are then of what is bought, and ``from_foods`` names the
    plan's foods it serves.
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


class Conflict(_Model):
    """One of the request's constraints that belongs to an infeasible set."""

    constraint: str = Field(
        description="Stable name, e.g. 'min:vitamin_b12_ug' or 'diet'."
    )
    description: str
    relaxation: str = Field(description="What relaxing it would take, in words.")
    proven: bool = Field(
        default=True,
        description="True when dropping this constraint was checked to make the "
        "request feasible; false when the time limit left that unchecked, so it is "
        "only assumed to be part of the conflict.",
    )


class Suggestion(_Model):
    """One change to the request that makes the whole request plannable.

    ``patch`` is a JSON merge patch (RFC 7386) to the request JSON: merging it
    into the request applies the change, so an app can offer it as a button.
    """

    constraints: list[str] = Field(
        description="The conflict groups the change relaxes, e.g. ['budget']."
    )
    description: str = Field(description="The change, in the user's terms.")
    field: str = Field(
        description="The request field(s) it changes, e.g. 'budget_per_day' or "
        "'bounds.vitamin_b12_ug.minimum'."
    )
    flag: str = Field(
        description="The command-line flags that apply it, added to the "
        "'mealplan plan' command (a list flag such as --exclude gives the whole "
        "new list and replaces that flag's earlier values); empty when no flag can."
    )
    patch: dict[str, Any] = Field(
        description="JSON merge patch (RFC 7386) to the request that applies it."
    )
    size: float = Field(
        ge=0,
        description="How large a change it asks (relative; the advice is sorted by it).",
    )
    verified: bool = Field(
        description="True when the request with the patch applied was planned "
        "(so it is feasible); false when the time limit ran out first."
    )
    smallest: bool = Field(
        default=True,
        description="False when the time limit stopped the search for a smaller change.",
    )


class SafetyConflict(_Model):
    """A life-stage food-safety rule that takes part in a conflict.

    The rule leaves out foods that, allowed back with only the conflicting
    constraints in place, would give a plan; the rule itself is never relaxed.
    """

    rule: str = Field(description="The rule's id in foods/safety_rules.csv.")
    life_stages: list[str] = Field(
        description="The person's life stages the rule protects, e.g. ['pregnancy']."
    )
    foods: list[str] = Field(
        description="Food ids the rule leaves out that would meet the conflict."
    )
    reason: str = Field(description="Why the rule leaves them out, in words.")
    source: str = Field(description="The published guidance the rule follows.")


class Diagnosis(_Model):
    """Why no plan exists: a smallest set of the request's constraints in conflict."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    message: str
    conflicts: list[Conflict]
    minimal: bool = Field(
        description="True when removing any one conflict was checked to make the "
        "request feasible."
    )
    suggestions: list[Suggestion] = Field(
        default_factory=list,
        description="Changes to the request that give a plan, smallest first; each "
        "was re-planned on the whole request unless 'verified' is false.",
    )
    advice_notes: list[str] = Field(
        default_factory=list,
        description="Constraints the advice could not relax on their own, and why.",
    )
    safety: list[SafetyConflict] = Field(
        default_factory=list,
        description="Food-safety rules of the person's life stage that take part in "
        "the conflict: the foods they leave out would otherwise meet it.",
    )


# ------------------------------------------------------------------ explanation


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


# MealPlan names Explanation, defined after it. Every model here is built on
# first use (defer_build: building them all at import cost most of
# ``import mealplan``), when the whole module is there to resolve the name.
