"""Meal plans that meet magnesium, calcium, vitamin D and vitamin B12 needs.

This library gives information, not medical advice. Muscle twitching that
lasts more than two weeks, is severe, or comes with weakness or numbness
should be evaluated by a doctor.

Quick start::

    import mealplan

    p = mealplan.plan({"person": {"age": 35, "sex": "female"}, "diet": "vegan"})
    print(mealplan.render_text(p))
"""

from __future__ import annotations

from mealplan._advice import merge_patch
from mealplan._batch import BatchError, BatchResult, BatchStatus, plan_many
from mealplan._catalog import Food, FoodTable, load_foods
from mealplan._errors import (
    FoodTableError,
    InfeasiblePlanError,
    LifeStageError,
    MealPlanError,
    RequestError,
    SolverError,
    TargetError,
    UnknownFoodError,
    UnknownNutrientError,
    UnsafeFoodError,
)
from mealplan._explain import Explanation, explain
from mealplan._html import render_html
from mealplan._models import (
    SCHEMA_VERSION,
    ActivityLevel,
    Ban,
    BoundKind,
    BoundOverride,
    Conflict,
    DayPlan,
    Diagnosis,
    GroceryItem,
    MealPart,
    MealPlan,
    MealSpec,
    MealStructure,
    NutrientBound,
    NutrientPeriod,
    NutrientStatus,
    NutrientTargets,
    NutrientTotal,
    Objective,
    Person,
    Pin,
    PlanItem,
    PlanRequest,
    PlanStatus,
    PortionMode,
    SafetyConflict,
    Sex,
    SolverName,
    Suggestion,
    default_meal_structure,
)
from mealplan._nutrients import (
    FOCUS_NUTRIENTS,
    Allergen,
    Diet,
    FreeFrom,
    MealSlot,
    Nutrient,
    PanelMode,
)
from mealplan._planner import parse_request, plan, regenerate
from mealplan._report import (
    grocery_list,
    render_diagnosis_json,
    render_diagnosis_markdown,
    render_diagnosis_text,
    render_grocery_markdown,
    render_grocery_text,
    render_json,
    render_markdown,
    render_text,
)
from mealplan._targets import estimated_energy_requirement, targets_for

__version__ = "0.1.0"

__all__ = [
    "FOCUS_NUTRIENTS",
    "SCHEMA_VERSION",
    "ActivityLevel",
    "Allergen",
    "Ban",
    "BatchError",
    "BatchResult",
    "BatchStatus",
    "BoundKind",
    "BoundOverride",
    "Conflict",
    "DayPlan",
    "Diagnosis",
    "Diet",
    "Explanation",
    "Food",
    "FoodTable",
    "FoodTableError",
    "FreeFrom",
    "GroceryItem",
    "InfeasiblePlanError",
    "LifeStageError",
    "MealPart",
    "MealPlan",
    "MealPlanError",
    "MealSlot",
    "MealSpec",
    "MealStructure",
    "Nutrient",
    "NutrientBound",
    "NutrientPeriod",
    "NutrientStatus",
    "NutrientTargets",
    "NutrientTotal",
    "Objective",
    "PanelMode",
    "Person",
    "Pin",
    "PlanItem",
    "PlanRequest",
    "PlanStatus",
    "PortionMode",
    "RequestError",
    "SafetyConflict",
    "Sex",
    "SolverError",
    "SolverName",
    "Suggestion",
    "TargetError",
    "UnknownFoodError",
    "UnknownNutrientError",
    "UnsafeFoodError",
    "default_meal_structure",
    "estimated_energy_requirement",
    "explain",
    "grocery_list",
    "load_foods",
    "merge_patch",
    "parse_request",
    "plan",
    "plan_many",
    "regenerate",
    "render_diagnosis_json",
    "render_diagnosis_markdown",
    "render_diagnosis_text",
    "render_grocery_markdown",
    "render_grocery_text",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "targets_for",
]

# Errors and functions report themselves as mealplan.X, not mealplan._module.X
# (as httpx does). Pydantic models keep their module: pydantic resolves their
# annotations through it.
for _name in __all__:
    _obj = globals()[_name]
    if (callable(_obj) and not isinstance(_obj, type)) or (
        isinstance(_obj, type) and issubclass(_obj, Exception)
    ):
        _obj.__module__ = "mealplan"
del _name, _obj
