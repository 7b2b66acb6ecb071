"""Solve a :class:`~mealplan._problem.Problem`: the strategy layer.

:func:`solve` formulates the problem as arrays (:mod:`mealplan._formulation`),
hands them to a backend (highspy by default, any PuLP solver by name) and
returns a :class:`Solution` of plain Python values. Every solve of a request
shares one :class:`~mealplan._deadline.Deadline`.

The guided start (HiGHS, integer portions, no start given), after
PERFORMANCE.md:

1. the LP relaxation, presolve off; if it is infeasible the MILP is too, and
   that is the verdict at once (a proof that does not depend on time);
2. the MILP restricted to the foods the relaxation uses (presolve off): when
   its plan is within the gap of the relaxation's bound it is the answer;
3. otherwise the same with the 25 foods of lowest reduced cost added (30
   under the meal structure, 60 when solved without the cutoff; under a
   budget, also the foods of the cheapest relaxation);
4. only then the full MILP, started from the best restricted plan.

Without a budget, the restricted MILPs of steps 2-3 carry a cutoff at the gap
test (a plan above it cannot be the answer), and when neither passes, the
widened restriction is solved once more without it, to start step 4.

Status: ``OPTIMAL`` only when the relative gap between the plan and the best
proven bound is within the requested ``mip_gap``; a plan stopped by the
0.02-serving absolute tolerance is ``FEASIBLE`` with ``within_abs_gap`` set
and its real relative ``gap``.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from mealplan._aggregate import merged_meals
from mealplan._arrays import GoalKind
from mealplan._backend import BackendResult, BackendStatus, SolveOptions
from mealplan._cover import shortfalls
from mealplan._cpu_box import CpuBox
from mealplan._deadline import Deadline, OutOfTime
from mealplan._errors import SolverError
from mealplan._formulation import Goal, Model, formulate
from mealplan._models import Objective, SolverName
from mealplan._polish import polish, polish_result
from mealplan._stops import cpu_until, either, stall_once_planned, stall_stop
from mealplan._structure_blocks import SEED_WEIGHT

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from mealplan._backend import Backend
    from mealplan._problem import Problem

__all__ = [
    "DISH_BOX_SECONDS",
    "ONE_DAY_BOX_CPU_SECONDS",
    "Solution",
    "SolveStatus",
    "make_backend",
    "solve",
    "write_mps",
]

Key = tuple[int, int, int]

# The default objective is near zero at the optimum (a day that matches the
# food pattern), where a relative gap means little; a solve may stop within
# 0.02 of a serving of the best bound, but the plan then says so instead of
# claiming optimality (see the module docstring).
_ABS_GAP = 0.02
# solve()'s default relative gap; a caller asking for less wants the search.
_DEFAULT_MIP_GAP = 1e-4
# Foods of lowest reduced cost added to the LP support when the restricted
# plan fails the gap test (PERFORMANCE.md: 25 held the optimum on all SR28).
_WIDEN = 25
# Under the meal structure the LP spreads each meal's parts over fractions of
# many foods, so its support plus 25 often holds no integer plan (a vegan
# toddler: both restricted MILPs infeasible, 6.5 s; with 60, 3.2 s).
_WIDEN_STRUCTURED = 60
# Under the meal structure the gap test (the cutoff) is tried on the support
# plus this many foods; when that fails, the support plus _WIDEN_STRUCTURED is
# solved without the cutoff (the full MILP's start). Of benchmarks/load.py's 48
# days, 13 need a widened restriction: 10 pass the test with 30 more foods
# (0.5-1.8 s CPU at its node limit), 8 with 60 (1.1-7.3 s), and none passed
# with 60 that failed with 30; two days that failed with 60 (and then ran to
# the time limit) passed with 30.
_WIDEN_STRUCTURED_FIRST = 30
# Before that, the support plus this many foods per meal (of lowest reduced
# cost among that meal's columns). The global 30 can all serve one meal: the
# default pregnant day's support held a butter and a mayonnaise but, under
# the fat-pairing rule, no plan within the gap test, and its 30 most
# attractive foods none either (4.4 s CPU at the root to say so); its best
# 5 per meal held one at once (0.7 s CPU in all, 14 s before). On run.py's
# profiles and load.py's 48 days at a 60 s limit (load 6-9, CPU s): median
# 0.28 either way, p95 9.0 -> 5.6, total 102 -> 98; three days whose meals'
# 5 held nothing pay 1.3-3.3 s for asking first.
_WIDEN_PER_MEAL = 5
# The widened restrictions under the cutoff run without HiGHS's RINS and RENS
# sub-MIPs (the LP support's keeps them: most days pass the test there, with
# a plan those heuristics find at the root). A failing widened restriction
# spent 1-4 s of CPU at its root, most of it in them. On run.py's profiles
# and load.py's 48 days at a 60 s limit (load 4-8, CPU): median 0.286 ->
# 0.292 s, p95 5.4 -> 3.4 s, total 112 -> 93 s (a vegetarian man of 40:
# 12.0 -> 2.0 s and a better plan); one day's plan changed, within the
# tolerance. All of them off on every restriction: median 0.29 -> 0.35 s.
_SUB_MIPS_ON_WIDENINGS = False
# The LP support's restriction under the cutoff keeps no pool of cutting
# planes (HiGHS ``mip_pool_soft_limit`` 1). Any plan under the cutoff passes
# the gap test, and the abs gap (the test's own tolerance) ends the solve at
# HiGHS's first plan, which its heuristics find only after the root's cut
# rounds: on an 86-column restriction those made 1,665 cuts in 0.2 s CPU
# (the README's vegetarian woman). On the 53 support restrictions of
# run.py's profiles and load.py's 48 days (bare highspy, interleaved):
# median CPU 0.145 -> 0.082 s, the same 38 pass the test, objectives moved
# both ways (median change 0). On the widened restrictions, 7 of 22 that
# passed failed without cuts: those keep them.
_CUTS_ON_SUPPORT = False
# Nor the feasibility-jump heuristic (``SolveOptions.feasibility_jump``):
# on the same 53 it found no plan the other heuristics missed, median CPU
# 0.082 -> 0.069 s (two interleaved runs: 0.83x and 0.85x), the same 38
# pass. On the widened restrictions it made no difference (0.98x, one pass
# lost), so they keep it.
_JUMP_ON_SUPPORT = False
# Restrictions to more foods than this are presolved (the LP support is
# 10-20 foods, the widened restriction 25 more).
_PRESOLVE_FOODS = 30
# A full MILP started from the guided plan is presolved above this many
# columns (the bundled table gives 1,100-2,300, all of SR28 17,600).
_PRESOLVE_COLS = 5000
# Branch-and-bound nodes a restricted MILP under the gap-test cutoff may
# use. Its question is whether the restriction holds a plan within the gap
# test. On benchmarks/load.py's 48 days a "yes" came within 32 nodes, while a
# "no" took up to 451 nodes to prove (2 s CPU) and, for a vegetarian man of
# 22 whose best plan lies beyond the test, never ended (29 s wall of a 60 s
# limit): past the limit the answer is "no plan found", and the next step
# runs. An effort limit, not a time limit: the same answer at any load.
_CUTOFF_NODES: int | None = 50
# Where the guided start's candidates ask for the single foods' support
# (:func:`_single_food_support`), computed only when reached.
_ASK_SINGLES: set[int] = set()
# The full MILP started from a restricted plan stops after this many seconds
# of CPU (this process's, HiGHS's threads included: the server's and the
# batch's workers are processes of their own) without a better plan, from its
# start or its last improvement (an effort limit: nearly the same answer at
# any load), unless the caller asked for a tighter gap than the default, a
# proven bound (abs_gap 0) or a node limit. On the days whose restricted
# plans all fail the gap test (the LP bound is weak there), it mostly ran to
# the request's time limit without improving its start:
# benchmarks/full_milp_tail.py; see README "Performance". None: run to the
# deadline, as before. Off: at load 6-11, 10 of 25 traced full MILPs beat
# their start, 8 of them 2.5-8.7 s of CPU after the last better plan (the
# full panel's man of 28: 1.765 -> 1.340 after 8.7 s; with 3 s the plan kept
# 1.765). HiGHS also calls the stop only between phases of its search, so
# a 3 s stall ran up to 8 s longer.
_FULL_STALL_SECONDS: float | None = None
# On a one-day plan with FNDDS dishes, the search for a better plan ends this
# many seconds (wall) after the first plan is in hand, unless the request
# ends first: the improvement phase is time-boxed, and the plan says so
# (Solution.boxed; status and gap stay honest). With 1,221 dishes the LP bound
# is weak (0.1-0.3 where the plans score 0.2-2), so a plan that fails the gap
# test is rarely proven by the search that follows: on the 4 of 62 days of
# benchmarks/dishes_cost.py that reached it, the narrower restrictions under
# the cutoff found nothing better than the plan in hand, the widest one
# without it found the best plan (1.1-1.8 s CPU), and the full MILP ran to
# the 10 s limit (3 of them at the wall at load 2-9) without improving on
# it. Only at the default gap and tolerance, without a node limit: a caller
# asking for a tighter gap gets the whole search, up to its time limit.
DISH_BOX_SECONDS: float = 2.0
# On a one-day plan at the default gap and tolerance (no node limit), the
# search for a better plan ends this many seconds of CPU after the first plan
# is in hand (mealplan._cpu_box; None: no box), and the plan says so
# (Solution.boxed, box_cpu_seconds; status and gap stay honest). CPU, not
# wall time, so the same day gets the same plan at any load. Under the RDA
# panel a toddler's day whose restrictions under the cutoff all fail (the
# LP bound is weak: plans 0.5-3 above it) got its plan from the widest
# restriction, and the full MILP then ran to the request's clock: 6 of 24
# toddler days at 10 s; at a 30 s limit 10-22 s of CPU
# (benchmarks/toddler_rda_latest.md, load 5-8). Boxed at 0.5, 1 or 2 s the
# plans were the same on 23 of 24 days at 0.5 and 1 (the full MILP's root
# alone takes about 3 s of CPU there, so it never improves within a small
# box): CPU p95 20.9 -> 5.0 s, sum 116 -> 47 s; 5 days' plans are worse
# than a 30 s search's (+0.16 to +2.0 servings, the 2-year-old pescatarian
# boy's), none better. On load.py's 48 adult days (10 s limit) 0 worse, CPU
# p95 2.2 -> 2.1 s. 1 s: 0.5 s planned one day fewer at load 7.
ONE_DAY_BOX_CPU_SECONDS: float | None = 1.0
# Under that box, the widest restriction without the cutoff stops this many
# seconds of CPU after its last better plan, so a full MILP that may still
# improve on it gets the rest of the box (half of it: at 0.25 of 0.5 and
# 0.5 of 1 the plans were the same).
_WIDE_STALL_SECONDS: float | None = 0.5
# Under that box, the gap tests (the restrictions under the cutoff) share
# this many seconds of CPU from the guided start's beginning: a test still
# running then stops as if at its node limit ("no plan found"), and the
# widest restriction follows. On the 24 toddler days under the RDAs every
# test that passed did so within 1.7 s of CPU from the start (1.2-1.6 s
# mostly); the days whose tests all failed spent up to 3.0 s on them.
_GAP_TESTS_CPU_SECONDS: float | None = 2.0


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
    start has a plan in hand (see ``DISH_BOX_SECONDS``; None: no box)."""
    boxed: bool = False
    """Whether that time box, not the request's time limit, ended the search."""
    box_cpu_seconds: float | None = None
    """The CPU box that ended the search, when ``boxed`` by it (see
    ``ONE_DAY_BOX_CPU_SECONDS``; None: the dishes' wall box, or no box)."""
    floor_box_seconds: float | None = None
    """The planner's wall box on the search after a first plan with the
    default's floors, when that box, not the request's time limit, ended it
    (``mealplan._ai_floors.DEFAULT_FLOOR_SEARCH_SECONDS``; None: not so)."""


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


def _lowest_reduced_costs(
    model: Model, lp: BackendResult, support: set[int], count: int
) -> set[int]:
    """Return ``count`` foods outside ``support`` whose columns cost least to enter."""
    if lp.col_duals is None:
        return set()
    k = len(model.keys)
    rc = lp.col_duals[:k]
    if model.maximise:
        rc = -rc
    foods = model.keys[:, 2]
    best: dict[int, float] = {}
    for f, r in zip(foods.tolist(), rc.tolist(), strict=True):
        if f not in support and r < best.get(f, np.inf):
            best[f] = r
    return set(sorted(best, key=lambda f: (best[f], f))[:count])


def _lowest_reduced_costs_per_meal(
    model: Model, lp: BackendResult, support: set[int], count: int
) -> set[int]:
    """Return, meal by meal, ``count`` foods outside ``support`` cheapest to enter.

    A food's cost in a meal is its lowest reduced cost over that meal's
    columns (all days).
    """
    if lp.col_duals is None:
        return set()
    rc = lp.col_duals[: len(model.keys)]
    if model.maximise:
        rc = -rc
    meals = model.keys[:, 1]
    foods = model.keys[:, 2]
    out: set[int] = set()
    for m in np.unique(meals).tolist():
        at = np.flatnonzero(meals == m)
        best: dict[int, float] = {}
        for f, r in zip(foods[at].tolist(), rc[at].tolist(), strict=True):
            if f not in support and r < best.get(f, np.inf):
                best[f] = r
        out |= set(sorted(best, key=lambda f: (best[f], f))[:count])
    return out


def _guided(
    problem: Problem,
    goal: Goal | None,
    deadline: Deadline,
    mip_gap: float,
    tolerance: float = _ABS_GAP,
    box_seconds: float | None = None,
    cpu_box: CpuBox | None = None,
) -> Solution | None:
    """Run steps 1-3 of the module docstring; return the answer or the best start.

    Returns a Solution with status OPTIMAL/FEASIBLE (and ``bound`` set from
    the relaxation), INFEASIBLE when the relaxation proves it, or None.
    With ``box_seconds``, the restrictions after the first plan in hand run
    within that many seconds of it, and the Solution carries that ``box``
    for the full MILP (see ``DISH_BOX_SECONDS``). With ``cpu_box``, the
    widest restriction without the cutoff stops when it runs out, or
    ``_WIDE_STALL_SECONDS`` after its last better plan (see
    ``ONE_DAY_BOX_CPU_SECONDS``).
    """
    minimise = goal is None or not goal.maximise
    backend = make_backend(SolverName.HIGHS)
    # A feasibility question (the diagnosis's checks, the advice's re-plans)
    # has no objective to pick foods by: its relaxation's support and reduced
    # costs would be arbitrary, and the full MILP left to find a plan blind
    # (the hard day of issue 15 with 5 foods: 10 s CPU). The relaxation under
    # the plan's own objective picks typical foods (0.4 s); the restricted
    # MILPs still stop at their first plan.
    feasibility = goal is not None and goal.kind is GoalKind.NONE
    # A large problem's relaxation on its meals merged, when that is one
    # (its bound, foods and reduced costs; mealplan._aggregate).
    relaxed = merged_meals(problem) or problem
    try:
        lp_model = formulate(
            relaxed, None if feasibility else goal, relax=True, deadline=deadline
        )
    except OutOfTime:
        return None
    lp, lp_result = _relaxation(relaxed, lp_model, backend, deadline)
    if lp.status is SolveStatus.INFEASIBLE:
        return lp
    if lp.status is not SolveStatus.OPTIMAL or lp.objective is None:
        return None
    bound = 0.0 if feasibility else lp.objective
    pinned = {f for f, _, _ in problem.pins}
    support = {f for (_, _, f), u in lp.units.items() if u > 1e-6} | pinned
    support |= problem.supplements
    candidates: list[set[int]] = [support]
    structured = problem.structure is not None and bool(problem.structure.parts)
    widen = _WIDEN_STRUCTURED if structured else _WIDEN
    wider = support | _lowest_reduced_costs(lp_model, lp_result, support, widen)
    best: Solution | None = None
    tried: set[frozenset[int]] = set()
    empty: set[frozenset[int]] = set()
    """Restrictions proven to hold no plan (a feasibility question's cutoff
    prunes no plan, so its restriction's infeasible verdict is final)."""
    # A restricted plan is the answer only within the gap test of the LP
    # bound; HiGHS prunes everything worse, so a restriction whose optimum
    # is far off ends (infeasible) at once instead of proving its own bad
    # optimum (seconds for some people; the tail of the server's latency).
    # Not under a budget: there the restriction's optimum sits just above the
    # cutoff, and proving that nothing is below it costs as much as solving
    # (the $4 day: 3x the CPU).
    cutoff = (
        _cutoff(bound, mip_gap, tolerance)
        if minimise and problem.budget is None
        else None
    )
    # Under the CPU box, the gap tests' own CPU budget (_GAP_TESTS_CPU_SECONDS).
    tests_until = (
        time.process_time() + _GAP_TESTS_CPU_SECONDS
        if cpu_box is not None
        and _GAP_TESTS_CPU_SECONDS is not None
        and cutoff is not None
        else None
    )
    # With FNDDS dishes, the single foods' own relaxation (see the function),
    # asked only when the support alone fails.
    singles: set[int] = set()
    if structured and cutoff is not None and problem.dishes:
        candidates.append(_ASK_SINGLES)
    if structured and cutoff is not None:
        # The gap test on the smaller widenings only: the wider restriction
        # is solved without the cutoff below when they fail.
        for widening in (
            _lowest_reduced_costs_per_meal(
                lp_model, lp_result, support, _WIDEN_PER_MEAL
            ),
            _lowest_reduced_costs(
                lp_model, lp_result, support, _WIDEN_STRUCTURED_FIRST
            ),
        ):
            if widening:
                candidates.append(support | widening)
    elif wider != support:
        candidates.append(wider)
    first_only = math.isinf(tolerance) and not feasibility
    if first_only and not problem.penalty:
        # Any plan will do (abs_gap=inf: a seed's day-plan): after the LP's
        # support, straight to the widest restriction, which finds one at its
        # root. The narrow widenings between them ran out their nodes with
        # no plan on the hard days (a vegan man of 40: 0.25 + 0.95 s of CPU
        # for nothing, a day-plan 2.5 s against 1.15 s; a vegan boy of 16:
        # 0.8 + 1.7 s), and no measured day needed them (ten default days
        # interleaved: the same plans, the same CPU otherwise). Not with
        # steep charges (the rotation's bans as charges): there the widest
        # restriction found no plan in 1.4 s where the first narrow widening
        # found one in 0.8 s (a vegan boy of 16's second day-plan), so they
        # are kept, and left at the first that runs out its nodes (below).
        candidates = candidates[:1]
    if feasibility and problem.days > 1 and len(candidates) > 1:
        # Any plan of several days: the relaxation's support alone rarely
        # holds one (the variety rule wants other foods on other days; a
        # 3-day diagnosis's checks took 0.2-0.26 s each to prove it empty),
        # so the widened restriction goes first.
        candidates = candidates[1:]
    plain = goal is None and cutoff is not None
    """A plan's own objective under the gap test (see _CUTS_ON_SUPPORT)."""
    single_plan: Callable[[], Solution | None] | None = None
    # Under a box, the dishes with the single foods' support are tried first.
    singles_due = any(c is _ASK_SINGLES for c in candidates)
    for foods in [*candidates, None]:
        if single_plan is not None:
            # The dishes with the single foods failed the gap test: a plan
            # in hand before the wider restrictions (see _single_food_start).
            first = single_plan() if not deadline.expired else None
            single_plan = None
            if first is not None:
                _add_times(first, lp)
                _judge(first, bound, mip_gap, minimise, tolerance)
                if first.status is SolveStatus.OPTIMAL or first.within_abs_gap:
                    return first
                if best is None or _better(first, best, minimise):
                    best = first
        if (
            foods is None
            or (box_seconds is not None and best is not None and not singles_due)
            or (tests_until is not None and time.process_time() > tests_until)
        ):
            # Under a time box, a plan in hand goes straight to the wide
            # restriction below: on the days with dishes that got this far,
            # the narrower ones under the cutoff never passed the gap test
            # and found only worse plans (see DISH_BOX_SECONDS).
            break
        if foods is _ASK_SINGLES:
            singles_due = False
        if foods is _ASK_SINGLES and not deadline.expired:
            singles, single_plan = _single_food_start(
                problem, goal, backend, deadline, mip_gap, tolerance
            )
            foods = support | singles
        if deadline.expired or frozenset(foods) in tried:
            continue
        tried.add(frozenset(foods))
        small = _restricted(
            problem,
            goal,
            foods,
            deadline,
            mip_gap,
            tolerance,
            Restriction(
                cutoff,
                sub_mips=_SUB_MIPS_ON_WIDENINGS
                or foods is support
                or cutoff is None
                or feasibility,
                # Both measured on plans only: the diagnosis's own goals
                # (fewest foods, cheapest, any plan) keep what they had.
                cuts=False
                if plain and foods is support and not _CUTS_ON_SUPPORT
                else None,
                feasibility_jump=_JUMP_ON_SUPPORT or not plain or foods is not support,
                until=tests_until if cutoff is not None else None,
            ),
        )
        _add_times(small, lp)
        if feasibility and small.status is SolveStatus.INFEASIBLE:
            empty.add(frozenset(foods))
        if (
            first_only
            and small.status is SolveStatus.NO_SOLUTION
            and single_plan is None
        ):
            # A narrow restriction ran out its nodes without any plan: the
            # next narrow one rarely does better; the widest goes next.
            break
        if small.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            continue
        small.status = SolveStatus.FEASIBLE  # optimal for the restriction only
        _judge(small, bound, mip_gap, minimise, tolerance)
        if best is None or _better(small, best, minimise):
            best = small
        if small.status is SolveStatus.OPTIMAL or small.within_abs_gap:
            return small
    if singles and best is None and not deadline.expired:
        # Any plan first, from the single foods' support (the plan without
        # dishes would come from it): the wider restriction below may find
        # none before its share of a loaded machine's time runs out.
        small = _restricted(problem, goal, singles, deadline, mip_gap, tolerance)
        _add_times(small, lp)
        if small.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            small.status = SolveStatus.FEASIBLE
            _judge(small, bound, mip_gap, minimise, tolerance)
            best = small
        wider = wider | singles
    boxed = box_seconds is not None and best is not None
    # The deadline of the search for a better plan: its box, once one is in hand.
    search = deadline.part(box_seconds or 0.0) if boxed else deadline
    if cpu_box is not None and best is not None:
        cpu_box.start()
    if (
        not search.expired
        and not (cpu_box is not None and cpu_box.skip())
        and frozenset(wider) not in empty
        and (cutoff is not None or (boxed and frozenset(wider) not in tried))
    ):
        # No restriction holds a plan within the gap test: the full MILP
        # decides, started from the widest restriction's own best plan.
        # Under a time box the whole box is this restriction's (the full
        # MILP, which rarely improved on it with dishes, gets what is left).
        small = _restricted(
            problem,
            goal,
            wider,
            search,
            mip_gap,
            tolerance,
            dataclasses.replace(
                Restriction(share=1.0) if boxed else _PLAIN,
                box=cpu_box,
                stall=None if cpu_box is None else _WIDE_STALL_SECONDS,
            ),
        )
        _add_times(small, lp)
        if small.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            small.status = SolveStatus.FEASIBLE
            _judge(small, bound, mip_gap, minimise, tolerance)
            if best is None or _better(small, best, minimise):
                best = small
    if best is None and problem.budget is not None and not deadline.expired:
        # A tight budget needs the cheap foods, which the typical-serving
        # relaxation rarely touches: add the cheapest relaxation's foods.
        try:
            cheapest = formulate(
                problem,
                Goal.from_pair(("min", "cost")),
                relax=True,
                deadline=deadline,
            )
        except OutOfTime:
            return None  # no plan yet (``best`` is None here)
        cheap, _ = _run(
            problem,
            cheapest,
            backend,
            deadline,
            SolveOptions(presolve=False, interruptible=False),
        )
        if cheap.status is SolveStatus.OPTIMAL:
            foods = wider | {f for (_, _, f) in cheap.units}
            small = _restricted(problem, goal, foods, deadline, mip_gap, tolerance)
            _add_times(small, lp, cheap)
            if small.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
                small.status = SolveStatus.FEASIBLE
                _judge(small, bound, mip_gap, minimise, tolerance)
                best = small
    if best is not None:
        best.bound = bound
        best.box = None if search is deadline else search
    return best


def _single_food_support(
    problem: Problem, goal: Goal | None, backend: Backend, deadline: Deadline
) -> tuple[set[int], float | None]:
    """Return the foods the relaxation without the dishes uses, and its bound.

    With the 1,221 FNDDS dishes the relaxation meets the food pattern almost
    exactly with fractions of many dishes (its bound 0.07-0.16 where the
    single foods' is 0.5-2), and its support often holds no integer plan
    within the gap test (or none at all): the restrictions then widened step
    by step to the full MILP and, on a loaded machine, some days got no plan
    in 10 s. The single foods' support is where the plan without dishes
    comes from; added to the dishes' support, the restricted MILP can mix a
    dish main with single-food sides (benchmarks/dishes_cost_latest.md).
    """
    singles, bound, _ = _single_food_relaxation(problem, goal, backend, deadline)
    return singles, bound


def _relaxation(
    problem: Problem, model: Model, backend: Backend, deadline: Deadline
) -> tuple[Solution, BackendResult]:
    """Solve an LP relaxation, without presolve and not interruptible.

    Presolve only slows these LPs, and an LP takes milliseconds.
    """
    return _run(
        problem,
        model,
        backend,
        deadline,
        SolveOptions(presolve=False, interruptible=False),
    )


def _single_food_relaxation(
    problem: Problem, goal: Goal | None, backend: Backend, deadline: Deadline
) -> tuple[set[int], float | None, set[int]]:
    """Return the single foods' support, bound, and best 5 more per meal."""
    foods = [f for f in range(len(problem.food_ids)) if f not in problem.dishes]
    try:
        model = formulate(problem, goal, foods=foods, relax=True, deadline=deadline)
    except OutOfTime:
        return set(), None, set()
    result, lp = _relaxation(problem, model, backend, deadline)
    if result.status is not SolveStatus.OPTIMAL:
        return set(), None, set()
    singles = {f for (_, _, f), u in result.units.items() if u > 1e-6}
    more = _lowest_reduced_costs_per_meal(model, lp, singles, _WIDEN_PER_MEAL)
    return singles, result.objective, more


def _single_food_start(
    problem: Problem,
    goal: Goal | None,
    backend: Backend,
    deadline: Deadline,
    mip_gap: float,
    tolerance: float,
) -> tuple[set[int], Callable[[], Solution | None]]:
    """Return the single foods' support and how to get a plan from it.

    The plan is one the table without dishes would give from its first two
    restrictions (its LP support, then with each meal's best 5 foods) under
    that relaxation's own gap test, node limited like every restriction
    under a cutoff (about 0.1-0.3 s each). It is asked only when the
    dishes' support with these foods added fails the gap test, as a plan in
    hand before the wider dish restrictions: on a loaded machine the wider
    restriction without a cutoff, given half of what is left, often found
    none, or a poor one (objective 4-9 where the plan without dishes had
    0.7-2.4). Asked first (session 8) it cost 0.1-0.3 s of CPU on most dish
    days, whose next restriction passed (benchmarks/dishes_cost_latest.md).
    """
    singles, single_bound, more = _single_food_relaxation(
        problem, goal, backend, deadline
    )

    def plan() -> Solution | None:
        if not singles or single_bound is None:
            return None
        # The first two steps of the table without dishes: its support, then
        # with each meal's best 5 single foods (sub-MIPs as there).
        for foods in (singles, singles | more):
            if deadline.expired or (foods is not singles and not more):
                break
            first = _restricted(
                problem,
                goal,
                foods,
                deadline,
                mip_gap,
                tolerance,
                Restriction(
                    _cutoff(single_bound, mip_gap, tolerance),
                    sub_mips=foods is singles,
                ),
            )
            if first.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
                first.status = SolveStatus.FEASIBLE  # optimal for the restriction
                return first
        return None

    return singles, plan


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


@dataclass(frozen=True)
class Restriction:
    """How :func:`_restricted` solves a restriction (the defaults: a plain MILP)."""

    cutoff: float | None = None
    """The gap test's cutoff (None: none; then no node limit either)."""
    cuts: bool | None = None
    """Keep a pool of cutting planes; None: only with an objective."""
    sub_mips: bool = True
    """HiGHS's RINS and RENS sub-MIP heuristics."""
    share: float = 0.5
    """Of the time left (by default half: the full MILP may still need the rest)."""
    feasibility_jump: bool = True
    """HiGHS's feasibility-jump heuristic."""
    stall: float | None = None
    """Seconds of CPU without a better plan after which the search ends, once
    it has a plan (:func:`~mealplan._stops.stall_stop`; None: it runs to its gap or its time)."""
    box: CpuBox | None = field(default=None, compare=False)
    """The request's CPU box, which ends the search when it runs out."""
    until: float | None = None
    """The :func:`time.process_time` value at which the search ends, with a
    plan or without (None: no such limit)."""


_PLAIN = Restriction()


def _restricted(
    problem: Problem,
    goal: Goal | None,
    foods: Collection[int],
    deadline: Deadline,
    mip_gap: float,
    tolerance: float = _ABS_GAP,
    how: Restriction = _PLAIN,
) -> Solution:
    """Solve ``problem`` on ``foods`` alone, as ``how`` says."""
    try:
        model = formulate(problem, goal, foods=foods, deadline=deadline)
    except OutOfTime:
        # Like a solve stopped at its limit: the callers check the deadline
        # before their next step and keep the best plan they already have.
        return _timed_out()
    part = deadline.sub(how.share)
    # Presolve pays on the widened restriction (0.4-0.7x its CPU for the
    # slow requests of benchmarks/load.py), not on the LP support alone, and
    # not under a budget (the $4 day: 4x the CPU).
    presolve = len(foods) > _PRESOLVE_FOODS and problem.budget is None
    solution, _ = _run(
        problem,
        model,
        make_backend(SolverName.HIGHS),
        part,
        SolveOptions(
            mip_gap=mip_gap,
            abs_gap=tolerance,
            presolve=presolve,
            # A restricted MILP can run for seconds on a loaded machine:
            # Ctrl-C must stop it too.
            interruptible=True,
            cutoff=how.cutoff,
            node_limit=None if how.cutoff is None else _CUTOFF_NODES,
            # A feasibility question's first plan: cuts cannot move its zero
            # objective's bound. Its restriction's infeasibility proves
            # nothing about the request (the relaxation or the full MILP
            # does), so no proof rests on them.
            cuts=goal is None or goal.kind is not GoalKind.NONE
            if how.cuts is None
            else how.cuts,
            sub_mips=how.sub_mips,
            feasibility_jump=how.feasibility_jump,
            stop=either(
                None if how.stall is None else stall_once_planned(how.stall),
                None if how.box is None else how.box.stop,
                None if how.until is None else cpu_until(how.until),
            ),
        ),
    )
    return solution


def _full_milp_stop(
    guided: Solution | None,
    mip_gap: float,
    tolerance: float,
    node_limit: int | None,
    minimise: bool,
) -> Callable[[float, float], bool] | None:
    """Return the full MILP's ``stop`` after the guided start (see _FULL_STALL_SECONDS)."""
    if (
        _FULL_STALL_SECONDS is None
        or guided is None
        or not guided.units
        or not minimise
        or mip_gap < _DEFAULT_MIP_GAP
        or tolerance <= 0.0
        or node_limit is not None
    ):
        return None
    return stall_stop(_FULL_STALL_SECONDS)


def solve(
    problem: Problem,
    *,
    solver: SolverName | str = SolverName.HIGHS,
    time_limit: float = 20.0,
    mip_gap: float = 1e-4,
    goal: Goal | tuple[str, str] | None = None,
    start: dict[Key, float] | None = None,
    relax: bool = False,
    guide: bool = True,
    deadline: Deadline | None = None,
    abs_gap: float | None = None,
    node_limit: int | None = None,
) -> Solution:
    """Solve ``problem`` and return plain values.

    Args:
        problem: The model as data.
        solver: ``highs`` (default), ``cbc`` or another PuLP solver name.
        time_limit: Seconds for this call when no ``deadline`` is given.
        mip_gap: Relative gap at which a plan counts as optimal.
        goal: Replace the objective (a :class:`Goal`, or a pair such as
            ``("max", "vitamin_b12_ug")``, ``("min", "cost")``,
            ``("min", "foods")``, ``("min", "none")``); used by the diagnosis.
        start: A feasible plan to start from, as (day, meal, food) -> units.
        relax: Solve the LP relaxation (every variable continuous).
        guide: Without a ``start``, find one first (HiGHS only; see above).
        deadline: The request's shared deadline (made from ``time_limit``
            when None).
        abs_gap: Stop within this much of the bound in objective units
            (default 0.02; 0 when a proven bound matters; ``math.inf`` takes
            the guided start's plan as it is, with its weaker bound).
        node_limit: Stop the full MILP after this many branch-and-bound nodes
            (HiGHS only): an effort limit whose answer does not depend on the
            machine's load (the diagnosis's checks use it).

    Returns:
        The solution; ``units`` is empty unless a plan was found.

    Raises:
        SolverError: The solver crashed or is not installed.

    """
    if problem.impossible:
        return Solution(SolveStatus.INFEASIBLE, solver_status="impossible")
    if short := shortfalls(problem):
        # Too few foods to reach a minimum: proven without a solver call
        # (mealplan._cover), at any load and whatever the time limit.
        return Solution(
            SolveStatus.INFEASIBLE,
            solver_status=f"too few foods for {short[0].nutrient} (no solve)",
        )
    clock = deadline if deadline is not None else Deadline(time_limit)
    if clock.expired:
        # An earlier step of the request used its time: do not even build
        # the model (a long plan's takes seconds), so the limit holds.
        clock.note_hit()
        return _timed_out()
    target = _as_goal(goal)
    minimise = target is None or not target.maximise
    highs = str(solver) == SolverName.HIGHS.value
    guided: Solution | None = None
    tolerance = abs_tolerance(problem, target) if abs_gap is None else abs_gap
    box_seconds = _box_seconds(problem, target, mip_gap, abs_gap, node_limit)
    cpu_box = (
        CpuBox(ONE_DAY_BOX_CPU_SECONDS)
        if ONE_DAY_BOX_CPU_SECONDS is not None
        and highs
        and not relax
        and _one_day_default(problem, target, mip_gap, abs_gap, node_limit)
        else None
    )
    if guide and start is None and not relax and problem.integer and highs:
        guided = _guided(
            problem, target, clock, mip_gap, tolerance, box_seconds, cpu_box
        )
        if guided is not None and (
            guided.status is SolveStatus.INFEASIBLE
            or guided.status is SolveStatus.OPTIMAL
            or _within(guided, tolerance)
        ):
            return guided
        if guided is not None:
            start = guided.units
        if clock.expired:
            # No time for the full MILP (building it alone can take seconds):
            # the guided start's plan, if any, is the answer.
            clock.note_hit()
            return _kept(guided)
        if guided is not None and guided.box is not None and guided.box.expired:
            # The search for a better plan used its time box (no full MILP).
            guided.boxed = True
            return guided
        if guided is not None and cpu_box is not None:
            cpu_box.start()
            if cpu_box.skip():
                # The search used its CPU box (no full MILP).
                guided.boxed = True
                guided.box_cpu_seconds = cpu_box.seconds
                return guided
    try:
        model = formulate(problem, target, relax=relax, deadline=clock)
    except OutOfTime:
        # The time ran out while the full model was built (all SR28 foods:
        # 0.5-2 s): the guided start's plan, if any, never a partial model's.
        return _kept(guided)
    if start and mip_gap >= 1.0 and model.is_mip:
        # (Given a start, no guided search ran.)
        kept = _start_kept(model, start, clock)
        if kept is not None:
            return kept
    options = SolveOptions(
        mip_gap=mip_gap,
        abs_gap=tolerance if highs else 0.0,
        # Started from the guided plan, the full MILP mostly has to raise its
        # bound; on the bundled table presolve then costs more than it saves
        # (0.5-0.7x CPU without), on thousands of foods it pays.
        presolve=not relax and (guided is None or model.num_cols > _PRESOLVE_COLS),
        node_limit=node_limit,
        stop=either(
            _full_milp_stop(guided, mip_gap, tolerance, node_limit, minimise),
            None if cpu_box is None else cpu_box.stop,
        ),
    )
    box = guided.box if guided is not None else None
    solution, _ = _run(
        problem,
        model,
        make_backend(solver),
        clock if box is None else box,
        options,
        start,
    )
    if guided is not None:
        # The full MILP's bound holds whichever plan is kept.
        full_bound = solution.bound
        if solution.status in (SolveStatus.NO_SOLUTION, SolveStatus.INFEASIBLE) or (
            solution.objective is not None
            and guided.objective is not None
            and _better(guided, solution, minimise)
        ):
            # The full MILP ran out of time before beating the start.
            times = solution
            solution = guided
            _add_times(solution, times)
        else:
            _add_times(solution, guided)
        bound = guided.bound
        if full_bound is not None and bound is not None:
            bound = max(bound, full_bound) if minimise else min(bound, full_bound)
        elif full_bound is not None:
            bound = full_bound
        _judge(solution, bound, mip_gap, minimise, tolerance)
    elif model.is_mip and highs:
        _judge(solution, solution.bound, mip_gap, minimise, tolerance)
    proven = solution.status is SolveStatus.OPTIMAL or solution.within_abs_gap
    solution.boxed = box is not None and box.at < box.end and box.expired and not proven
    if cpu_box is not None and cpu_box.fired and not proven and not solution.boxed:
        solution.boxed = True
        solution.box_cpu_seconds = cpu_box.seconds
    if box is not None and box.hit and box.at >= box.end:
        # The box ended with the request: its time limit stopped the search.
        clock.note_hit()
    solution.time_limited = clock.hit
    return solution


def _box_seconds(
    problem: Problem,
    goal: Goal | None,
    mip_gap: float,
    abs_gap: float | None,
    node_limit: int | None,
) -> float | None:
    """Return the time box of the search for a better plan, if it has one.

    A one-day plan on a table with dishes, at the default gap and tolerance
    and without a node limit (see ``DISH_BOX_SECONDS``).
    """
    if problem.dishes and _one_day_default(problem, goal, mip_gap, abs_gap, node_limit):
        return DISH_BOX_SECONDS
    return None


def _one_day_default(
    problem: Problem,
    goal: Goal | None,
    mip_gap: float,
    abs_gap: float | None,
    node_limit: int | None,
) -> bool:
    """Return whether a solve plans one day, at the default gap and tolerance.

    One day: a one-day plan, or one day (or one meal) of a longer plan
    re-planned with the rest kept (``regenerate``), whose request's default
    gap is the longer plan's (1 %). Such a search may be time-boxed; a caller
    asking for a tighter gap than the one-day default, a proven bound or a
    node limit, a diagnosis's goal, or a plan of several free days gets the
    whole search, up to its time limit.
    """
    return (
        _free_days(problem) == 1
        and goal is None
        and (
            mip_gap == _DEFAULT_MIP_GAP
            or (problem.days > 1 and mip_gap >= _DEFAULT_MIP_GAP)
        )
        and abs_gap is None
        and node_limit is None
    )


def _free_days(problem: Problem) -> int:
    """Return how many days of ``problem`` have a meal that is not kept fixed.

    A regenerated meal of a week leaves one: its search is a day's, where the
    full MILP of the week's model ran to the time limit without beating its
    start (a woman's week with dishes: its lunch re-planned in 10 s).
    """
    if not problem.fixed_scopes:
        return problem.days
    meals = range(len(problem.meals))
    return sum(
        1
        for d in range(problem.days)
        if any((d, m) not in problem.fixed_scopes for m in meals)
    )


def _timed_out() -> Solution:
    """Return the result of a solve the deadline stopped before any plan."""
    return Solution(
        SolveStatus.NO_SOLUTION, solver_status="Time limit reached", time_limited=True
    )


def _kept(guided: Solution | None) -> Solution:
    """Return the guided start's plan (or none) as the answer, out of time."""
    if guided is None:
        return _timed_out()
    guided.time_limited = True
    return guided


def write_mps(problem: Problem, path: str | os.PathLike[str]) -> None:
    """Write the exact MILP :func:`solve` would hand the solver, as MPS.

    For benchmarks: the same model solved by bare highspy or CBC, with no
    Python model building, is the floor our end-to-end time is measured
    against. (The LP-guided start is solving strategy, not model, so the
    file holds the full model.)
    """
    from mealplan._backend_highs import HighsBackend

    backend = HighsBackend()
    backend.load(formulate(problem))
    backend.write(path)
