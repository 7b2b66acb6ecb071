"""The contract's request: :class:`PlanRequest` and its options.

What a diet app sends: who (a person or explicit targets), what they eat,
and how to plan (objective, portions, solver, days, pins and bans).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from mealplan._free_words import label_refusal
from mealplan._meal_models import MealSpec, MealStructure, default_meals
from mealplan._model_base import (
    MAX_BANS,
    MAX_BOUNDS,
    MAX_BUDGET_PER_DAY,
    MAX_EXCLUDE,
    MAX_GRAMS_PER_WEEK,
    MAX_INCLUDE,
    MAX_LIKES,
    MAX_MEALS,
    MAX_PINS,
    SCHEMA_VERSION,
    Name,
    NutrientName,
    _Model,
)
from mealplan._nutrients import Allergen, Diet, FreeFrom, MealSlot, PanelMode
from mealplan._target_models import BoundOverride, NutrientTargets, Person


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
        description="Food ids, words of food names, or food groups/categories to leave out. "
        "A need said as a label ('gluten-free', 'dairy-free', 'nut-free') is refused: "
        "it would leave out the foods so labelled; use free_from, allergies or diet.",
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
    room_for_unmeasured: bool = Field(
        default=True,
        description="Keep room under each upper limit for the foods with no "
        "USDA value for that nutrient: each counts there at a reviewed "
        "stand-in (the measured value of the closest SR28 sibling, "
        "foods/ul_standins.csv), while totals and minimums count only measured "
        "values. false: unmeasured foods count as 0 under limits too (totals "
        "still say they are lower bounds).",
    )
    added_salt: bool = Field(
        default=True,
        description="Add measured table salt (SR28 02047, in 1/8 tsp steps) "
        "where a day's foods give less sodium than its AI (NASEM 2019), never "
        "past the sodium limit, shown as what an item is seasoned with; from "
        "age 4. false: no added salt (someone told to limit salt), and the "
        "sodium AI is reported, not met.",
    )
    panel: PanelMode = Field(
        default=PanelMode.AUTO,
        description="The DRI panel beyond the focus nutrients: 'auto' (default) "
        "plans as 'rda' from age 1; from age 4 also the AIs of manganese, "
        "pantothenic acid, linoleic and alpha-linolenic acid (lifted with a "
        "note when no plan meets them), and choline's AI in pregnancy and "
        "lactation (IOM 1998); outside them, from age 4, choline's AI is aimed "
        "at, not required (each percentage point a day falls short is charged "
        "in the objective); at ages 1-3 the AIs are reported and called "
        "out as shortfalls, not planned (planning them doubled a toddler "
        "day's solve time); a day that finds "
        "no plan with the RDAs in its share of the time is planned without "
        "them, with a note naming them; with a daily "
        "budget or the cost objective the same RDAs are planned where the "
        "budget allows and lifted with a note naming them where it does not; "
        "the plan's notes name the mode "
        "planned. 'limits' plans every UL that applies to food and reports "
        "every other minimum; 'rda' also plans every RDA and reports the "
        "nutrients with only an AI and the sodium AI; 'full' also plans those, "
        "each AI floor where the allowed foods can meet it (else reported "
        "with the most they give; slower: see the README); 'off' plans the focus four, potassium, "
        "fiber, protein, sodium and energy. Every mode but 'off' plans the "
        "fiber ceiling, and every mode the caffeine limit of the life stage "
        "(400 mg a day for adults, 200 mg in pregnancy and lactation, less "
        "for children: foods/caffeine_limits.csv).",
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

    @property
    def first_plan_only(self) -> bool:
        """Whether any plan will do: ``mip_gap`` 1 asks for the first plan found."""
        return self.mip_gap is not None and self.mip_gap >= 1.0

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

    @field_validator("exclude", "dislikes")
    @classmethod
    def _no_label_needs(cls, entries: list[str]) -> list[str]:
        # "gluten-free" would leave out the foods so labelled: the opposite
        # of what it says (mealplan._free_words).
        for entry in entries:
            refusal = label_refusal(entry)
            if refusal is not None:
                raise ValueError(refusal)
        return entries

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
