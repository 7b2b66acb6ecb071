"""Multi-day plans by Dantzig-Wolfe column generation (PERFORMANCE.md, "Weeks").

The whole-plan MILP is a block of nearly identical days tied together only by
the variety rules; HiGHS makes no progress on it. Here a column is a whole
day-plan, and a small master picks one column per day:

- convexity: exactly one day-plan per day;
- variety: a food (not pinned or included) on at most ``max_days_per_food``
  days; under the meal structure the rule counts bases (any form of egg), as
  the whole-plan MILP does (``_structure_blocks.base_variety``): a base with
  no pinned form is one row, and a food whose base has a pinned form keeps
  its own row;
- no identical meal on consecutive days: for each meal (snacks with
  ``min_foods`` 0 included) and each non-empty meal content already in the
  pool, the day-plans holding it on day d and on day d+1 sum to at most one
  (an empty snack is no meal, so two are no repeat);
- weekly caps (FDA/EPA fish, :mod:`mealplan._week_caps`): in every 7
  consecutive days the day-plans' amounts sum to at most the cap; pricing
  charges each capped food its rows' duals per unit (``Problem.unit_cost``),
  and the Lagrangian bound subtracts those prices times the caps;

Pricing is exact: the daily MILP of that day (its own pins, bans, budget,
meals...) with the master's variety duals charged per day a food is eaten
(a food is at one meal a day, so its binaries sum to its days; under the
structure a base is in one form a day, so charging every form the base's
dual charges the base once per day it is eaten).
The bound is Lagrangian: multipliers on the variety rows (the master LP's
duals), none on the no-repeat rows (pricing leaves those out; the usual
``master LP + sum_d (pricing bound_d - convexity dual_d)`` would then be
lower by the sum of their duals), so ``sum_d pricing bound_d -
max_days_per_food * sum of the variety charges``. It holds whatever the pool,
and as tight as the pricing days are proven.

The pool is seeded with a day-by-day plan (the caller's); one round of quick
pricing (the guided start's first plan) improves on it at once, then every
round prices each distinct day exactly (the day MILP from the pool's best
day-plan at the current charges, stopped within half the plan's gap per day)
and adds the improving day-plans; the master is solved as a MILP (binary
choices) for an incumbent every other round and when a round adds nothing.
A pricing day may take half the time the rounds have left; a round that
adds nothing without proving its days is repeated once with all of it.
The rounds stop when the incumbent is within ``mip_gap`` of the best bound,
when a round adds nothing (proven: the master LP is optimal), or after 70 %
of the time; for plans up to a week the whole-plan MILP from the incumbent
gets the rest when the gap is still open. The result carries its real gap
against the best bound; every round is logged at DEBUG level
(``benchmarks/run.py --weekly`` shows them). The master itself is in
:mod:`mealplan._weekly_master`; it gives central duals (an interior point
without crossover), as a vertex's duals charge one food of a day-plan at a
time (with a rotation seed the master LP stayed at the seed for 7 rounds).

Structured days (the meal structure) are priced differently
(:func:`mealplan._weekly_rounds.stabilised_rounds`): their exact pricing is out of reach in a
request's time, so heuristic rounds at smoothed duals find the columns, the
bound starts at the whole plan's LP bound from one averaged day
(:mod:`mealplan._weekly_bound`), and exact rounds follow when the heuristic
has nothing left.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

import numpy as np

from mealplan._backend import SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline, OutOfTime
from mealplan._formulation import formulate
from mealplan._norepeat import is_ruled, repeats
from mealplan._optimiser import Solution, SolveStatus, solve
from mealplan._polish import polish_result
from mealplan._problem import build_problem
from mealplan._weekly_bound import averaged_bound
from mealplan._weekly_local import improve_days
from mealplan._weekly_master import (
    Key,
    Master,
    column,
    variety_keys,
)
from mealplan._weekly_rounds import (
    DayTypes,
    Incumbent,
    evaluate,
    exact_rounds,
    stabilised_rounds,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanRequest
    from mealplan._problem import Problem

__all__ = ["applies", "column_generation", "day_request"]

# One DEBUG record per round (benchmarks/run.py --weekly shows them): where
# the time goes and how the bound and the incumbent move.
log = logging.getLogger(__name__)


# Plans shorter than this go to the whole-plan MILP instead.
_MIN_DAYS = 2
# The share of the time the rounds may take; the whole-plan MILP has the rest.
_ROUNDS_SHARE = 0.7
# Plans up to this long run the whole-plan MILP after the rounds.
_POLISH_DAYS = 7
# Structured plans up to this long run the whole-plan MILP after the rounds:
# for 3 days it raised the bound (vegan: 5.99 to 6.62) and found a better
# plan; for the structured week it found neither in 3 of 3 runs (bound -inf,
# 3-7 s at load 11-16), so the week ends when its rounds do.
_POLISH_DAYS_STRUCTURED = 3
# Structured plans up to this long re-plan their days one at a time first
# (3 vegan days: a 15.7 % gap against 10.4 % without, the rounds lost the
# time; 2 days: 16.7 % against 21.6-39.9 %, load 6-7),
# with this share of the time left (mealplan._weekly_local).
_LOCAL_DAYS = 2
_LOCAL_SHARE = 0.5
# Structured plans longer than _POLISH_DAYS_STRUCTURED (which end when their
# rounds do) re-plan their days one at a time first too. At 30 s (load
# 10-12): the default week 1.1244 -> 1.0698 (gap 15.5 -> 11.1 %, two runs
# each), the vegan week 3.2269 -> 2.8784 (22.5 -> 13.1 %), 5 days 1.1474 ->
# 1.0549 (18.8 -> 11.6 %); 28 days at 60 s 1.2060 -> 1.1620 (16.9 -> 13.7 %).
# The 3-day plans keep the whole-plan MILP (3 vegan days at 10 s: 3.2414
# with it, 3.2729 re-planned).
_LOCAL_LONG = True


def applies(req: PlanRequest, problem: Problem) -> bool:
    """Return whether column generation can plan this request exactly."""
    # Measured (2, 3, 7 days): better plans than the whole-plan MILP from the
    # same seed; the whole-plan MILP still runs last, for its bound.
    return (
        req.days >= _MIN_DAYS
        and problem.max_grams_per_week is None
        and not problem.shortfall
        and not problem.impossible
        and not problem.fixed_scopes
        and all(not b.average for b in problem.bounds)
    )


def day_request(req: PlanRequest, d: int) -> PlanRequest:
    """Day ``d`` (0-based) of ``req`` as a one-day request: its pins and bans, no shortfall."""
    pins = [
        p.model_copy(update={"days": None})
        for p in req.pins
        if p.days is None or d + 1 in p.days
    ]
    bans = [
        b.model_copy(update={"days": None})
        for b in req.bans
        if b.days is None or d + 1 in b.days
    ]
    return req.model_copy(
        update={"days": 1, "pins": pins, "bans": bans, "allow_shortfall": False}
    )


def column_generation(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    problem: Problem,
    seed: dict[Key, float],
    deadline: Deadline,
    mip_gap: float,
) -> Solution | None:
    """Improve the seed plan by column generation; None if it cannot start."""
    days = _day_types(req, targets, table)
    if any(p.food_ids != problem.food_ids for p in days.pricing):
        return None  # the day models must share the whole plan's food indices
    master = _master(problem, days)
    incumbent = _seed(master, days, seed)
    if mip_gap >= 1:
        # Any plan will do (mip_gap 1 asks for the first plan): the seed meets
        # every rule of the whole plan. The rounds would look for a bound
        # within 100 %, which a liked food's bonus can put below zero: a
        # toddler's week liking fish ran 300 s to its limit at a 156 % gap.
        return _solution(incumbent, -math.inf, 0, master, deadline, mip_gap)
    if problem.week_caps:
        _free_days(master, days, deadline)
    log.debug(
        "seed at %.2f s: %d days, %d day types, cost %.4f",
        deadline.elapsed(),
        req.days,
        len(days.pricing),
        incumbent[0],
    )
    # The whole-plan MILP gets what the rounds leave, up to a week. Its bound
    # is often the tighter one for short plans and for hard pricing days
    # (structured vegetarian week: 12-15 % against the rounds' 25 %), though
    # for the default week it stayed at zero (9-12 s for nothing). For 28
    # days it found no bound and ran 21 s past the request's time limit at
    # load 10 (given 18 s): longer plans leave the whole clock to the rounds.
    structured = _structured(problem)
    polish = req.days <= (_POLISH_DAYS_STRUCTURED if structured else _POLISH_DAYS)
    local = structured and (
        req.days <= _LOCAL_DAYS or (_LOCAL_LONG and req.days > _POLISH_DAYS_STRUCTURED)
    )
    lp_bound = _lp_bound(days.pricing, master, req.days, deadline) if local else None

    def within(cost: float) -> bool:
        """Whether ``cost`` is proven within ``mip_gap`` by the LP bound."""
        return lp_bound is not None and cost - lp_bound <= mip_gap * max(
            abs(cost), 1e-9
        )

    if local and not within(incumbent[0]):
        # Short structured plans: the days solved properly one at a time
        # (mealplan._weekly_local) instead of the whole-plan MILP at the end,
        # which gave neither a bound nor a plan in 3 s (2 days and 3 vegan
        # days, load 6-9); its bound is the LP's, which the averaged-day
        # bound already gives.
        polish = False
        incumbent = improve_days(
            days.requests,
            days.types,
            targets,
            table,
            days.pricing,
            master,
            incumbent,
            deadline.sub(_LOCAL_SHARE),
            evaluate,
            # The request's own gap ends the re-planning: a 4-day plan at
            # mip_gap 0.5 and a 120 s limit re-planned its days for 60 s
            # (each day proven within 0.02 to its own clock) after its
            # second day had already put it within 12 % of the bound.
            within,
        )
    rounds_clock = deadline.sub(_ROUNDS_SHARE) if polish else deadline
    if structured:
        rounds, incumbent, best_bound = stabilised_rounds(
            days.pricing, days.types, master, incumbent, rounds_clock, mip_gap
        )
    else:
        rounds, incumbent, best_bound = exact_rounds(
            days, master, incumbent, rounds_clock, deadline, mip_gap
        )
    gap = (incumbent[0] - best_bound) / max(abs(incumbent[0]), 1e-9)
    if polish and gap > mip_gap and not deadline.expired:
        incumbent, best_bound = _polished(
            problem, incumbent, best_bound, deadline, mip_gap
        )
    return _solution(incumbent, best_bound, rounds, master, deadline, mip_gap)


def _day_types(
    req: PlanRequest, targets: NutrientTargets, table: FoodTable
) -> DayTypes:
    """Group the days by their pins and bans: days alike price the same problem.

    With weekly caps (FDA/EPA fish) over 7 days, days of a type may sit in
    different windows; they are priced at the least of their charges
    (:meth:`mealplan._weekly_master.Master.unit_charges`).
    """
    signature: dict[str, int] = {}
    types: list[int] = []
    requests: list[PlanRequest] = []
    for d in range(req.days):
        day_req = day_request(req, d)
        key = day_req.model_dump_json(include={"pins", "bans"})
        if key not in signature:
            signature[key] = len(signature)
            requests.append(day_req)
        types.append(signature[key])
    pricing = [build_problem(r, targets, table) for r in requests]
    return DayTypes(requests, types, pricing)


def _master(problem: Problem, days: DayTypes) -> Master:
    # Every meal, those that may be empty too (an optional snack): the
    # whole-plan MILP leaves those out (mealplan._norepeat), the master not.
    meal_rule = (
        [m for m, meal in enumerate(problem.meals) if is_ruled(meal)]
        if problem.no_repeat_meals
        else []
    )
    return Master(
        len(days.types),
        days.types,
        problem.max_days_per_food,
        variety_keys(problem),
        meal_rule,
        problem.max_days_for,
        problem.week_caps,
    )


def _seed(master: Master, days: DayTypes, seed: dict[Key, float]) -> Incumbent:
    """Add each day of the day-by-day plan as a column; return it as incumbent.

    Each day is costed in its own day model. The seed meets every rule of
    the plan, so it is the first incumbent.
    """
    total = 0.0
    # A rotation seed repeats its day-plans: cost each once (a formulation
    # each, 0.1-0.3 s of the first round at load 10).
    costs: dict[tuple[int, tuple[tuple[int, int, float], ...]], float] = {}
    for d, t in enumerate(days.types):
        units = {(0, m, f): u for (dd, m, f), u in seed.items() if dd == d}
        plan_key = (t, tuple(sorted((m, f, u) for (_, m, f), u in units.items())))
        if plan_key not in costs:
            costs[plan_key] = evaluate(days.pricing[t], units)
        total += costs[plan_key]
        master.add(column(t, units, costs[plan_key]))
    return total, dict(seed)


# The share of the time left each day type's uncapped day may take.
_FREE_SHARE = 0.1


def _free_days(master: Master, days: DayTypes, deadline: Deadline) -> None:
    """Add each day type's day without its weekly caps as a column.

    The seeds share a weekly cap evenly over the days (a pregnant week: 1.7 oz
    of fish a day), where the best weeks have a few fish days and the rest
    without: the master may take such a day on as many days as the caps
    leave room for (its own rows keep them), instead of the rounds finding
    it one column at a time.
    """
    for t, pp in enumerate(days.pricing):
        if deadline.expired:
            return
        found = solve(
            pp,
            mip_gap=0.1,
            deadline=deadline.sub(_FREE_SHARE),
            abs_gap=math.inf,
        )
        if found.units and found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            units = {(0, m, f): u for (_, m, f), u in found.units.items()}
            master.add(column(t, units, evaluate(pp, units)))


def _polished(
    problem: Problem,
    incumbent: Incumbent,
    best_bound: float,
    deadline: Deadline,
    mip_gap: float,
) -> tuple[Incumbent, float]:
    """Run the whole-plan MILP from the incumbent; return it and the best bound."""
    t_polish = time.perf_counter()
    incumbent, whole_bound = _polish(problem, incumbent, deadline, mip_gap)
    if whole_bound > incumbent[0] + 1e-6 * (1.0 + abs(incumbent[0])):
        # A valid bound never exceeds a plan's objective: the two are not
        # measured alike, so this bound proves nothing (never "optimal").
        log.warning(
            "whole-plan bound %.6g above the plan's %.6g; ignored",
            whole_bound,
            incumbent[0],
        )
        whole_bound = -math.inf
    log.debug(
        "whole-plan MILP %.2f s: bound %.4f, incumbent %.4f",
        time.perf_counter() - t_polish,
        whole_bound,
        incumbent[0],
    )
    return incumbent, max(best_bound, whole_bound)


def _solution(
    incumbent: Incumbent,
    best_bound: float,
    rounds: int,
    master: Master,
    deadline: Deadline,
    mip_gap: float,
) -> Solution:
    """Return the plan with its real gap against the best bound."""
    objective, units = incumbent
    bound: float | None = None
    gap: float | None = None
    if best_bound > -math.inf:
        bound = min(best_bound, objective)
        gap = (objective - bound) / max(abs(objective), 1e-9)
    proven = gap is not None and gap <= mip_gap + 1e-9
    return Solution(
        SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE,
        units=units,
        objective=objective,
        gap=gap,
        bound=bound,
        solver_status=f"column generation: {rounds} rounds, "
        f"{len(master.columns)} day-plans",
        time_limited=deadline.expired,
        # The day-by-day seed and every round share the request's clock.
        solve_seconds=deadline.elapsed(),
    )


def _lp_bound(
    pricing: list[Problem], master: Master, days: int, deadline: Deadline
) -> float | None:
    """Return the whole plan's LP bound from one averaged day, if there is one.

    Only for plans of one day type; None otherwise (nothing is proven).
    """
    if len(pricing) != 1:
        return None
    averaged = averaged_bound(pricing[0], master, days, deadline)
    return None if averaged is None else averaged[0]


def _structured(problem: Problem) -> bool:
    return problem.structure is not None and bool(problem.structure.parts)


def _polish(
    problem: Problem,
    incumbent: tuple[float, dict[Key, float]],
    deadline: Deadline,
    mip_gap: float,
) -> tuple[tuple[float, dict[Key, float]], float]:
    """Run the whole-plan MILP from the incumbent with the time left.

    The master can only combine whole day-plans; the whole-plan MILP can mix
    them, and its dual bound is valid too (for short plans it is often the
    tighter one). Returns the better plan and that bound (``-inf`` if none).
    """
    try:
        # A whole week's model: 0.4-2 s to build on a loaded machine.
        model = formulate(problem, deadline=deadline)
    except OutOfTime:
        return incumbent, -math.inf
    backend = HighsBackend()
    backend.load(model)
    backend.set_start(model.start_vector(incumbent[1]))
    result = backend.solve(
        deadline, SolveOptions(mip_gap=mip_gap, abs_gap=0.0, presolve=True)
    )
    polish_result(
        model, result, deadline
    )  # the plan's own objective (mealplan._polish)
    bound = result.bound if result.bound is not None else -math.inf
    if result.x is None or result.objective is None:
        return incumbent, bound
    if result.objective >= incumbent[0] - 1e-9:
        return incumbent, bound
    k = len(model.keys)
    values = np.where(model.integrality[:k], np.round(result.x[:k]), result.x[:k])
    units = {
        (d, m, f): float(u)
        for (d, m, f), u in zip(model.keys.tolist(), values.tolist(), strict=True)
        if u > 1e-9
    }
    if repeats(problem, units):
        # This MILP leaves out the no-repeat rule of meals that may be empty
        # (mealplan._norepeat): its bound holds, this plan does not.
        return incumbent, bound
    return (float(result.objective), units), bound
