"""The results of a batch: one :class:`BatchResult` per request, as data.

Part of the JSON contract (``mealplan schema batch-result``): each output line
of ``mealplan batch`` is one :class:`BatchResult`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

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
from mealplan._models import SCHEMA_VERSION, Diagnosis, MealPlan, _Model

__all__ = ["INPUT_ERRORS", "BatchError", "BatchResult", "BatchStatus"]

INPUT_ERRORS = (
    RequestError,
    UnknownFoodError,
    UnknownNutrientError,
    TargetError,
    FoodTableError,
)

"""Errors that mean the request itself is bad (status ``invalid``)."""


class BatchStatus(StrEnum):
    """What became of one request of a batch."""

    PLANNED = "planned"
    """A plan was found (``plan`` is set)."""
    INFEASIBLE = "infeasible"
    """No plan meets the request; ``diagnosis`` says why (``error`` when the
    diagnosis itself could not be computed)."""
    INVALID = "invalid"
    """Bad input: not JSON, not a request, or a request that fails validation
    (``error`` is set)."""
    FAILED = "failed"
    """The solver failed or ran out of time, or the worker died (``error``)."""


class BatchError(_Model):
    """A typed error of one request, as data."""

    type: str = Field(
        description="The error's class, e.g. 'RequestError', 'SolverError', or "
        "'WorkerCrash' when the process planning the request died.",
    )
    message: str = Field(description="One sentence: what happened and how to fix it.")
    errors: list[dict[str, str]] = Field(
        default_factory=list,
        description="For bad input: every problem as {'loc': 'person.age', 'msg': ...}.",
    )

    def exception(self) -> MealPlanError:
        """Return the typed exception this error stands for."""
        kinds: dict[str, type[MealPlanError]] = {
            cls.__name__: cls
            for cls in (
                *INPUT_ERRORS,
                LifeStageError,
                UnsafeFoodError,
                InfeasiblePlanError,
                SolverError,
            )
        }
        cls = kinds.get(self.type, MealPlanError)
        if issubclass(cls, RequestError):
            # LifeStageError and UnsafeFoodError are RequestErrors: the same
            # (message, errors) arguments rebuild them.
            return cls(self.message, self.errors)
        return cls(self.message)


class BatchResult(_Model):
    """The outcome of one request of a batch: exactly one of plan, diagnosis, error."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    id: str = Field(
        description="The request's id: its 'id' key, or its 0-based position in "
        "the input when it has none."
    )
    index: int = Field(ge=0, description="The request's 0-based position in the input.")
    status: BatchStatus
    plan: MealPlan | None = None
    diagnosis: Diagnosis | None = None
    error: BatchError | None = None
    seconds: float | None = Field(
        default=None,
        ge=0,
        description="Wall-clock seconds the worker spent on this request "
        "(validating, planning and any diagnosis); absent when no worker "
        "finished it (bad JSON, a dead worker).",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> BatchResult:
        given = [
            name
            for name in ("plan", "diagnosis", "error")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            msg = f"a batch result carries exactly one of plan, diagnosis, error (got {given or 'none'})"
            raise ValueError(msg)
        allowed = {
            BatchStatus.PLANNED: {"plan"},
            BatchStatus.INFEASIBLE: {"diagnosis", "error"},
            BatchStatus.INVALID: {"error"},
            BatchStatus.FAILED: {"error"},
        }[self.status]
        if given[0] not in allowed:
            msg = f"status {self.status.value!r} cannot carry a {given[0]}"
            raise ValueError(msg)
        return self

    @property
    def ok(self) -> bool:
        """True when the request got an answer: a plan or a diagnosis."""
        return self.status in {BatchStatus.PLANNED, BatchStatus.INFEASIBLE}

    def unwrap(self) -> MealPlan:
        """Return the plan, or raise the typed error :func:`mealplan.plan` would have.

        Raises:
            InfeasiblePlanError: No plan exists; ``.diagnosis`` says why.
            MealPlanError: The request was invalid or failed (its subclass).

        """
        if self.plan is not None:
            return self.plan
        if self.diagnosis is not None:
            raise InfeasiblePlanError(self.diagnosis.message, self.diagnosis)
        assert self.error is not None  # guaranteed by the validator
        raise self.error.exception()

    def to_json_line(self) -> str:
        """Return the result as one line of JSON (no trailing newline), nulls left out."""
        empty = {
            k
            for k in ("plan", "diagnosis", "error", "seconds")
            if getattr(self, k) is None
        }
        return self.model_dump_json(exclude=empty)
