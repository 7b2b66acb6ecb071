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

import typing as _typing

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

if _typing.TYPE_CHECKING:
    from mealplan._advice import merge_patch
    from mealplan._batch import BatchError, BatchResult, BatchStatus, plan_many
    from mealplan._batch_ray import ray_executor
    from mealplan._catalog import Food, FoodTable, load_foods
    from mealplan._explain import Explanation, explain
    from mealplan._html import render_html
    from mealplan._life_stage_caps import LifeStageCap, load_life_stage_caps
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
        MealTitle,
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
    from mealplan._planner import parse_request, plan
    from mealplan._regenerate import regenerate
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
    from mealplan._supplements import Supplement, load_supplements
    from mealplan._targets import estimated_energy_requirement, targets_for
    from mealplan._ul_standins import UlStandin, load_ul_standins

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
    "LifeStageCap",
    "LifeStageError",
    "MealPart",
    "MealPlan",
    "MealPlanError",
    "MealSlot",
    "MealSpec",
    "MealStructure",
    "MealTitle",
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
    "Supplement",
    "TargetError",
    "UlStandin",
    "UnknownFoodError",
    "UnknownNutrientError",
    "UnsafeFoodError",
    "default_meal_structure",
    "estimated_energy_requirement",
    "explain",
    "grocery_list",
    "load_foods",
    "load_life_stage_caps",
    "load_supplements",
    "load_ul_standins",
    "merge_patch",
    "parse_request",
    "plan",
    "plan_many",
    "ray_executor",
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

# Everything but the errors is imported on first use (PEP 562), so that
# ``import mealplan`` stays cheap: the planner, the reports and the pydantic
# models load when a program first reaches for them (issue 10, cold start).
_LAZY: dict[str, str] = {
    "ActivityLevel": "mealplan._models",
    "Allergen": "mealplan._nutrients",
    "Ban": "mealplan._models",
    "BatchError": "mealplan._batch",
    "BatchResult": "mealplan._batch",
    "BatchStatus": "mealplan._batch",
    "BoundKind": "mealplan._models",
    "BoundOverride": "mealplan._models",
    "Conflict": "mealplan._models",
    "SafetyConflict": "mealplan._models",
    "DayPlan": "mealplan._models",
    "Diagnosis": "mealplan._models",
    "Diet": "mealplan._nutrients",
    "Explanation": "mealplan._explain",
    "FOCUS_NUTRIENTS": "mealplan._nutrients",
    "Food": "mealplan._catalog",
    "FoodTable": "mealplan._catalog",
    "FreeFrom": "mealplan._nutrients",
    "GroceryItem": "mealplan._models",
    "MealPart": "mealplan._models",
    "MealPlan": "mealplan._models",
    "MealSlot": "mealplan._nutrients",
    "MealSpec": "mealplan._models",
    "MealStructure": "mealplan._models",
    "MealTitle": "mealplan._models",
    "Nutrient": "mealplan._nutrients",
    "NutrientBound": "mealplan._models",
    "NutrientPeriod": "mealplan._models",
    "NutrientStatus": "mealplan._models",
    "NutrientTargets": "mealplan._models",
    "NutrientTotal": "mealplan._models",
    "Objective": "mealplan._models",
    "PanelMode": "mealplan._nutrients",
    "Person": "mealplan._models",
    "Pin": "mealplan._models",
    "PlanItem": "mealplan._models",
    "PlanRequest": "mealplan._models",
    "PlanStatus": "mealplan._models",
    "PortionMode": "mealplan._models",
    "SCHEMA_VERSION": "mealplan._models",
    "Sex": "mealplan._models",
    "SolverName": "mealplan._models",
    "Suggestion": "mealplan._models",
    "Supplement": "mealplan._supplements",
    "LifeStageCap": "mealplan._life_stage_caps",
    "load_life_stage_caps": "mealplan._life_stage_caps",
    "UlStandin": "mealplan._ul_standins",
    "load_ul_standins": "mealplan._ul_standins",
    "default_meal_structure": "mealplan._models",
    "estimated_energy_requirement": "mealplan._targets",
    "explain": "mealplan._explain",
    "grocery_list": "mealplan._report",
    "load_foods": "mealplan._catalog",
    "load_supplements": "mealplan._supplements",
    "merge_patch": "mealplan._advice",
    "parse_request": "mealplan._planner",
    "plan": "mealplan._planner",
    "plan_many": "mealplan._batch",
    "ray_executor": "mealplan._batch_ray",
    "regenerate": "mealplan._regenerate",
    "render_diagnosis_json": "mealplan._report",
    "render_diagnosis_markdown": "mealplan._report",
    "render_diagnosis_text": "mealplan._report",
    "render_grocery_markdown": "mealplan._report",
    "render_grocery_text": "mealplan._report",
    "render_html": "mealplan._html",
    "render_json": "mealplan._report",
    "render_markdown": "mealplan._report",
    "render_text": "mealplan._report",
    "targets_for": "mealplan._targets",
}


def _public(obj: object) -> object:
    # Errors and functions report themselves as mealplan.X, not
    # mealplan._module.X (as httpx does). Pydantic models keep their module:
    # pydantic resolves their annotations through it.
    if (callable(obj) and not isinstance(obj, type)) or (
        isinstance(obj, type) and issubclass(obj, Exception)
    ):
        obj.__module__ = "mealplan"
    return obj


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'mealplan' has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib

    value = _public(getattr(importlib.import_module(module), name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


for _name in __all__:
    if _name in globals():
        _public(globals()[_name])
del _name
