"""Exceptions raised by mealplan.

Every error the library raises on purpose derives from :class:`MealPlanError`,
so a caller can catch them all with one ``except`` clause. Each also derives
from the builtin that best describes it, so code that already catches
``ValueError`` or ``RuntimeError`` keeps working::

    MealPlanError(Exception)
    ├── FoodTableError(MealPlanError, ValueError)      .path .row .column
    ├── RequestError(MealPlanError, ValueError)        .errors (field path, message)
    │   ├── LifeStageError(RequestError)               a life stage the planner refuses (infants)
    │   └── UnsafeFoodError(RequestError)              .food .rule: include/pin breaks a safety rule
    ├── TargetError(MealPlanError, ValueError)         person the DRI table does not cover
    ├── UnknownNutrientError(MealPlanError, KeyError)  .nutrient
    ├── UnknownFoodError(MealPlanError, KeyError)      .food
    ├── InfeasiblePlanError(MealPlanError)             .diagnosis
    └── SolverError(MealPlanError, RuntimeError)       .status

Messages are one sentence: what happened, the offending value, what was
expected and how to fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mealplan._diagnosis_models import Diagnosis

__all__ = [
    "FoodTableError",
    "InfeasiblePlanError",
    "LifeStageError",
    "MealPlanError",
    "RequestError",
    "SolverError",
    "TargetError",
    "UnknownFoodError",
    "UnknownNutrientError",
    "UnsafeFoodError",
]


class MealPlanError(Exception):
    """Base class of every error mealplan raises on purpose."""

    def __str__(self) -> str:
        # KeyError quotes its message; our messages are sentences, not keys.
        return str(self.args[0]) if self.args else ""


class FoodTableError(MealPlanError, ValueError):
    """A food table (CSV file or DataFrame) is malformed.

    Attributes:
        path: The file, or ``"<dataframe>"`` for an in-memory table.
        row: The 1-based data row (header excluded), or None for the whole table.
        column: The offending column, or None.

    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.row = row
        self.column = column

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only attributes would be lost by the default pickling.
        return (
            _rebuild_food_table_error,
            (self.args[0], self.path, self.row, self.column),
        )


def _rebuild_food_table_error(
    message: str, path: str | None, row: int | None, column: str | None
) -> FoodTableError:
    return FoodTableError(message, path=path, row=row, column=column)


class RequestError(MealPlanError, ValueError):
    """A plan request (or one of its parts) is invalid.

    Attributes:
        errors: Machine-readable problems, each ``{"loc": "a.b", "msg": "..."}``.

    """

    def __init__(self, message: str, errors: Sequence[dict[str, str]] = ()) -> None:
        super().__init__(message)
        self.errors: list[dict[str, str]] = list(errors)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.args[0], self.errors))


class TargetError(MealPlanError, ValueError):
    """The DRI table has no values for the person described."""


class UnknownNutrientError(MealPlanError, KeyError):
    """A nutrient name is not a column of the food table."""

    def __init__(self, message: str, nutrient: str = "") -> None:
        super().__init__(message)
        self.nutrient = nutrient

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.args[0], self.nutrient))


class UnknownFoodError(MealPlanError, KeyError):
    """A food id is not in the food table."""

    def __init__(self, message: str, food: str = "") -> None:
        super().__init__(message)
        self.food = food

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.args[0], self.food))


class InfeasiblePlanError(MealPlanError):
    """No plan meets every constraint of the request.

    Attributes:
        diagnosis: A :class:`mealplan.Diagnosis` naming the smallest set of the
            request's constraints that cannot hold together, and how to relax
            each one. None only when the diagnosis itself could not be computed.

    """

    def __init__(self, message: str, diagnosis: Diagnosis | None = None) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.args[0], self.diagnosis))


class SolverError(MealPlanError, RuntimeError):
    """The solver failed, or hit its time limit before finding any plan.

    Attributes:
        status: The solver's own status text.

    """

    def __init__(self, message: str, status: str = "") -> None:
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.args[0], self.status))


class LifeStageError(RequestError):
    """The person's life stage is one the planner refuses to plan for.

    Infants under 12 months need breast milk or formula and a paediatrician's
    guidance, not a meal plan of table foods.
    """


class UnsafeFoodError(RequestError):
    """A food the request names (``include``, a pin) breaks a life-stage safety rule.

    Attributes:
        food: The food id.
        rule: The id of the safety rule it breaks (``foods/safety_rules.csv``).

    """

    def __init__(
        self,
        message: str,
        errors: Sequence[dict[str, str]] = (),
        *,
        food: str = "",
        rule: str = "",
    ) -> None:
        super().__init__(message, errors)
        self.food = food
        self.rule = rule

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_unsafe_food_error,
            (self.args[0], self.errors, self.food, self.rule),
        )


def _rebuild_unsafe_food_error(
    message: str, errors: Sequence[dict[str, str]], food: str, rule: str
) -> UnsafeFoodError:
    return UnsafeFoodError(message, errors, food=food, rule=rule)
