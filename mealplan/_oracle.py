"""The advice's oracle: plan() on the request with a JSON merge patch applied.

:func:`merge_patch` applies an RFC 7386 merge patch. :class:`Oracle` runs
:func:`mealplan.plan` on the request with a patch applied, against a
deadline, caching each answer; inside it (:func:`oracle_mode`) an infeasible
request skips its own diagnosis, as only feasibility matters.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from mealplan._errors import InfeasiblePlanError, MealPlanError
from mealplan._models import (
    MealPlan,
    PlanRequest,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable


__all__ = ["ORACLE", "Oracle", "merge_patch", "oracle_mode"]

ORACLE: ContextVar[bool] = ContextVar("mealplan_advice_oracle", default=False)
"""True inside an oracle solve: an infeasible request then skips its diagnosis."""

_MIN_SOLVE = 0.3
"""Seconds below which an oracle solve is not started."""


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON merge patch (RFC 7386) to ``target`` and return the result.

    Objects merge key by key, ``null`` removes a key, anything else replaces
    the value; ``target`` is not changed.
    """
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# ------------------------------------------------------------------- the oracle


@contextmanager
def oracle_mode() -> Iterator[None]:
    token = ORACLE.set(True)
    try:
        yield
    finally:
        ORACLE.reset(token)


class Oracle:
    """``plan()`` on the request with a patch applied, against a deadline."""

    def __init__(self, request: PlanRequest, table: FoodTable, deadline: float):
        self.base = request.model_dump(mode="json", exclude_unset=True)
        self.request = request
        self.table = table
        self.deadline = deadline
        self.cache: dict[str, MealPlan | bool | None] = {}
        self.timed_out = False

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def run(self, patch: Mapping[str, Any]) -> MealPlan | bool | None:
        """Return a plan, False (infeasible or not accepted) or None (out of time)."""
        from mealplan._planner import plan

        key = json.dumps(patch, sort_keys=True)
        if key in self.cache:
            return self.cache[key]
        left = self.left()
        # plan() gives each day of its day-by-day start at least half a
        # second: a multi-day solve is not started without that much left.
        if left < _MIN_SOLVE + 0.5 * (self.request.days - 1):
            self.timed_out = True
            return None
        data = merge_patch(self.base, patch)
        data["time_limit"] = round(min(self.request.time_limit, left), 3)
        data["allow_shortfall"] = False
        result: MealPlan | bool | None
        try:
            with oracle_mode():
                result = plan(data, self.table)
        except InfeasiblePlanError:
            result = False
        except MealPlanError:
            # A solver time-out (or a patch the API rejects: never verified).
            result = None
        self.cache[key] = result
        return result

    def feasible(self, patch: Mapping[str, Any]) -> bool | None:
        result = self.run(patch)
        return result if result is None or isinstance(result, bool) else True
