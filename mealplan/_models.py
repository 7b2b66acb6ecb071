"""The pydantic models that are both the Python API and the JSON contract.

A diet app sends a :class:`PlanRequest` as JSON and reads back a
:class:`MealPlan` (or, with exit status 1 / ``InfeasiblePlanError``, a
:class:`Diagnosis`). Every model is frozen and rejects unknown fields, so a
typo in a request is an error rather than a silently ignored option.

This module gathers them; each concern has its own module: the base model
and the contract's limits (:mod:`mealplan._model_base`), the person and
targets (:mod:`mealplan._target_models`), meals (:mod:`mealplan._meal_models`),
the request (:mod:`mealplan._request_models`), the plan
(:mod:`mealplan._plan_models`), the diagnosis
(:mod:`mealplan._diagnosis_models`) and the explanation
(:mod:`mealplan._explanation_models`).
"""

from __future__ import annotations

from mealplan._diagnosis_models import (
    Conflict as Conflict,
)
from mealplan._diagnosis_models import (
    Diagnosis as Diagnosis,
)
from mealplan._diagnosis_models import (
    SafetyConflict as SafetyConflict,
)
from mealplan._diagnosis_models import (
    Suggestion as Suggestion,
)
from mealplan._explanation_models import (
    ArticleCitation as ArticleCitation,
)
from mealplan._explanation_models import (
    Binding as Binding,
)
from mealplan._explanation_models import (
    Contribution as Contribution,
)
from mealplan._explanation_models import (
    Explanation as Explanation,
)
from mealplan._explanation_models import (
    FoodExplanation as FoodExplanation,
)
from mealplan._explanation_models import (
    MarginalCost as MarginalCost,
)
from mealplan._explanation_models import (
    NutrientExplanation as NutrientExplanation,
)
from mealplan._meal_models import (
    MealPart as MealPart,
)
from mealplan._meal_models import (
    MealSpec as MealSpec,
)
from mealplan._meal_models import (
    MealStructure as MealStructure,
)
from mealplan._meal_models import (
    default_meal_structure as default_meal_structure,
)
from mealplan._meal_models import (
    default_meals as default_meals,
)
from mealplan._model_base import (
    DISCLAIMER as DISCLAIMER,
)
from mealplan._model_base import (
    MAX_BANS as MAX_BANS,
)
from mealplan._model_base import (
    MAX_BOUNDS as MAX_BOUNDS,
)
from mealplan._model_base import (
    MAX_BUDGET_PER_DAY as MAX_BUDGET_PER_DAY,
)
from mealplan._model_base import (
    MAX_DAILY_AMOUNT as MAX_DAILY_AMOUNT,
)
from mealplan._model_base import (
    MAX_EXCLUDE as MAX_EXCLUDE,
)
from mealplan._model_base import (
    MAX_GRAMS_PER_WEEK as MAX_GRAMS_PER_WEEK,
)
from mealplan._model_base import (
    MAX_INCLUDE as MAX_INCLUDE,
)
from mealplan._model_base import (
    MAX_ITEMS_PER_DAY as MAX_ITEMS_PER_DAY,
)
from mealplan._model_base import (
    MAX_LIKES as MAX_LIKES,
)
from mealplan._model_base import (
    MAX_MEALS as MAX_MEALS,
)
from mealplan._model_base import (
    MAX_NOTE as MAX_NOTE,
)
from mealplan._model_base import (
    MAX_NOTES as MAX_NOTES,
)
from mealplan._model_base import (
    MAX_PARTS as MAX_PARTS,
)
from mealplan._model_base import (
    MAX_PINS as MAX_PINS,
)
from mealplan._model_base import (
    MAX_ROLES as MAX_ROLES,
)
from mealplan._model_base import (
    MAX_TEXT as MAX_TEXT,
)
from mealplan._model_base import (
    SCHEMA_VERSION as SCHEMA_VERSION,
)
from mealplan._model_base import (
    Name as Name,
)
from mealplan._model_base import (
    Note as Note,
)
from mealplan._model_base import (
    NutrientName as NutrientName,
)
from mealplan._model_base import (
    _Model as _Model,
)
from mealplan._plan_models import (
    DayPlan as DayPlan,
)
from mealplan._plan_models import (
    GroceryItem as GroceryItem,
)
from mealplan._plan_models import (
    MealPlan as MealPlan,
)
from mealplan._plan_models import (
    MealTitle as MealTitle,
)
from mealplan._plan_models import (
    NutrientStatus as NutrientStatus,
)
from mealplan._plan_models import (
    NutrientTotal as NutrientTotal,
)
from mealplan._plan_models import (
    PlanItem as PlanItem,
)
from mealplan._plan_models import (
    PlanStatus as PlanStatus,
)
from mealplan._request_models import (
    PORTION_STEPS as PORTION_STEPS,
)
from mealplan._request_models import (
    TODDLER_AGES as TODDLER_AGES,
)
from mealplan._request_models import (
    Ban as Ban,
)
from mealplan._request_models import (
    NutrientPeriod as NutrientPeriod,
)
from mealplan._request_models import (
    Objective as Objective,
)
from mealplan._request_models import (
    Pin as Pin,
)
from mealplan._request_models import (
    PlanRequest as PlanRequest,
)
from mealplan._request_models import (
    PortionMode as PortionMode,
)
from mealplan._request_models import (
    SolverName as SolverName,
)
from mealplan._target_models import (
    ActivityLevel as ActivityLevel,
)
from mealplan._target_models import (
    BoundKind as BoundKind,
)
from mealplan._target_models import (
    BoundOverride as BoundOverride,
)
from mealplan._target_models import (
    NutrientBound as NutrientBound,
)
from mealplan._target_models import (
    NutrientTargets as NutrientTargets,
)
from mealplan._target_models import (
    Person as Person,
)
from mealplan._target_models import (
    Sex as Sex,
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
    "MealTitle",
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
