"""The HTTP service's own wire models (bodies that are not the library's models).

Plans, diagnoses, requests, targets and foods travel as the library's own
pydantic models; these wrap them (a plan *or* a diagnosis, told apart by
``kind``) and describe errors, jobs and health. They are part of the OpenAPI
document committed as ``mealplan/schemas/openapi.json``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from mealplan._models import Diagnosis, MealPlan, Name

__all__ = [
    "DiagnosisAnswer",
    "ErrorBody",
    "ErrorItem",
    "FoodSummary",
    "Health",
    "JobInfo",
    "JobState",
    "PlanAnswer",
    "PlanResult",
    "RegenerateRequest",
    "TimeLimitBody",
]


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ErrorItem(_Body):
    """One problem: where (a dotted field path) and what."""

    loc: str
    msg: str


class ErrorBody(_Body):
    """An error: one sentence, and the machine-readable problems (may be empty)."""

    error: str
    errors: list[ErrorItem] = Field(default_factory=list)


class TimeLimitBody(_Body):
    """No plan was found within the time limit."""

    error: str
    time_limit: float = Field(description="The solver time limit used, s.")


class PlanAnswer(_Body):
    """A plan that meets the request."""

    kind: Literal["plan"]
    plan: MealPlan


class DiagnosisAnswer(_Body):
    """Why no plan meets the request; also an answer, not an error."""

    kind: Literal["diagnosis"]
    diagnosis: Diagnosis


class PlanResult(RootModel[PlanAnswer | DiagnosisAnswer]):
    """A plan or a diagnosis, told apart by ``kind``."""

    root: Annotated[PlanAnswer | DiagnosisAnswer, Field(discriminator="kind")]


class RegenerateRequest(_Body):
    """Re-plan one day (or one meal of it) of a plan, keeping the rest."""

    plan: MealPlan
    day: Annotated[
        int, Field(strict=True, ge=1, le=28, description="The day to re-plan, from 1.")
    ]
    meal: Annotated[str | None, Field(min_length=1, max_length=40)] = Field(
        default=None, description="Re-plan only this meal of the day."
    )
    reject: list[Name] = Field(
        default_factory=list,
        max_length=100,
        description="Food ids not wanted in the re-planned part.",
    )


class JobState(StrEnum):
    """Where a job stands."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class JobInfo(_Body):
    """A job: its state, then its result (a plan or a diagnosis) or its error."""

    id: str
    state: JobState
    created: float = Field(description="Unix time the job was accepted.")
    finished: float | None = None
    result: PlanResult | None = None
    error: ErrorBody | None = None
    error_status: int | None = Field(
        default=None,
        description="The status POST /v1/plans would have answered with (422, "
        "500, 503 or 504).",
    )


class FoodSummary(_Body):
    """A search hit: the food and its focus nutrients per 100 g (null: no value)."""

    id: str
    name: str
    food_group: str | None
    magnesium_mg: float | None
    calcium_mg: float | None
    vitamin_d_ug: float | None
    vitamin_b12_ug: float | None


class Health(_Body):
    """Liveness and load."""

    status: Literal["ok", "shutting_down"]
    version: str
    workers: int
    in_flight: int
    capacity: int
