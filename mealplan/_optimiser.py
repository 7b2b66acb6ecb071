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

import os
from typing import TYPE_CHECKING

from mealplan._backend import SolveOptions
from mealplan._cover import shortfalls
from mealplan._cpu_box import CpuBox
from mealplan._deadline import Deadline, OutOfTime
from mealplan._formulation import Goal, formulate
from mealplan._guided_start import _guided
from mealplan._models import SolverName
from mealplan._solution import (
    _DEFAULT_MIP_GAP,
    Key,
    Solution,
    SolveStatus,
    _add_times,
    _as_goal,
    _better,
    _judge,
    _run,
    _start_kept,
    _timed_out,
    _within,
    abs_tolerance,
    make_backend,
)
from mealplan._stops import either, stall_stop

if TYPE_CHECKING:
    from collections.abc import Callable

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

# A full MILP started from the guided plan is presolved above this many
# columns (the bundled table gives 1,100-2,300, all of SR28 17,600).
_PRESOLVE_COLS = 5000
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
    seed: bool = False,
    gap_tests_cpu: float | None = None,
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
        seed: A day-plan of a longer plan's seed (with ``abs_gap`` inf): a
            toddler's asks its widest restriction for any plan first
            (``mealplan._guided_start._SEED_ANY_PLAN_FIRST``).
        gap_tests_cpu: Under the one-day CPU box, the guided start's gap
            tests' CPU budget (None: ``_guided_start._GAP_TESTS_CPU_SECONDS``;
            a checked re-plan's is ``mealplan._planner.CHECKED_GAP_TESTS_CPU_SECONDS``).

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
            problem,
            target,
            clock,
            mip_gap,
            tolerance,
            box_seconds,
            cpu_box,
            seed=seed,
            gap_tests_cpu=gap_tests_cpu,
        )
        if (answer := _guided_answer(guided, clock, cpu_box, tolerance)) is not None:
            return answer
        if guided is not None:
            start = guided.units
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
        solution = _kept_or_full(solution, guided, mip_gap, minimise, tolerance)
    elif model.is_mip and highs:
        _judge(solution, solution.bound, mip_gap, minimise, tolerance)
    _mark_boxes(solution, clock, box, cpu_box)
    return solution


def _guided_answer(
    guided: Solution | None, clock: Deadline, cpu_box: CpuBox | None, tolerance: float
) -> Solution | None:
    """Return the guided start's result when it is the answer (no full MILP), else None.

    It is: a verdict (infeasible), a plan proven within the gap or the
    tolerance, or, out of time or of its box, the plan in hand (or none).
    """
    if guided is not None and (
        guided.status is SolveStatus.INFEASIBLE
        or guided.status is SolveStatus.OPTIMAL
        or _within(guided, tolerance)
    ):
        return guided
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
    return None


def _kept_or_full(
    solution: Solution,
    guided: Solution,
    mip_gap: float,
    minimise: bool,
    tolerance: float,
) -> Solution:
    """Return the full MILP's plan, or the guided start's when it is better, judged.

    The full MILP's bound holds whichever plan is kept: the better of it and
    the relaxation's judges the plan.
    """
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
    return solution


def _mark_boxes(
    solution: Solution, clock: Deadline, box: Deadline | None, cpu_box: CpuBox | None
) -> None:
    """Say on ``solution`` which box or limit ended the search, if one did."""
    proven = solution.status is SolveStatus.OPTIMAL or solution.within_abs_gap
    solution.boxed = box is not None and box.at < box.end and box.expired and not proven
    if cpu_box is not None and cpu_box.fired and not proven and not solution.boxed:
        solution.boxed = True
        solution.box_cpu_seconds = cpu_box.seconds
    if box is not None and box.hit and box.at >= box.end:
        # The box ended with the request: its time limit stopped the search.
        clock.note_hit()
    solution.time_limited = clock.hit


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
