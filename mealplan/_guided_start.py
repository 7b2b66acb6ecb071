"""The guided start of a HiGHS solve: the LP relaxation and restricted MILPs.

Steps 1-3 of :mod:`mealplan._optimiser`'s docstring, after PERFORMANCE.md:
the LP relaxation (its infeasibility is the verdict at once), then the MILP
restricted to the foods the relaxation uses, then to those and the foods of
lowest reduced cost, each under the gap test's cutoff (without a budget),
and the widest restriction once more without it, to start the full MILP.
:func:`_guided` returns the answer when a restriction passes the gap test,
else the best restricted plan as the full MILP's start; one restriction (or
LP relaxation) is solved by :mod:`mealplan._restriction`. The constants below
are the measured settings of these steps; each comment says what measured it.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mealplan._aggregate import merged_meals
from mealplan._arrays import FEASIBILITY, GoalKind
from mealplan._backend import BackendResult, SolveOptions
from mealplan._cpu_box import CpuBox
from mealplan._deadline import Deadline, OutOfTime
from mealplan._formulation import Goal, Model, formulate
from mealplan._models import SolverName
from mealplan._reduced_costs import lowest_reduced_costs, lowest_reduced_costs_per_meal
from mealplan._restriction import _PLAIN, Restriction, _relaxation, _restricted
from mealplan._single_foods import single_food_start
from mealplan._solution import (
    _ABS_GAP,
    Solution,
    SolveStatus,
    _add_times,
    _better,
    _cutoff,
    _judge,
    _run,
    make_backend,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from mealplan._backend import Backend
    from mealplan._problem import Problem

__all__: list[str] = []

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
# Where the guided start's candidates ask for the single foods' support
# (:func:`mealplan._single_foods.single_food_support`), computed only when reached.
_ASK_SINGLES: set[int] = set()
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
# When the widest restriction found no plan in its share, ask it for any
# plan (no objective) in this share of what is left, and start the same
# restriction with its objective from that plan (_any_plan_first). On for a
# child of 1-3 (Problem.any_plan_first), off for everyone else. Interleaved
# A/B with it on for all (benchmarks/any_plan_first_ab_latest.md): the 24
# default toddler days planned 23 -> 24 and lifted their RDAs for time 3 ->
# 1 (CPU sum 99.9 -> 89.1 s; a vegetarian boy of 3's widest restriction
# finds a plan in 1.9 s without its objective, in 6.2 s with it, and the
# full MILP after it none: its root alone takes about 3 s of CPU there);
# but on the 63 default adult days 2 that planned under the RDAs lifted
# them (the vegan man of 62: 2.77 -> 5.12; the vegetarian man of 22: 1.54
# -> 4.36): there the full MILP after the widest restriction finds the plan
# from cold, and this step took its time. Asking for any plan first on every
# day whose gap tests failed gave worse plans still (session 26; a
# 1-year-old boy's 0.73 -> 2.83 when the objective's search was cut at 1.5 s
# of CPU without a plan).
_ANY_PLAN_FIRST = False
_ANY_PLAN = Restriction(share=0.7)
# A toddler's seed day-plan asks for any plan in this share of its time
# instead (_SEED_WIDE_SHARE's reason): a vegan boy of 3's 3-day plan, whose
# wider rule's day-plan found its plan at 1.9 s of a 2.66 s share on some
# runs and none on others, then had no seed and no plan in 10 s.
_SEED_ANY_PLAN = Restriction(share=0.85)
# A toddler's day-plan in a longer plan's seed (abs_gap inf: any plan of the
# widest restriction will do) asks for any plan first, not only after the
# restriction with its objective ran out: that restriction found its first
# plan of a vegan boy of 3's day in 2.5 s, and any plan came in 1.2 s (then
# 0.04 s from it with the objective); his 3-day seed's first day-plan ran
# out its 3.5 s share (session 39). Toddlers only: on adults' and older
# children's day-plans the plans found first cost much more (a vegan man of
# 40: 3.03 -> 5.84) for little time saved. Seeds only: the column
# generation's pricing wants its best column, not any.
_SEED_ANY_PLAN_FIRST = True
# A seed's day-plan (any plan will do) gives its widest restriction this
# share of its time, not half: the full MILP after it rarely finds a plan
# the restriction did not (see _any_plan_first). A vegan boy of 16's week:
# his first day-plan's widest restriction found its plan just inside half of
# its 3.5 s share on most runs, and on the others neither it nor the full
# MILP after it found one; his week then lifted five RDAs (1 in 6 runs).
_SEED_WIDE_SHARE = 0.85


@dataclass(frozen=True)
class _Gauge:
    """How the guided start judges a restricted plan: against the relaxation's bound."""

    lp: Solution
    """The relaxation, whose times every restricted plan carries too."""
    bound: float
    mip_gap: float
    minimise: bool
    tolerance: float

    def judged(self, small: Solution, *parts: Solution) -> Solution | None:
        """Return ``small`` judged as a plan (its gap test applied), or None: no plan.

        A restriction's optimum is only FEASIBLE for the whole problem, and
        OPTIMAL again when it passes the gap test of the relaxation's bound.
        """
        _add_times(small, self.lp, *parts)
        if small.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return None
        small.status = SolveStatus.FEASIBLE  # optimal for the restriction only
        _judge(small, self.bound, self.mip_gap, self.minimise, self.tolerance)
        return small

    def better(self, plan: Solution, best: Solution | None) -> Solution:
        """Return the better of ``plan`` and ``best`` (ties keep ``best``)."""
        if best is None or _better(plan, best, self.minimise):
            return plan
        return best


def _guided(
    problem: Problem,
    goal: Goal | None,
    deadline: Deadline,
    mip_gap: float,
    tolerance: float = _ABS_GAP,
    box_seconds: float | None = None,
    cpu_box: CpuBox | None = None,
    *,
    seed: bool = False,
    gap_tests_cpu: float | None = None,
) -> Solution | None:
    """Run steps 1-3 of the module docstring; return the answer or the best start.

    Returns a Solution with status OPTIMAL/FEASIBLE (and ``bound`` set from
    the relaxation), INFEASIBLE when the relaxation proves it, or None.
    With ``box_seconds``, the restrictions after the first plan in hand run
    within that many seconds of it, and the Solution carries that ``box``
    for the full MILP (see ``mealplan._optimiser.DISH_BOX_SECONDS``). With
    ``cpu_box``, the widest restriction without the cutoff stops when it
    runs out, or ``_WIDE_STALL_SECONDS`` after its last better plan (see
    ``mealplan._optimiser.ONE_DAY_BOX_CPU_SECONDS``). ``seed``: a day-plan
    of a longer plan's seed (see ``_SEED_ANY_PLAN_FIRST``). ``gap_tests_cpu``:
    under ``cpu_box``, the gap tests' CPU budget in place of
    ``_GAP_TESTS_CPU_SECONDS`` (a checked re-plan's:
    ``mealplan._planner.CHECKED_GAP_TESTS_CPU_SECONDS``); None: that one.
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
    gauge = _Gauge(lp, bound, mip_gap, minimise, tolerance)
    pinned = {f for f, _, _ in problem.pins}
    support = {f for (_, _, f), u in lp.units.items() if u > 1e-6} | pinned
    support |= problem.supplements
    structured = problem.structure is not None and bool(problem.structure.parts)
    widen = _WIDEN_STRUCTURED if structured else _WIDEN
    wider = support | lowest_reduced_costs(lp_model, lp_result, support, widen)
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
    budget = _GAP_TESTS_CPU_SECONDS if gap_tests_cpu is None else gap_tests_cpu
    tests_until = (
        time.process_time() + budget
        if cpu_box is not None and budget is not None and cutoff is not None
        else None
    )
    first_only = math.isinf(tolerance) and not feasibility
    # When the widest restriction has no plan (a child of 1-3 by default).
    any_plan_first = _ANY_PLAN_FIRST or problem.any_plan_first
    candidates = _start_candidates(
        problem,
        lp_model,
        lp_result,
        support,
        wider,
        structured=structured,
        gap_test=cutoff is not None,
        feasibility=feasibility,
        first_only=first_only,
    )
    tried = _Tried()
    found = _gap_tests(
        problem,
        goal,
        deadline,
        gauge,
        candidates,
        support,
        tried,
        backend=backend,
        cutoff=cutoff,
        feasibility=feasibility,
        first_only=first_only,
        box_seconds=box_seconds,
        tests_until=tests_until,
    )
    if found.answer is not None:
        return found.answer
    best = found.best
    if found.singles and best is None and not deadline.expired:
        # Any plan first, from the single foods' support (the plan without
        # dishes would come from it): the wider restriction below may find
        # none before its share of a loaded machine's time runs out.
        best = gauge.judged(
            _restricted(problem, goal, found.singles, deadline, mip_gap, tolerance)
        )
        wider = wider | found.singles
    boxed = box_seconds is not None and best is not None
    # The deadline of the search for a better plan: its box, once one is in hand.
    search = deadline.part(box_seconds or 0.0) if boxed else deadline
    if cpu_box is not None and best is not None:
        cpu_box.start()
    if (
        not search.expired
        and not (cpu_box is not None and cpu_box.skip())
        and frozenset(wider) not in tried.empty
        and (cutoff is not None or (boxed and frozenset(wider) not in tried.foods))
    ):
        # No restriction holds a plan within the gap test: the full MILP
        # decides, started from the widest restriction's own best plan.
        # Under a time box the whole box is this restriction's (the full
        # MILP, which rarely improved on it with dishes, gets what is left).
        # A seed's day-plan gives it more than half: see _SEED_WIDE_SHARE.
        share = 1.0 if boxed else _SEED_WIDE_SHARE if seed and first_only else None
        how = dataclasses.replace(
            _PLAIN if share is None else Restriction(share=share),
            box=cpu_box,
            stall=None if cpu_box is None else _WIDE_STALL_SECONDS,
        )
        # A toddler's day-plan for a longer plan's seed (any plan will do)
        # asks for any plan first: see _SEED_ANY_PLAN_FIRST.
        seed_first = (
            _SEED_ANY_PLAN_FIRST
            and seed
            and first_only
            and any_plan_first
            and not feasibility
        )
        small = (
            _any_plan_first(
                problem, goal, wider, search, gauge, how, first=_SEED_ANY_PLAN
            )
            if seed_first
            else gauge.judged(
                _restricted(problem, goal, wider, search, mip_gap, tolerance, how)
            )
        )
        if small is not None:
            best = gauge.better(small, best)
        elif best is None and not feasibility and any_plan_first and not seed_first:
            best = _any_plan_first(problem, goal, wider, search, gauge, how)
    if best is None and problem.budget is not None and not deadline.expired:
        best = _cheapest_restriction(problem, goal, wider, deadline, gauge, backend)
    if best is not None:
        best.bound = bound
        best.box = None if search is deadline else search
    return best


def _any_plan_first(
    problem: Problem,
    goal: Goal | None,
    wider: set[int],
    search: Deadline,
    gauge: _Gauge,
    how: Restriction,
    *,
    first: Restriction = _ANY_PLAN,
) -> Solution | None:
    """Return a plan of the widest restriction found without its objective first.

    ``first``: how the search without the objective runs (a seed's gets more
    of the time: ``_SEED_ANY_PLAN``).

    Asked only when that restriction used its share of the time without
    finding any plan: the full MILP that follows rarely finds one either
    (its root alone takes seconds there). HiGHS finds any plan of a
    toddler's day under the RDAs and the children's caps much sooner
    without the objective: a vegetarian boy of 3's widest restriction (77
    foods) found its first plan after 6.2 s with its objective and after
    1.9 s without. The restriction with its objective then starts from that
    plan and improves on it until it stalls. None: still no plan.
    """
    if search.expired:
        return None
    found_any = _restricted(problem, FEASIBILITY, wider, search, 1.0, math.inf, first)
    if not found_any.units or search.expired:
        return None
    found = _restricted(
        problem,
        goal,
        wider,
        search,
        gauge.mip_gap,
        gauge.tolerance,
        dataclasses.replace(how, share=1.0, stall=_WIDE_STALL_SECONDS or 0.5),
        start=found_any.units,
    )
    return gauge.judged(found)


def _start_candidates(
    problem: Problem,
    lp_model: Model,
    lp_result: BackendResult,
    support: set[int],
    wider: set[int],
    *,
    structured: bool,
    gap_test: bool,
    feasibility: bool,
    first_only: bool,
) -> list[set[int]]:
    """Return the restrictions the gap tests try, in order (``_ASK_SINGLES``: ask).

    ``gap_test``: the restrictions carry the gap test's cutoff.
    """
    candidates: list[set[int]] = [support]
    # With FNDDS dishes, the single foods' own relaxation (see
    # mealplan._single_foods), asked only when the support alone fails.
    if structured and gap_test and problem.dishes:
        candidates.append(_ASK_SINGLES)
    if structured and gap_test:
        # The gap test on the smaller widenings only: the wider restriction
        # is solved without the cutoff when they fail.
        for widening in (
            lowest_reduced_costs_per_meal(
                lp_model, lp_result, support, _WIDEN_PER_MEAL
            ),
            lowest_reduced_costs(lp_model, lp_result, support, _WIDEN_STRUCTURED_FIRST),
        ):
            if widening:
                candidates.append(support | widening)
    elif wider != support:
        candidates.append(wider)
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
    return candidates


@dataclass
class _Tried:
    """The restrictions the gap tests solved, and those proven to hold no plan."""

    foods: set[frozenset[int]] = field(default_factory=set)
    empty: set[frozenset[int]] = field(default_factory=set)
    """Restrictions proven to hold no plan (a feasibility question's cutoff
    prunes no plan, so its restriction's infeasible verdict is final)."""


@dataclass
class _GapTests:
    """What the gap tests found: the answer, or the best plan and the single foods."""

    answer: Solution | None = None
    """A plan that passed the gap test: the guided start's answer."""
    best: Solution | None = None
    singles: set[int] = field(default_factory=set)
    """The single foods' support, when the dishes' restriction asked for it."""


def _gap_tests(
    problem: Problem,
    goal: Goal | None,
    deadline: Deadline,
    gauge: _Gauge,
    candidates: list[set[int]],
    support: set[int],
    tried: _Tried,
    *,
    backend: Backend,
    cutoff: float | None,
    feasibility: bool,
    first_only: bool,
    box_seconds: float | None,
    tests_until: float | None,
) -> _GapTests:
    """Solve the candidate restrictions under the gap test, in order (steps 2-3).

    ``tests_until``: the :func:`time.process_time` at which they stop (the
    CPU box's budget for them, ``_GAP_TESTS_CPU_SECONDS``; None: no budget).
    """
    mip_gap, tolerance = gauge.mip_gap, gauge.tolerance
    out = _GapTests()
    plain = goal is None and cutoff is not None
    """A plan's own objective under the gap test (see _CUTS_ON_SUPPORT)."""
    single_plan: Callable[[], Solution | None] | None = None
    # Under a box, the dishes with the single foods' support are tried first.
    singles_due = any(c is _ASK_SINGLES for c in candidates)
    for foods in [*candidates, None]:
        if single_plan is not None:
            # The dishes with the single foods failed the gap test: a plan
            # in hand before the wider restrictions (see single_food_start).
            first = single_plan() if not deadline.expired else None
            single_plan = None
            if first is not None:
                _add_times(first, gauge.lp)
                _judge(first, gauge.bound, mip_gap, gauge.minimise, tolerance)
                if first.status is SolveStatus.OPTIMAL or first.within_abs_gap:
                    out.answer = first
                    return out
                out.best = gauge.better(first, out.best)
        if (
            foods is None
            or (box_seconds is not None and out.best is not None and not singles_due)
            or (tests_until is not None and time.process_time() > tests_until)
        ):
            # Under a time box, a plan in hand goes straight to the wide
            # restriction: on the days with dishes that got this far, the
            # narrower ones under the cutoff never passed the gap test and
            # found only worse plans (see mealplan._optimiser.DISH_BOX_SECONDS).
            break
        if foods is _ASK_SINGLES:
            singles_due = False
        if foods is _ASK_SINGLES and not deadline.expired:
            out.singles, single_plan = single_food_start(
                problem, goal, backend, deadline, mip_gap, tolerance, _WIDEN_PER_MEAL
            )
            foods = support | out.singles
        if deadline.expired or frozenset(foods) in tried.foods:
            continue
        tried.foods.add(frozenset(foods))
        how = Restriction(
            cutoff,
            sub_mips=_SUB_MIPS_ON_WIDENINGS
            or foods is support
            or cutoff is None
            or feasibility,
            # Both measured on plans only: the diagnosis's own goals
            # (fewest foods, cheapest, any plan) keep what they had.
            cuts=False if plain and foods is support and not _CUTS_ON_SUPPORT else None,
            feasibility_jump=_JUMP_ON_SUPPORT or not plain or foods is not support,
            until=tests_until if cutoff is not None else None,
        )
        small = _restricted(problem, goal, foods, deadline, mip_gap, tolerance, how)
        if feasibility and small.status is SolveStatus.INFEASIBLE:
            tried.empty.add(frozenset(foods))
        if (
            first_only
            and small.status is SolveStatus.NO_SOLUTION
            and single_plan is None
        ):
            # A narrow restriction ran out its nodes without any plan: the
            # next narrow one rarely does better; the widest goes next.
            break
        plan = gauge.judged(small)
        if plan is None:
            continue
        out.best = gauge.better(plan, out.best)
        if plan.status is SolveStatus.OPTIMAL or plan.within_abs_gap:
            out.answer = plan
            return out
    return out


def _cheapest_restriction(
    problem: Problem,
    goal: Goal | None,
    wider: set[int],
    deadline: Deadline,
    gauge: _Gauge,
    backend: Backend,
) -> Solution | None:
    """Return a plan from the widest restriction and the cheapest relaxation's foods.

    A tight budget needs the cheap foods, which the typical-serving
    relaxation rarely touches. None: no plan (or no time to look).
    """
    try:
        cheapest = formulate(
            problem,
            Goal.from_pair(("min", "cost")),
            relax=True,
            deadline=deadline,
        )
    except OutOfTime:
        return None
    cheap, _ = _run(
        problem,
        cheapest,
        backend,
        deadline,
        SolveOptions(presolve=False, interruptible=False),
    )
    if cheap.status is not SolveStatus.OPTIMAL:
        return None
    foods = wider | {f for (_, _, f) in cheap.units}
    small = _restricted(problem, goal, foods, deadline, gauge.mip_gap, gauge.tolerance)
    return gauge.judged(small, cheap)
