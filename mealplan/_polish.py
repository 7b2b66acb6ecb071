"""A plan's own objective: its helper columns at their best for its foods.

A MILP's plan fixes the integer columns (portions, "in this meal"
binaries, whole pieces); the continuous helpers beside them (the food
pattern's over/under deviations and its band, shortfall slacks, the
no-repeat rule's "shared" indicators) then have a best value, and the plan's
objective is the one at those values. A solver's incumbent need not hold
them there: HiGHS's feasibility-jump heuristic returned a restricted plan
whose pattern deviations were both one serving too high (over and under
together), an objective exactly 2.0 above the same plan's in the full
model (benchmarks/full_milp_tail_latest.md: the full MILP "improved" it at
once, with no search). The gap test then judged a plan by a number that was
not its own, and the day ran to its deadline.

:func:`polish` gives the plan that objective: one LP with the integer and
portion columns fixed (presolve removes them; milliseconds even on all of
SR28). :func:`plan_objective` scores (day, meal, food) -> units the same way
in any model, so a plan has one objective whichever restriction found it.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np

from mealplan._backend import BackendStatus, SolveOptions
from mealplan._deadline import Deadline

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._arrays import Model
    from mealplan._backend import BackendResult

__all__ = ["has_costed_helpers", "plan_objective", "polish", "polish_result"]

# The LP with every integer column fixed is a few rows per day with two or
# three free columns each: milliseconds. Within a request it takes at most
# this much of what is left of the whole request, even when the solve that
# found the plan used all of its own part (else the gap test would judge the
# unpolished objective again), never past the request's end, like every solve
# (mealplan._deadline); a request already out of time keeps HiGHS's own
# objective for the plan, which can only overstate the reported gap.
_POLISH_SECONDS = 2.0


def has_costed_helpers(model: Model) -> bool:
    """Return whether the model has continuous columns the objective charges."""
    k = len(model.keys)
    helper = ~model.integrality.copy()
    helper[:k] = False
    return bool(np.any(model.col_cost[helper] != 0.0))


def polish(
    model: Model, x: NDArray[np.float64], deadline: Deadline | None = None
) -> tuple[NDArray[np.float64], float] | None:
    """Return ``x`` with its continuous helpers at their best, and its objective.

    The portion columns (``v``) and every integer column with a finite value
    in ``x`` are fixed (integers rounded); the other columns are the LP's.
    None when that LP has no optimum (a plan that does not hold in the
    model, or no time). ``deadline``: the request's, of which the polish
    takes a small part; None for a plan evaluated outside any request.
    """
    from mealplan._backend_highs import HighsBackend

    n = model.num_cols
    k = len(model.keys)
    fix = model.integrality.copy()
    fix[:k] = True
    fix &= np.isfinite(x)
    values = np.where(model.integrality, np.round(np.nan_to_num(x)), x)
    lp = dataclasses.replace(
        model,
        col_lower=np.where(fix, values, model.col_lower),
        col_upper=np.where(fix, values, model.col_upper),
        integrality=np.zeros(n, dtype=bool),
    )
    clock = (
        Deadline(_POLISH_SECONDS)
        if deadline is None
        else deadline.to_end(_POLISH_SECONDS)
    )
    if clock.expired:
        return None
    backend = HighsBackend()
    backend.load(lp)
    result = backend.solve(clock, SolveOptions(presolve=True, interruptible=False))
    if (
        result.status is not BackendStatus.OPTIMAL
        or result.x is None
        or result.objective is None
    ):
        return None
    return result.x, result.objective


def plan_objective(
    model: Model, units: dict[tuple[int, int, int], float]
) -> float | None:
    """Return the objective of the plan ``units`` in ``model`` (None: not a plan there).

    A food the model has no column for makes it None.
    """
    present = {tuple(key) for key in model.keys.tolist()}
    if any(u > 0 and key not in present for key, u in units.items()):
        return None
    found = polish(model, model.start_vector(units))
    return None if found is None else found[1]


def polish_result(
    model: Model, result: BackendResult, deadline: Deadline | None = None
) -> None:
    """Give a MILP result's plan its own objective (in place), if that is better.

    Only a model whose objective charges continuous helper columns can need
    it; the plan (portions, binaries) stays as it is.
    """
    if (
        not model.is_mip
        or result.x is None
        or result.objective is None
        or not has_costed_helpers(model)
    ):
        return
    found = polish(model, result.x, deadline)
    if found is None:
        return
    x, objective = found
    if (objective < result.objective) != model.maximise and not math.isclose(
        objective, result.objective, rel_tol=1e-12, abs_tol=1e-12
    ):
        result.x = x
        result.objective = objective
