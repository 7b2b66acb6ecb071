"""The advice's oracle: plan() on the request with a JSON merge patch applied.

:func:`merge_patch` applies an RFC 7386 merge patch. :class:`Oracle` asks
whether the request with a patch applied has a plan, against the request's
deadline, caching each answer. It builds exactly the problem
:func:`mealplan.plan` would build for the patched request (the same targets,
the same sole-source variety widening, every hard constraint) and solves it
for *feasibility* only: any plan meeting every constraint is a proof that
``plan()`` has one, and a search for the best plan (what ``plan()`` spends
its time on, seconds for a tight budget) proves nothing more. An infeasible
LP relaxation answers at once. The witness plan it returns carries the daily
totals the searches jump by. Inside :func:`oracle_mode` an infeasible
``plan()`` skips its own diagnosis, as only feasibility matters.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from mealplan._errors import MealPlanError
from mealplan._models import (
    MealPlan,
    PlanRequest,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._deadline import Deadline
    from mealplan._models import NutrientTargets
    from mealplan._optimiser import Solution
    from mealplan._problem import Problem


__all__ = ["ORACLE", "Oracle", "merge_patch", "oracle_mode"]

ORACLE: ContextVar[bool] = ContextVar("mealplan_advice_oracle", default=False)
"""True inside an oracle solve: an infeasible request then skips its diagnosis."""

_MIN_SOLVE = 0.2
"""Seconds below which an oracle solve is not started."""

_FLOOR_NODES = 5000
"""Branch-and-bound nodes a floor proof may take (Oracle.below)."""

_CENT = 0.0099
"""A restricted cheapest plan is solved to within a cent of its bound."""

_CLOSE = 0.02
"""Dollars: a floor proof stops once its bound is this close to the plan's cents."""

_CHEAP_SHARE = 0.8
"""Share of a cheapest-plan witness's time its restricted MILP may take."""

_CHEAP_STALL = 0.3
"""Seconds of CPU the restricted cheapest plan searches on without a cheaper
plan. Its proof of optimality on the relaxation's few foods proves nothing
about the request (any food may be in the cheapest day), so past its last
better plan it only costs time: with the held RACC caps (28e54f1) the $1
day's restriction (78 columns, was 68) found $2.49 after 0.3 s of CPU and
then spent 0.9 s (573 nodes, was 94) proving it on those foods alone; its
advice step went from 0.5 to 1.5 s. With the stall stop: 0.6 s, the same
plan, and the same cheapest plans for 7 people (two ran 400+ nodes)."""

_GOAL_GAP = 5e-3
"""Relative gap to which a witness's goal (least cost, most of a nutrient) is
proven; the plan's ``gap`` says what was reached, and the advice calls its
value the smallest change only when the bound rounds to the same amount."""


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
    """Whether the request with a patch applied has a plan, against a deadline."""

    def __init__(
        self,
        request: PlanRequest,
        table: FoodTable,
        deadline: float,
        *,
        until: float | None = None,
        cache: dict[str, MealPlan | bool | None] | None = None,
    ):
        self.base = request.model_dump(mode="json", exclude_unset=True)
        self.request = request
        self.table = table
        self.deadline = deadline
        self.cache: dict[str, MealPlan | bool | None] = {} if cache is None else cache
        """Answers by the whole patched request (not the patch): an oracle
        on a request with other changes applied (a combination's search)
        shares it, so a request already answered is not solved again."""
        self.floors: dict[str, tuple[MealPlan | None, bool] | None] = {}
        self.timed_out = False
        self.solves = 0
        """Solves started (the benchmark reports it)."""
        self.cost_bounds: list[float] = []
        """Lower bounds on one day's cost its cheapest-plan solves proved (the LP)."""
        self.floor_bound: float | None = None
        """The best lower bound the last :meth:`below` proved (None: none)."""
        self.cap: float | None = None
        """Seconds any one solve may take (None: its share of the time): the
        advice's searches for alternatives, once a verified change is in hand."""
        self.until: float | None = until
        """An earlier end for the current part of the advice (one group's
        search), so a hard group cannot take the time of the others."""

    def left(self, until: float | None = None) -> float:
        """Seconds left for a solve: to the current share's end, or ``until``."""
        end = self.until if until is None else until
        end = self.deadline if end is None else min(self.deadline, end)
        return end - time.monotonic()

    def share(self, parts: int) -> None:
        """Give the next part of the advice 1/``parts`` of the time left."""
        self.until = None
        self.until = time.monotonic() + self.left() / max(parts, 1)

    def run(
        self,
        patch: Mapping[str, Any],
        goal: tuple[str, str] = ("min", "none"),
        cap: float | None = None,
        *,
        quick: bool = False,
        until: float | None = None,
    ) -> MealPlan | bool | None:
        """Return a witness plan, False (infeasible or not accepted) or None (out of time).

        ``goal`` picks which plan is the witness (the cheapest, say); the
        default takes the first plan that meets every constraint. ``cap``
        bounds this solve's seconds (a goal's optimum is welcome, not needed).
        ``quick``: for a plan of several days, only plan()'s first plan
        (day-plans in rotation, else the days one at a time: seconds less
        than the whole-plan model); None when that fails, which proves nothing. ``until``: this solve may run to that
        ``time.monotonic()`` value instead of the current share's end (never
        past the deadline).
        """
        data = merge_patch(self.base, patch)
        data["allow_shortfall"] = False
        key = json.dumps([data, goal, *(["quick"] if quick else [])], sort_keys=True)
        if key in self.cache:
            return self.cache[key]
        if self.cap is not None:
            cap = self.cap if cap is None else min(cap, self.cap)
        left = self.left(until)
        if left < _MIN_SOLVE:
            self.timed_out = True
            return None
        result: MealPlan | bool | None
        try:
            result = _witness(
                data,
                self.table,
                goal,
                left if cap is None else min(left, cap),
                quick=quick,
                bounds=self.cost_bounds,
            )
        except MealPlanError:
            # A patch the API rejects (never verified) or a solver failure.
            result = None
        self.solves += 1
        if result is None and cap is not None and self.left(until) >= _MIN_SOLVE:
            # Cut by its cap, not by the deadline: no answer, not cached (a
            # later search with the share's time may settle it).
            return result
        if result is None and self.left(until) < _MIN_SOLVE:
            # Out of time: unknown, not cached (a later share may finish it).
            self.timed_out = True
            return result
        self.cache[key] = result
        return result

    def feasible(
        self, patch: Mapping[str, Any], *, until: float | None = None
    ) -> bool | None:
        result = self.run(patch, until=until)
        return result if result is None or isinstance(result, bool) else True

    def below(
        self,
        patch: Mapping[str, Any],
        goal: tuple[str, str],
        cutoff: float,
        cap: float | None = None,
    ) -> tuple[MealPlan | None, bool] | None:
        """Prove a one-day floor of ``goal`` (a minimisation) to the cent.

        Solves for the lowest ``goal`` below ``cutoff`` (HiGHS's objective
        bound: every branch above it is pruned and reduced-cost fixing
        against it shrinks the model at once; presolve on) and stops as soon
        as the plan's cents are proven: the best bound is above the plan's
        value rounded up to the cent, less a cent. Returns (the plan found
        below the cutoff or None, proven): proven means no plan is below that
        value less a cent (below the cutoff, when no plan was found). None:
        out of time, or not a one-day HiGHS request. ``cap`` bounds its
        seconds; :attr:`floor_bound` then keeps the best bound it proved
        (no plan is below it), for the advice to say how close it came.
        """
        key = json.dumps([patch, goal, cutoff], sort_keys=True)
        if key in self.floors:
            return self.floors[key]
        left = self.left() if cap is None else min(self.left(), cap)
        if left < _MIN_SOLVE:
            self.timed_out = True
            return None
        data = merge_patch(self.base, patch)
        data["allow_shortfall"] = False
        result: tuple[MealPlan | None, bool] | None
        bound: list[float] = []
        try:
            result = _below(data, self.table, goal, cutoff, left, bound)
        except MealPlanError:
            result = None
        self.floor_bound = max(bound) if bound else None
        self.solves += 1
        self.floors[key] = result
        return result


def _built(
    data: Mapping[str, Any], table: FoodTable
) -> tuple[PlanRequest, NutrientTargets, Problem, list[str], dict[str, int], FoodTable]:
    """Build the problem plan() would build for the request ``data``, hard."""
    from mealplan._planner import least_targets, parse_request
    from mealplan._problem import Restrictions, build_problem
    from mealplan._sources import widen_variety_for_sole_sources
    from mealplan._supplements import with_supplements

    req = parse_request(data)
    # A patch that allows a supplement (the advice's "allow a supplement")
    # needs its rows, as plan() adds them (no-op when the table has them).
    table = with_supplements(table, req)
    targets = least_targets(req, table)
    wider, notes = widen_variety_for_sole_sources(req, targets, table)
    wide = tuple(sorted(wider.items()))
    problem = build_problem(
        req, targets, table, restrictions=Restrictions(hard=True, wider_days=wide)
    )
    return req, targets, problem, list(notes), dict(wider), table


def cents_up(x: float) -> float:
    """Round dollars up to the cent (within rounding noise)."""
    return math.ceil(x * 100 - 1e-6) / 100


def _below(
    data: Mapping[str, Any],
    table: FoodTable,
    goal: tuple[str, str],
    cutoff: float,
    left: float,
    bounds: list[float] | None = None,
) -> tuple[MealPlan | None, bool] | None:
    """Run :meth:`Oracle.below` (see there); ``bounds`` collects the bounds seen."""
    from mealplan._backend import SolveOptions
    from mealplan._deadline import Deadline
    from mealplan._formulation import Goal, formulate
    from mealplan._results import assemble
    from mealplan._solution import SolveStatus, _run, make_backend

    req, targets, problem, notes, _, table = _built(data, table)
    if req.days != 1 or str(req.solver) != "highs" or Goal.from_pair(goal).maximise:
        return None
    if problem.impossible:
        return None, True

    seen = bounds if bounds is not None else []

    def proven(plan: float, bound: float) -> bool:
        if math.isfinite(bound):
            seen.append(bound)
        return plan < cutoff and bound >= cents_up(plan) - 0.01 + 1e-6

    def close(plan: float, bound: float) -> bool:
        # Stop once the bound is within two cents of the plan's cents: what
        # is left would take most of the proof's time (the $1 day's bound
        # crawls its last 3 cents for seconds) for a cent or two of advice.
        return proven(plan, bound) or (
            plan < cutoff and bound >= cents_up(plan) - _CLOSE + 1e-6
        )

    model = formulate(problem, Goal.from_pair(goal))
    solution, result = _run(
        problem,
        model,
        make_backend(req.solver),
        Deadline(min(req.time_limit, left)),
        # No gap stops it: it ends once the cents are proven (``stop``), when
        # no branch is left below the cutoff (the proof), or on the deadline.
        SolveOptions(
            mip_gap=0.0,
            abs_gap=0.0,
            presolve=True,
            cutoff=cutoff,
            stop=close,
            # An effort limit besides the deadline: the $1 day's proof took
            # 700-1,400 nodes (10-13 s CPU at load 10-13).
            node_limit=_FLOOR_NODES,
        ),
    )
    if result.bound is not None and math.isfinite(result.bound):
        seen.append(result.bound)
    value = solution.objective
    if value is not None and value < cutoff and solution.units:
        plan = assemble(req, targets, table, problem, solution, extra_notes=notes)
        bound = result.bound if result.bound is not None else -math.inf
        done = proven(value, bound) or result.solver_status == "Optimal"
        return plan, done
    # HiGHS says "Optimal" only once no branch is left (no gap stops it): with
    # no plan below the cutoff, that is the proof, as "Infeasible" is.
    if solution.status is SolveStatus.INFEASIBLE or result.solver_status == "Optimal":
        return None, True
    return None


def _witness(
    data: Mapping[str, Any],
    table: FoodTable,
    goal: tuple[str, str],
    left: float,
    *,
    quick: bool = False,
    bounds: list[float] | None = None,
) -> MealPlan | bool | None:
    """Solve the request ``data`` as plan() would build it, for ``goal``."""
    from mealplan._deadline import Deadline
    from mealplan._optimiser import SolveStatus, solve
    from mealplan._results import assemble

    req, targets, problem, notes, wider, table = _built(data, table)
    # One clock for the whole answer: the whole-plan model after a failed
    # week witness gets what is left, not a fresh limit (it overran by 4 s).
    clock = Deadline(min(req.time_limit, left))
    if req.days > 1:
        week = _week_witness(req, targets, table, problem, clock.left(), wider)
        if week is not None:
            return (
                week
                if isinstance(week, bool)
                else assemble(req, targets, table, problem, week, extra_notes=notes)
            )
        if quick or clock.left() < _MIN_SOLVE:
            return None
    exact = goal != ("min", "none")
    solution: Solution | None = None
    if goal == ("min", "cost") and str(req.solver) == "highs" and problem.integer:
        solution = _cheap(problem, clock, bounds)
    if solution is None or (
        # The cheapest relaxation's infeasibility is the answer.
        not solution.units and solution.status is not SolveStatus.INFEASIBLE
    ):
        solution = solve(
            problem,
            solver=req.solver,
            # A goal's optimum is a floor or a ceiling the advice reports (the
            # cheapest plan, the most vitamin D), proven to _GOAL_GAP; a plain
            # witness only has to exist.
            mip_gap=_GOAL_GAP if exact else 1.0,
            goal=goal,
            deadline=clock,
        )
    if solution.status is SolveStatus.INFEASIBLE:
        return False
    if solution.status is SolveStatus.NO_SOLUTION or not solution.units:
        return None
    return assemble(req, targets, table, problem, solution, extra_notes=notes)


def _cheap(
    problem: Problem, clock: Deadline, bounds: list[float] | None = None
) -> Solution | None:
    """Return a cheap plan fast: the cheapest on the cheapest relaxation's foods.

    The LP relaxation's foods, solved to the cent or until no cheaper plan
    comes (``_CHEAP_STALL``), give a plan within a few per cent of the cheapest; proving the day's floor is Oracle.below's job
    (a solve made for it). Restrictions to more foods were no shortcut: the
    $1 day's 75 best foods took 4 s CPU to solve to 1 %.
    """
    from mealplan._backend import SolveOptions
    from mealplan._formulation import Goal, formulate
    from mealplan._restriction import Restriction, _restricted
    from mealplan._solution import SolveStatus, _run, make_backend

    goal = Goal.from_pair(("min", "cost"))
    lp, _ = _run(
        problem,
        formulate(problem, goal, relax=True),
        make_backend("highs"),
        clock,
        SolveOptions(presolve=False, interruptible=False),
    )
    if lp.status is not SolveStatus.OPTIMAL:
        return lp if lp.status is SolveStatus.INFEASIBLE else None
    if bounds is not None and lp.objective is not None:
        # The relaxation's optimum: no plan costs less (the floor's first bound).
        bounds.append(lp.objective)
    foods = {f for (_, _, f), u in lp.units.items() if u > 1e-6}
    foods |= {f for f, _, _ in problem.pins}
    # Without a cut pool: on the cheapest relaxation's few foods the $1
    # day's cheapest plan ($2.50) was found and proven to the cent in 0.6 s
    # CPU instead of 1.3 s (0.66x over six people's cheapest days).
    # Most of the clock: its plan is the budget's advice, and the whole
    # model after it (when the restriction holds no plan) rarely finishes
    # anyway. With half, under load (11-13) the $1 day's plan was cut short
    # at $2.64-2.72 instead of the $2.50 found with the time.
    small = _restricted(
        problem,
        goal,
        foods,
        clock,
        0.0,
        _CENT,
        Restriction(cuts=False, share=_CHEAP_SHARE, stall=_CHEAP_STALL),
    )
    return small if small.units else None


def _week_witness(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    problem: Problem,
    left: float,
    wider: Mapping[str, int],
) -> Solution | bool | None:
    """Answer a multi-day request the way plan() finds its first plan.

    A day that has no plan on its own proves the whole plan has none (for a
    plan without day-specific rules); otherwise day-plans in rotation, or
    the days planned one at a time, each banning the foods that reached
    their variety limit, meet every rule of the whole plan by construction:
    a witness found in a fraction of the whole-plan model's time. None: ask
    the whole model.
    """
    from mealplan._day_seed import first_plan_widened
    from mealplan._deadline import Deadline
    from mealplan._diagnose import separable
    from mealplan._optimiser import Solution, SolveStatus, solve
    from mealplan._problem import Restrictions, build_problem
    from mealplan._weekly_seed import NoRotation

    if problem.impossible:
        return False
    clock = Deadline(min(req.time_limit, left))  # one clock for both steps
    if separable(req):
        day = req.model_copy(update={"days": 1})
        one = build_problem(day, targets, table, restrictions=Restrictions(hard=True))
        status = solve(
            one,
            solver=req.solver,
            mip_gap=1.0,
            goal=("min", "none"),
            deadline=clock,
        ).status
        if status is SolveStatus.INFEASIBLE:
            return False
    try:
        # Day-plans in rotation (two daily solves for a week), else the days
        # one at a time: plan()'s own first plan, which meets every rule of
        # the whole plan by construction.
        # A base no day does without widens the default rule, as in plan().
        start = first_plan_widened(req, targets, table, clock, wider=wider)[0]
    except NoRotation:
        return False  # proven: a base no day does without, on too few days
    if start is None:
        return None
    return Solution(SolveStatus.FEASIBLE, units=dict(start), gap=None)
