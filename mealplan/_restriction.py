"""One restricted MILP of the guided start, and the LP relaxation it starts from.

:mod:`mealplan._guided_start` asks a MILP restricted to a few foods (the
relaxation's support, then wider) whether it holds a plan within the gap
test, and solves the widest one to start the full MILP; the oracle of the
diagnosis (:mod:`mealplan._oracle`) asks the cheapest plan on a few foods the
same way. :class:`Restriction` says how one is solved (cutoff and node limit,
cuts, heuristics, its share of the time, stops), :func:`_restricted` solves
it, and :func:`_relaxation` solves an LP relaxation. The two constants are
measured settings; each comment says what measured it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mealplan._arrays import GoalKind
from mealplan._backend import BackendResult, SolveOptions
from mealplan._cpu_box import CpuBox
from mealplan._deadline import Deadline, OutOfTime
from mealplan._formulation import Goal, Model, formulate
from mealplan._models import SolverName
from mealplan._solution import _ABS_GAP, Solution, _run, _timed_out, make_backend
from mealplan._stops import cpu_until, either, stall_once_planned

if TYPE_CHECKING:
    from collections.abc import Collection

    from mealplan._backend import Backend
    from mealplan._problem import Problem

__all__: list[str] = []

# Restrictions to more foods than this are presolved (the LP support is
# 10-20 foods, the widened restriction 25 more).
_PRESOLVE_FOODS = 30
# Branch-and-bound nodes a restricted MILP under the gap-test cutoff may
# use. Its question is whether the restriction holds a plan within the gap
# test. On benchmarks/load.py's 48 days a "yes" came within 32 nodes, while a
# "no" took up to 451 nodes to prove (2 s CPU) and, for a vegetarian man of
# 22 whose best plan lies beyond the test, never ended (29 s wall of a 60 s
# limit): past the limit the answer is "no plan found", and the next step
# runs. An effort limit, not a time limit: the same answer at any load.
_CUTOFF_NODES: int | None = 50


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
    start: dict[tuple[int, int, int], float] | None = None,
) -> Solution:
    """Solve ``problem`` on ``foods`` alone, as ``how`` says (from ``start``, if given)."""
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
        start,
    )
    return solution
