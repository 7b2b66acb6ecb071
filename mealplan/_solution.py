"""One solve's result, and the run of one model on a backend.

:class:`Solution` holds what a solve found, as plain values, and
:class:`SolveStatus` the optimiser's own status; :func:`_run` loads, solves
and extracts one model; :func:`_judge` and :func:`abs_tolerance` say how
close a plan is proven to its bound. Which models run, and in what order, is
the strategy of :mod:`mealplan._optimiser` (the full MILP) and
:mod:`mealplan._guided_start` (the LP-guided restrictions before it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from mealplan._backend import BackendResult, BackendStatus, SolveOptions
from mealplan._deadline import Deadline
from mealplan._errors import SolverError
from mealplan._formulation import Goal, Model
from mealplan._models import Objective, SolverName
from mealplan._polish import polish, polish_result
from mealplan._structure_blocks import SEED_WEIGHT

if TYPE_CHECKING:
    from mealplan._backend import Backend
    from mealplan._problem import Problem

__all__ = [
    "Key",
    "Solution",
    "SolveStatus",
    "abs_tolerance",
    "make_backend",
]

Key = tuple[int, int, int]

# The default objective is near zero at the optimum (a day that matches the
# food pattern), where a relative gap means little; a solve may stop within
# 0.02 of a serving of the best bound, but the plan then says so instead of
# claiming optimality (see the module docstring).
_ABS_GAP = 0.02
# solve()'s default relative gap; a caller asking for less wants the search.
_DEFAULT_MIP_GAP = 1e-4


class SolveStatus(Enum):
    """The optimiser's own status, independent of any solver's codes."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"


@dataclass
class Solution:
    """The result of one solve, as plain values."""

    status: SolveStatus
    units: dict[Key, float] = field(default_factory=dict)
    objective: float | None = None
    gap: float | None = None
    """The real relative gap to the best proven bound (None: no bound)."""
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    extract_seconds: float = 0.0
    slacks: dict[str, float] = field(default_factory=dict)
    solver_status: str = ""
    bound: float | None = None
    """The best proven bound on the objective."""
    time_limited: bool = False
    """Whether the deadline stopped a solve this result depends on."""
    within_abs_gap: bool = False
    """Proven within ``abs_gap`` of the bound in objective units (servings)."""
    abs_gap: float = _ABS_GAP
    """The absolute tolerance ``within_abs_gap`` was judged by (0.3 under the
    meal structure's seeded tie-break: :func:`abs_tolerance`)."""
    box: Deadline | None = field(default=None, repr=False, compare=False)
    """The time box the search for a better plan runs in, once the guided
    start has a plan in hand (see ``mealplan._optimiser.DISH_BOX_SECONDS``; None: no box)."""
    boxed: bool = False
    """Whether that time box, not the request's time limit, ended the search."""
    box_cpu_seconds: float | None = None
    """The CPU box that ended the search, when ``boxed`` by it (see
    ``mealplan._optimiser.ONE_DAY_BOX_CPU_SECONDS``; None: the dishes' wall box, or no box)."""
    floor_box_seconds: float | None = None
    """The planner's wall box on the search after a first plan with the
    default's floors, when that box, not the request's time limit, ended it
    (``mealplan._ai_floors.DEFAULT_FLOOR_SEARCH_SECONDS``; None: not so)."""
    checked_box_seconds: float | None = None
    """The planner's wall box on planning again with the checked floors the
    first plan was short of, when that box, not the request's time limit,
    ended it (``mealplan._checked_floors.CHECKED_SECONDS``; None: not so)."""


def make_backend(solver: SolverName | str) -> Backend:
    """Return a fresh backend for ``solver`` (``highs`` or a PuLP solver name)."""
    name = str(solver)
    if name == SolverName.HIGHS.value:
        from mealplan._backend_highs import HighsBackend

        return HighsBackend()
    from mealplan._backend_pulp import PulpBackend

    return PulpBackend(name)


def _as_goal(goal: Goal | tuple[str, str] | None) -> Goal | None:
    if goal is None or isinstance(goal, Goal):
        return goal
    return Goal.from_pair(goal)


def _units(model: Model, x: np.ndarray) -> dict[Key, float]:
    k = len(model.keys)
    values = np.where(model.integrality[:k], np.round(x[:k]), x[:k])
    # Only the eaten columns go through Python (a relaxation has thousands).
    eaten = np.flatnonzero(values > 1e-9)
    return {
        (d, m, f): value
        for (d, m, f), value in zip(
            model.keys[eaten].tolist(), values[eaten].tolist(), strict=True
        )
    }


def _run(
    problem: Problem,
    model: Model,
    backend: Backend,
    deadline: Deadline,
    options: SolveOptions,
    start: dict[Key, float] | None = None,
) -> tuple[Solution, BackendResult]:
    """Load, solve and extract one model."""
    t0 = time.perf_counter()
    backend.load(model)
    if start:
        backend.set_start(model.start_vector(start))
    t1 = time.perf_counter()
    if model.num_cols == 0:
        # Nothing to choose (every food filtered out): the empty plan stands
        # if it meets every row, which solvers report inconsistently.
        ok = bool(np.all(model.row_lower <= 1e-9) and np.all(model.row_upper >= -1e-9))
        result = BackendResult(
            BackendStatus.OPTIMAL if ok else BackendStatus.INFEASIBLE,
            x=np.zeros(0) if ok else None,
            objective=0.0 if ok else None,
            bound=0.0 if ok else None,
            solver_status="empty model",
        )
    else:
        result = backend.solve(deadline, options)
        # The plan's own objective (mealplan._polish).
        polish_result(model, result, deadline)
    t2 = time.perf_counter()
    solution = _solution_of(model, result)
    solution.build_seconds = model.seconds + t1 - t0
    solution.solve_seconds = t2 - t1
    solution.extract_seconds = time.perf_counter() - t2
    del problem
    return solution, result


def _solution_of(model: Model, result: BackendResult) -> Solution:
    """Return a backend's result as a :class:`Solution` of ``model``'s keys."""
    status = {
        BackendStatus.OPTIMAL: SolveStatus.OPTIMAL,
        BackendStatus.FEASIBLE: SolveStatus.FEASIBLE,
        BackendStatus.INTERRUPTED: SolveStatus.FEASIBLE,
        BackendStatus.INFEASIBLE: SolveStatus.INFEASIBLE,
        BackendStatus.NO_SOLUTION: SolveStatus.NO_SOLUTION,
    }.get(result.status)
    if status is None:
        msg = "The model is unbounded, which a meal plan cannot be; please report this request."
        raise SolverError(msg, status="unbounded")
    solution = Solution(
        status,
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        solver_status=result.solver_status,
        time_limited=result.time_limited,
    )
    if result.x is not None:
        solution.units = _units(model, result.x)
        solution.slacks = {
            f"{group.name}@{day}": float(result.x[col])
            for (group, day), col in model.slacks.items()
        }
    return solution


def _start_kept(
    model: Model, start: dict[Key, float], clock: Deadline
) -> Solution | None:
    """Return the start as the answer when any plan will do (``mip_gap`` 1).

    One LP with the start's portions fixed checks that it holds in the model
    and gives its helpers and objective (:func:`~mealplan._polish.polish`,
    milliseconds), and every integer column must come out whole. The MILP
    would stop at the start too, but HiGHS judges its gap only after
    presolve and the root node: a 3-day plan with nutrient averages spent
    3.4 s presolving and 1.3 s on its root (quiet) before it stopped at the
    plan it was given. None: the start does not hold in the model, which
    the MILP then solves.
    """
    found = polish(model, model.start_vector(start), clock)
    if found is None:
        return None
    x, objective = found
    whole = x[model.integrality]
    if not np.allclose(whole, np.round(whole), rtol=0.0, atol=1e-6):
        # An integer helper the start does not set (left NaN) came out of
        # the LP fractional: not a plan of the MILP.
        return None
    t0 = time.perf_counter()
    result = BackendResult(
        BackendStatus.FEASIBLE,
        x=x,
        objective=objective,
        solver_status="the start plan kept: any plan will do (mip_gap 1)",
    )
    solution = _solution_of(model, result)
    solution.build_seconds = model.seconds
    solution.extract_seconds = time.perf_counter() - t0
    return solution


def _judge(
    solution: Solution,
    bound: float | None,
    mip_gap: float,
    minimise: bool,
    tolerance: float = _ABS_GAP,
) -> None:
    """Set status and gap from the plan's objective and the best bound."""
    if solution.objective is None or bound is None:
        return
    if minimise:
        bound = min(bound, solution.objective)
    else:
        bound = max(bound, solution.objective)
    solution.bound = bound
    solution.abs_gap = tolerance
    diff = abs(solution.objective - bound)
    solution.gap = diff / max(abs(solution.objective), 1e-9)
    solution.within_abs_gap = diff <= tolerance + 1e-9
    if solution.gap <= mip_gap + 1e-9:
        solution.status = SolveStatus.OPTIMAL
        solution.within_abs_gap = True
    elif solution.status is SolveStatus.OPTIMAL:
        solution.status = SolveStatus.FEASIBLE


def abs_tolerance(problem: Problem, goal: Goal | None = None) -> float:
    """Return how close to the bound a plan must be proven, in objective units.

    0.02 of a serving, except under a seeded preference (the meal
    structure's default seed, or ``variety_seed``) on the default objective:
    that preference is noise of up to ``SEED_WEIGHT`` per serving chosen to
    tell equally good plans apart, so proving a plan closer than that to the
    bound only spends the time limit (structured days took 10 s with 0.02).
    """
    s = problem.structure
    if (
        goal is None
        and s is not None
        and s.jitter is not None
        and problem.objective is not Objective.COST
    ):
        return max(_ABS_GAP, SEED_WEIGHT)
    return _ABS_GAP


def _within(solution: Solution, tolerance: float) -> bool:
    """Return whether a plan is proven within ``tolerance`` of its bound."""
    if solution.objective is None or solution.bound is None:
        return False
    return abs(solution.objective - solution.bound) <= tolerance + 1e-9


def _add_times(into: Solution, *parts: Solution) -> None:
    for part in parts:
        into.build_seconds += part.build_seconds
        into.solve_seconds += part.solve_seconds
        into.extract_seconds += part.extract_seconds


def _better(a: Solution, b: Solution, minimise: bool) -> bool:
    if a.objective is None:
        return False
    if b.objective is None:
        return True
    # Strictly better beyond rounding: ties keep the full MILP's plan.
    margin = 1e-9 * (1.0 + abs(b.objective))
    if minimise:
        return a.objective < b.objective - margin
    return a.objective > b.objective + margin


def _cutoff(bound: float, mip_gap: float, tolerance: float = _ABS_GAP) -> float:
    """Return the worst objective a restricted plan may have to pass the gap test."""
    slack = max(tolerance, mip_gap * max(abs(bound), 1e-9))
    return bound + slack * (1.0 + 1e-6) + 1e-9


def _timed_out() -> Solution:
    """Return the result of a solve the deadline stopped before any plan."""
    return Solution(
        SolveStatus.NO_SOLUTION, solver_status="Time limit reached", time_limited=True
    )
