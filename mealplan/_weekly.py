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
(:func:`_stabilised_rounds`): their exact pricing is out of reach in a
request's time, so heuristic rounds at smoothed duals find the columns, the
bound starts at the whole plan's LP bound from one averaged day
(:mod:`mealplan._weekly_bound`), and exact rounds follow when the heuristic
has nothing left.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import Block
from mealplan._backend import SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._norepeat import is_ruled, repeats
from mealplan._optimiser import Solution, SolveStatus, _units, solve
from mealplan._problem import build_problem
from mealplan._weekly_bound import averaged_bound
from mealplan._weekly_local import improve_days
from mealplan._weekly_master import (
    Key,
    Master,
    column,
    integer_master,
    solve_master,
    variety_keys,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanRequest
    from mealplan._problem import Problem

__all__ = ["applies", "column_generation"]

# One DEBUG record per round (benchmarks/run.py --weekly shows them): where
# the time goes and how the bound and the incumbent move.
log = logging.getLogger(__name__)


# Reduced costs above this are not worth a column.
_RC_TOL = 1e-6
# Solve the master as a MILP every this many rounds (and at the end).
_MILP_EVERY = 2
# Plans shorter than this go to the whole-plan MILP instead.
_MIN_DAYS = 2
# The share of the time the rounds may take; the whole-plan MILP has the rest.
_ROUNDS_SHARE = 0.7
# Plans up to this long run the whole-plan MILP after the rounds.
_POLISH_DAYS = 7
# The share of the plan's gap exact pricing may leave, spread over the days.
_ALLOWANCE = 0.5
# Rounds of quick pricing before exact pricing.
_QUICK_ROUNDS = 1
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
# Wentges smoothing of structured rounds: the weight of the centre's charges.
_SMOOTHING = 0.5


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


def _day_request(req: PlanRequest, d: int) -> PlanRequest:
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
    days = req.days
    # Days with the same pins and bans price the same problem.
    signature: dict[str, int] = {}
    day_types: list[int] = []
    day_reqs: list[PlanRequest] = []
    for d in range(days):
        day_req = _day_request(req, d)
        key = day_req.model_dump_json(include={"pins", "bans"})
        if key not in signature:
            signature[key] = len(signature)
            day_reqs.append(day_req)
        day_types.append(signature[key])
    pricing = [build_problem(r, targets, table) for r in day_reqs]
    if any(p.food_ids != problem.food_ids for p in pricing):
        return None  # the day models must share the whole plan's food indices
    # Every meal, those that may be empty too (an optional snack): the
    # whole-plan MILP leaves those out (mealplan._norepeat), the master not.
    meal_rule = (
        [m for m, meal in enumerate(problem.meals) if is_ruled(meal)]
        if problem.no_repeat_meals
        else []
    )
    max_days = problem.max_days_per_food
    master = Master(
        days,
        day_types,
        max_days,
        variety_keys(problem),
        meal_rule,
        problem.max_days_for,
    )

    # Seed: each day of the day-by-day plan, costed in its own day model. It
    # meets every rule of the plan, so it is the first incumbent.
    seed_cost = 0.0
    # A rotation seed repeats its day-plans: cost each once (a formulation
    # each, 0.1-0.3 s of the first round at load 10).
    costs: dict[tuple[int, tuple[tuple[int, int, float], ...]], float] = {}
    for d in range(days):
        units = {(0, m, f): u for (dd, m, f), u in seed.items() if dd == d}
        plan_key = (
            day_types[d],
            tuple(sorted((m, f, u) for (_, m, f), u in units.items())),
        )
        if plan_key not in costs:
            costs[plan_key] = _evaluate(pricing[day_types[d]], units)
        cost = costs[plan_key]
        seed_cost += cost
        master.add(column(day_types[d], units, cost))
    incumbent: tuple[float, dict[Key, float]] = (seed_cost, dict(seed))
    log.debug(
        "seed at %.2f s: %d days, %d day types, cost %.4f",
        deadline.elapsed(),
        days,
        len(pricing),
        seed_cost,
    )
    best_bound = -math.inf
    rounds = 0
    # Quick pricing (the guided start's first plan) while it keeps finding
    # columns; exact pricing for the bound after that. Most of the time goes to
    # the rounds, the rest to the whole-plan MILP.
    # The whole-plan MILP gets what the rounds leave, up to a week. Its bound
    # is often the tighter one for short plans and for hard pricing days
    # (structured vegetarian week: 12-15 % against the rounds' 25 %), though
    # for the default week it stayed at zero (9-12 s for nothing). For 28
    # days it found no bound and ran 21 s past the request's time limit at
    # load 10 (given 18 s): longer plans leave the whole clock to the rounds.
    polish = days <= (_POLISH_DAYS_STRUCTURED if _structured(problem) else _POLISH_DAYS)
    if (
        _structured(problem)
        and days <= _LOCAL_DAYS
        and not _within(incumbent[0], pricing, master, days, deadline, mip_gap)
    ):
        # Short structured plans: the days solved properly one at a time
        # (mealplan._weekly_local) instead of the whole-plan MILP at the end,
        # which gave neither a bound nor a plan in 3 s (2 days and 3 vegan
        # days, load 6-9); its bound is the LP's, which the averaged-day
        # bound already gives.
        polish = False
        incumbent = improve_days(
            day_reqs,
            day_types,
            targets,
            table,
            pricing,
            master,
            incumbent,
            deadline.sub(_LOCAL_SHARE),
            _evaluate,
        )
    rounds_clock = deadline.sub(_ROUNDS_SHARE) if polish else deadline
    exact = False
    # Each pricing day may take this share of what the rounds have left.
    share = 0.5
    if _structured(problem):
        rounds, incumbent, best_bound = _stabilised_rounds(
            pricing, day_types, master, incumbent, rounds_clock, mip_gap
        )
    while not rounds_clock.expired and not _structured(problem):
        rounds += 1
        t_round = time.perf_counter()
        model, _ = master.model(integer=False)
        lp = solve_master(model, rounds_clock)
        if lp is None or lp.row_duals is None or lp.objective is None:
            break
        t_lp = time.perf_counter()
        conv = lp.row_duals[:days]
        use = master.charges(lp.row_duals)
        # The Lagrangian bound with the variety rows' duals and none on the
        # no-repeat rows (pricing leaves those out): every day at its pricing
        # bound, less the charges times the days each key may have.
        bound: float | None = -master.slack_charge(lp.row_duals)
        added = 0
        unproven = 0
        # Exact pricing may stop within this much of its bound per day: half
        # the gap the plan may keep, spread over the days.
        allowance = _ALLOWANCE * mip_gap * abs(incumbent[0]) / days
        for t, pp in enumerate(pricing):
            start = master.best(t, use)
            priced = (
                None
                if rounds_clock.expired
                else _price(pp, use, rounds_clock, exact, start, allowance, share)
            )
            if priced is None:
                bound = None
                break
            units, value, lower = priced
            unproven += value - lower > allowance
            log.debug(
                "  day type %d: pricing value %.5f, bound %.5f, convexity dual %.5f",
                t,
                value,
                lower,
                max(conv[d] for d in range(days) if day_types[d] == t),
            )
            own = [d for d in range(days) if day_types[d] == t]
            if bound is not None:
                bound += lower * len(own)
            if any(value - conv[d] < -_RC_TOL for d in own):
                # The day-plan's own cost: its pricing value less the charges.
                cost = value - sum(use.get(f, 0.0) for f in {f for _, _, f in units})
                added += master.add(column(t, units, cost))
        if bound is not None:
            best_bound = max(best_bound, bound)
        t_price = time.perf_counter()
        if added == 0 or rounds % _MILP_EVERY == 0 or rounds_clock.left() < 0.5:
            found = integer_master(master, rounds_clock)
            if found is not None and found[0] < incumbent[0] - 1e-9:
                incumbent = found
        log.debug(
            "round %d at %.2f s: %s pricing, master LP %.4f (%.2f s), "
            "pricing %.2f s (%d of %d not proven), round bound %s, best bound "
            "%.4f, incumbent %.4f (MILP master %.2f s), %d day-plans (+%d)",
            rounds,
            deadline.elapsed(),
            "exact" if exact else "quick",
            lp.objective,
            t_lp - t_round,
            t_price - t_lp,
            unproven,
            len(pricing),
            "none" if bound is None else f"{bound:.4f}",
            best_bound,
            incumbent[0],
            time.perf_counter() - t_price,
            len(master.columns),
            added,
        )
        if best_bound > -math.inf:
            gap = (incumbent[0] - best_bound) / max(abs(incumbent[0]), 1e-9)
            if gap <= mip_gap:
                break
        if added == 0 and exact:
            if not unproven or share == 1.0:
                # Proven: the master LP is optimal over every day-plan.
                # Not proven with all the rounds' time: the whole-plan MILP
                # gets the rest.
                break
            # Not proven with half the time left: the same duals once more
            # with all of it (default week at load 9.6: 8.6 s did not find
            # the better day, which took 6.7-8.1 s at load 7-9).
            share = 1.0
        # One quick round improves the seed at once; after that exact pricing
        # pays, for its bound as much as for its columns (measured, default
        # week: further quick rounds added day-plans that left the master LP
        # where it was, and the first exact round found a 1.5 % better week).
        if rounds >= _QUICK_ROUNDS or added == 0:
            exact = True
    gap = (incumbent[0] - best_bound) / max(abs(incumbent[0]), 1e-9)
    if polish and gap > mip_gap and not deadline.expired:
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
        best_bound = max(best_bound, whole_bound)
        log.debug(
            "whole-plan MILP %.2f s: bound %.4f, incumbent %.4f",
            time.perf_counter() - t_polish,
            whole_bound,
            incumbent[0],
        )
    objective, units = incumbent
    solution = Solution(
        SolveStatus.FEASIBLE,
        units=units,
        objective=objective,
        solver_status=f"column generation: {rounds} rounds, "
        f"{len(master.columns)} day-plans",
        time_limited=deadline.expired,
        # The day-by-day seed and every round share the request's clock.
        solve_seconds=deadline.elapsed(),
    )
    if best_bound > -math.inf:
        bound_ = min(best_bound, objective)
        solution.bound = bound_
        solution.gap = (objective - bound_) / max(abs(objective), 1e-9)
        if solution.gap <= mip_gap + 1e-9:
            solution.status = SolveStatus.OPTIMAL
    return solution


def _within(
    cost: float,
    pricing: list[Problem],
    master: Master,
    days: int,
    deadline: Deadline,
    mip_gap: float,
) -> bool:
    """Return whether ``cost`` is proven within ``mip_gap`` by the LP bound.

    A first plan asked for (``mip_gap`` 1) needs no better days.
    """
    if len(pricing) != 1:
        return False
    averaged = averaged_bound(pricing[0], master, days, deadline)
    if averaged is None:
        return False
    return cost - averaged[0] <= mip_gap * max(abs(cost), 1e-9)


def _structured(problem: Problem) -> bool:
    return problem.structure is not None and bool(problem.structure.parts)


def _stabilised_rounds(
    pricing: list[Problem],
    day_types: list[int],
    master: Master,
    incumbent: tuple[float, dict[Key, float]],
    deadline: Deadline,
    mip_gap: float,
) -> tuple[int, tuple[float, dict[Key, float]], float]:
    """Run rounds of stabilised pricing for structured days.

    Exact pricing of a structured day from the master's raw duals is out of
    reach: with charges the day MILP took 13-52 s at load 9 to get within
    3 % of its bound (default week, presolve off), so the rounds priced at
    most one day and the master never moved. Here:

    - the bound starts at the whole plan's LP bound, from one averaged day
      (:mod:`mealplan._weekly_bound`; one day type);
    - heuristic rounds price each day by the guided start (LP, then the MILP
      on the LP's foods: 0.1-0.3 s CPU) and find the columns;
    - when they add nothing, exact rounds run the day MILP (from the pool's
      best day-plan, with half the time left), whose proven bound gives a
      Lagrangian bound on the plan and whose plan is a column;
    - prices use Wentges smoothing: halfway between the master's duals and
      the centre (the prices with the best Lagrangian value so far: each day
      at its pricing value in heuristic rounds, at its proven bound in exact
      ones). A round that adds nothing prices the master's own duals next.

    Returns the rounds, the incumbent and the best proven bound.
    """
    days = len(day_types)
    count = [day_types.count(t) for t in range(len(pricing))]
    best_bound = -math.inf
    # The LP's best prices: the first centre of the exact rounds.
    lp_prices: dict[int, float] = {}
    if len(pricing) == 1:
        averaged = averaged_bound(pricing[0], master, days, deadline)
        if averaged is not None:
            best_bound, lp_prices = averaged
            log.debug(
                "averaged-day LP bound %.4f at %.2f s, %d priced keys",
                best_bound,
                deadline.elapsed(),
                len(lp_prices),
            )
    centre: dict[int, float] = {}
    centre_value = -math.inf
    alpha = _SMOOTHING
    exact = False
    # The share of the time left an exact pricing day may take.
    share_exact = 0.5
    rounds = 0
    while not deadline.expired:
        rounds += 1
        t_round = time.perf_counter()
        model, _ = master.model(integer=False)
        lp = solve_master(model, deadline)
        if lp is None or lp.row_duals is None or lp.objective is None:
            break
        duals = master.prices(lp.row_duals)
        conv = lp.row_duals[:days]
        prices = {
            k: alpha * centre.get(k, 0.0) + (1 - alpha) * duals.get(k, 0.0)
            for k in {*centre, *duals}
        }
        use = master.food_charges(prices)
        lagrangian: float | None = -master.limit_charge(prices)
        estimate: float | None = lagrangian
        added = improving = 0
        for t, pp in enumerate(pricing):
            start = master.best(t, use)
            priced = None
            if not deadline.expired:
                share = (share_exact if exact else 1.0) / (len(pricing) - t)
                priced = _price(pp, use, deadline, exact, start, share=share)
            if priced is None:
                lagrangian = estimate = None
                break
            units, value, lower = priced
            assert lagrangian is not None
            assert estimate is not None
            lagrangian += count[t] * lower
            estimate += count[t] * value
            foods = {f for _, _, f in units}
            cost = value - sum(use.get(f, 0.0) for f in foods)
            # Improving at the master's own duals (not the smoothed ones).
            reduced = cost + sum(
                duals.get(master.variety_key[f], 0.0)
                for f in foods
                if f in master.variety_key
            )
            own = [d for d in range(days) if day_types[d] == t]
            improving += any(reduced - conv[d] < -_RC_TOL for d in own)
            added += master.add(column(t, units, cost))
        if lagrangian is not None:
            best_bound = max(best_bound, lagrangian)
        value_here = lagrangian if exact else estimate
        if value_here is not None and value_here > centre_value:
            centre, centre_value = prices, value_here
        found = integer_master(master, deadline)
        if found is not None and found[0] < incumbent[0] - 1e-9:
            incumbent = found
        log.debug(
            "round %d at %.2f s: %s pricing (alpha %.2f), master LP %.4f, "
            "%.2f s, round bound %s, best bound %.4f, incumbent %.4f, "
            "%d day-plans (+%d, %d improving)",
            rounds,
            deadline.elapsed(),
            "exact" if exact else "heuristic",
            alpha,
            lp.objective,
            time.perf_counter() - t_round,
            "none" if lagrangian is None else f"{lagrangian:.4f}",
            best_bound,
            incumbent[0],
            len(master.columns),
            added,
            improving,
        )
        if best_bound > -math.inf:
            gap = (incumbent[0] - best_bound) / max(abs(incumbent[0]), 1e-9)
            if gap <= mip_gap:
                break
        if added:
            alpha = _SMOOTHING
        elif alpha > 0.0:
            alpha = 0.0
        elif not exact:
            # The heuristic has nothing left: exact pricing, first at the
            # LP's best prices (its Lagrangian bound is then at least the LP
            # bound plus the day's integrality gap), then smoothed around the
            # best proven prices.
            exact = True
            centre, centre_value = lp_prices, -math.inf
            alpha = 1.0 if lp_prices else _SMOOTHING
        elif share_exact < 1.0:
            # Nothing within half the time left: once more with all of it.
            share_exact, alpha = 1.0, _SMOOTHING
        else:
            break
    return rounds, incumbent, best_bound


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
    model = formulate(problem)
    backend = HighsBackend()
    backend.load(model)
    backend.set_start(model.start_vector(incumbent[1]))
    result = backend.solve(
        deadline, SolveOptions(mip_gap=mip_gap, abs_gap=0.0, presolve=True)
    )
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


def _evaluate(problem: Problem, units: dict[Key, float]) -> float:
    """Return a day-plan's objective in its day model, without a solver."""
    model = formulate(problem)
    x = model.start_vector(units)
    # The helper columns (pattern deviations) are fixed by the plan: each
    # pattern row reads members - over + under = target.
    x = np.where(np.isnan(x), 0.0, x)
    act = model.activity(x)
    cost = float(model.col_cost @ x)
    k = len(model.keys)
    for r, block in enumerate(model.row_block):
        if block is Block.PATTERN:
            a, b = model.indptr[r], model.indptr[r + 1]
            cols = model.indices[a:b]
            helpers = cols[cols >= 2 * k] if model.y_cols[0] >= 0 else cols[cols >= k]
            if len(helpers) not in (2, 3):
                continue
            over, under = int(helpers[0]), int(helpers[1])
            # Under the meal structure a third, free helper takes up to
            # PATTERN_BAND servings either side of the target; the plan pays
            # only for the deviation beyond it. (Skipping such rows made a
            # seed day look cheaper than it is, so a whole-plan bound above
            # it read as a proof of optimality.)
            band = float(model.col_upper[helpers[2]]) if len(helpers) == 3 else 0.0
            diff = act[r] - model.row_lower[r]  # members - target (helpers are 0)
            cost += model.col_cost[over] * max(diff - band, 0.0)
            cost += model.col_cost[under] * max(-diff - band, 0.0)
    return cost


def _price(
    problem: Problem,
    use: dict[int, float],
    deadline: Deadline,
    exact: bool,
    start: dict[Key, float] | None = None,
    abs_gap: float = 0.0,
    share: float = 0.5,
) -> tuple[dict[Key, float], float, float] | None:
    """Solve a pricing day with per-use charges: (plan, value, proven lower bound).

    Quick pricing is the guided start's first plan (its bound is the LP
    relaxation's, far too weak to prove anything). Exact pricing is the day's
    MILP itself, from ``start`` (the pool's best day-plan at these charges),
    presolve off, stopped within ``abs_gap`` of its bound: measured on the
    default week, the guided path's restricted MILPs and presolved full MILP
    took 13-21 s to prove a pricing day that this proves in 4-7 s (load 6),
    and its root bound is already within 0.01 % of the day's optimum.
    """
    priced = dataclasses.replace(
        problem, use_cost=MappingProxyType({f: w for f, w in use.items() if w > 0})
    )
    limit = Deadline(deadline.limit(share=share))
    if not exact:
        solution = solve(priced, mip_gap=1e-3, deadline=limit, abs_gap=math.inf)
        if not solution.units or solution.objective is None or solution.bound is None:
            return None
        return solution.units, solution.objective, solution.bound
    model = formulate(priced)
    backend = HighsBackend()
    backend.load(model)
    if start:
        backend.set_start(model.start_vector(start))
    result = backend.solve(
        limit, SolveOptions(mip_gap=1e-6, abs_gap=abs_gap, presolve=False)
    )
    if result.x is None or result.objective is None or result.bound is None:
        return None
    return _units(model, result.x), result.objective, result.bound
