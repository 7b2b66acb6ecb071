"""The pricing rounds of the weekly column generation (:mod:`mealplan._weekly`).

Each round solves the master LP, prices every distinct day at its duals (the
day's MILP with per-use charges), adds the improving day-plans to the pool
and keeps the best Lagrangian bound. Unstructured days are priced exactly
(:func:`exact_rounds`); structured days by stabilised heuristic rounds
(:func:`stabilised_rounds`). :func:`evaluate` costs a day-plan in its day
model without a solver.
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
from mealplan._deadline import Deadline, OutOfTime
from mealplan._formulation import formulate
from mealplan._optimiser import solve
from mealplan._polish import polish_result
from mealplan._solution import _units
from mealplan._weekly_bound import averaged_bound
from mealplan._weekly_master import Key, Master, column, integer_master, solve_master

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._models import PlanRequest
    from mealplan._problem import Problem

__all__ = [
    "DayTypes",
    "Incumbent",
    "evaluate",
    "exact_rounds",
    "stabilised_rounds",
]

# The rounds' DEBUG records go to the weekly logger with the rest of the
# column generation (benchmarks/run.py --weekly listens there).
log = logging.getLogger("mealplan._weekly")

# Reduced costs above this are not worth a column.
_RC_TOL = 1e-6
# Solve the master as a MILP every this many rounds (and at the end).
_MILP_EVERY = 2
# The share of the plan's gap exact pricing may leave, spread over the days.
_ALLOWANCE = 0.5
# Rounds of quick pricing before exact pricing.
_QUICK_ROUNDS = 1
# Wentges smoothing of structured rounds: the weight of the centre's charges.
_SMOOTHING = 0.5


Incumbent = tuple[float, dict[Key, float]]
"""The best plan so far: its objective and its units."""


@dataclasses.dataclass(frozen=True)
class DayTypes:
    """The plan's distinct day types and their pricing problems."""

    requests: list[PlanRequest]
    """One request per day type (days with the same pins and bans)."""
    types: list[int]
    """Each day's type."""
    pricing: list[Problem]
    """Each day type's own daily problem."""

    def of(self, t: int) -> list[int]:
        """Return the days of type ``t``."""
        return [d for d, dt in enumerate(self.types) if dt == t]


@dataclasses.dataclass(frozen=True)
class _Priced:
    """What one round of pricing found."""

    added: int
    """Improving day-plans added to the pool."""
    unproven: int
    """Day types whose pricing stopped short of its allowance."""
    bound: float | None
    """The round's Lagrangian bound (None: a day was not priced)."""


def _price_round(
    days: DayTypes,
    master: Master,
    duals: NDArray[np.float64],
    clock: Deadline,
    exact: bool,
    allowance: float,
    share: float,
) -> _Priced:
    """Price every day type at the master LP's duals; add improving columns."""
    n = len(days.types)
    conv = duals[:n]
    use = master.charges(duals)
    # The Lagrangian bound with the variety rows' and weekly caps' duals and
    # none on the no-repeat rows (pricing leaves those out): every day at its
    # pricing bound, less the charges times the days each key may have and
    # the caps' prices times their limits.
    bound: float | None = -master.slack_charge(duals) - master.week_charge(duals)
    added = unproven = 0
    for t, pp in enumerate(days.pricing):
        start = master.best(t, use)
        unit = master.unit_charges(duals, days.of(t))
        priced = (
            None
            if clock.expired
            else _price(pp, use, clock, exact, start, allowance, share, unit)
        )
        if priced is None:
            return _Priced(added, unproven, None)
        units, value, lower = priced
        unproven += value - lower > allowance
        own = days.of(t)
        log.debug(
            "  day type %d: pricing value %.5f, bound %.5f, convexity dual %.5f",
            t,
            value,
            lower,
            max(conv[d] for d in own),
        )
        if bound is not None:
            bound += lower * len(own)
        if any(value - conv[d] < -_RC_TOL for d in own):
            # The day-plan's own cost: its pricing value less the charges.
            cost = _own_cost(value, units, use, unit)
            added += master.add(column(t, units, cost))
    return _Priced(added, unproven, bound)


@dataclasses.dataclass(frozen=True)
class _MasterLP:
    """The master LP's optimum and its row duals (the prices of a round)."""

    objective: float
    duals: NDArray[np.float64]


def _master_lp(master: Master, clock: Deadline) -> _MasterLP | None:
    """Solve the master LP; None when it found no optimum with duals in time."""
    model, _ = master.model(integer=False)
    lp = solve_master(model, clock)
    if lp is None or lp.row_duals is None or lp.objective is None:
        return None
    return _MasterLP(lp.objective, lp.row_duals)


def _improved(incumbent: Incumbent, master: Master, clock: Deadline) -> Incumbent:
    """Return the master MILP's plan where it beats ``incumbent``, else that."""
    found = integer_master(master, clock)
    if found is not None and found[0] < incumbent[0] - 1e-9:
        return found
    return incumbent


def _gap_closed(incumbent: Incumbent, best_bound: float, mip_gap: float) -> bool:
    """Whether the best proven bound is within ``mip_gap`` of ``incumbent``.

    The stop test of both kinds of rounds (no bound yet: not closed).
    """
    if best_bound == -math.inf:
        return False
    gap = (incumbent[0] - best_bound) / max(abs(incumbent[0]), 1e-9)
    return gap <= mip_gap


def exact_rounds(
    days: DayTypes,
    master: Master,
    incumbent: Incumbent,
    clock: Deadline,
    deadline: Deadline,
    mip_gap: float,
) -> tuple[int, Incumbent, float]:
    """Run pricing rounds on unstructured days; return rounds, incumbent, bound.

    Quick pricing (the guided start's first plan) while it keeps finding
    columns; exact pricing for the bound after that. Most of the time goes
    to the rounds, the rest to the whole-plan MILP.
    """
    best_bound = -math.inf
    rounds = 0
    exact = False
    # Each pricing day may take this share of what the rounds have left.
    share = 0.5
    while not clock.expired:
        rounds += 1
        t_round = time.perf_counter()
        lp = _master_lp(master, clock)
        if lp is None:
            break
        t_lp = time.perf_counter()
        # Exact pricing may stop within this much of its bound per day: half
        # the gap the plan may keep, spread over the days.
        allowance = _ALLOWANCE * mip_gap * abs(incumbent[0]) / len(days.types)
        priced = _price_round(days, master, lp.duals, clock, exact, allowance, share)
        if priced.bound is not None:
            best_bound = max(best_bound, priced.bound)
        t_price = time.perf_counter()
        if priced.added == 0 or rounds % _MILP_EVERY == 0 or clock.left() < 0.5:
            incumbent = _improved(incumbent, master, clock)
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
            priced.unproven,
            len(days.pricing),
            "none" if priced.bound is None else f"{priced.bound:.4f}",
            best_bound,
            incumbent[0],
            time.perf_counter() - t_price,
            len(master.columns),
            priced.added,
        )
        if _gap_closed(incumbent, best_bound, mip_gap):
            break
        if priced.added == 0 and exact:
            if not priced.unproven or share == 1.0:
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
        if rounds >= _QUICK_ROUNDS or priced.added == 0:
            exact = True
    return rounds, incumbent, best_bound


def stabilised_rounds(
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
        lp = _master_lp(master, deadline)
        if lp is None:
            break
        duals = master.prices(lp.duals)
        conv = lp.duals[:days]
        prices = {
            k: alpha * centre.get(k, 0.0) + (1 - alpha) * duals.get(k, 0.0)
            for k in {*centre, *duals}
        }
        use = master.food_charges(prices)
        # Weekly caps (FDA/EPA fish) at the master's own duals, unsmoothed.
        lagrangian: float | None = -master.limit_charge(prices) - master.week_charge(
            lp.duals
        )
        estimate: float | None = lagrangian
        added = improving = 0
        for t, pp in enumerate(pricing):
            start = master.best(t, use)
            priced = None
            unit = master.unit_charges(
                lp.duals, [d for d, dt in enumerate(day_types) if dt == t]
            )
            if not deadline.expired:
                share = (share_exact if exact else 1.0) / (len(pricing) - t)
                priced = _price(pp, use, deadline, exact, start, share=share, unit=unit)
            if priced is None:
                lagrangian = estimate = None
                break
            units, value, lower = priced
            assert lagrangian is not None
            assert estimate is not None
            lagrangian += count[t] * lower
            estimate += count[t] * value
            foods = {f for _, _, f in units}
            cost = _own_cost(value, units, use, unit)
            # Improving at the master's own duals (not the smoothed ones).
            reduced = (
                cost
                + sum(
                    duals.get(master.variety_key[f], 0.0)
                    for f in foods
                    if f in master.variety_key
                )
                + sum(unit.get(f, 0.0) * u for (_, _, f), u in units.items())
            )
            own = [d for d in range(days) if day_types[d] == t]
            improving += any(reduced - conv[d] < -_RC_TOL for d in own)
            added += master.add(column(t, units, cost))
        if lagrangian is not None:
            best_bound = max(best_bound, lagrangian)
        value_here = lagrangian if exact else estimate
        if value_here is not None and value_here > centre_value:
            centre, centre_value = prices, value_here
        incumbent = _improved(incumbent, master, deadline)
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
        if _gap_closed(incumbent, best_bound, mip_gap):
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


_HELPER_BLOCKS = frozenset({Block.SATURATED_FAT, Block.SOFT_MINIMUM, Block.PATTERN})
"""Rows whose helper columns the plan fixes (:func:`evaluate` prices them)."""


def evaluate(problem: Problem, units: dict[Key, float]) -> float:
    """Return a day-plan's objective in its day model, without a solver."""
    model = formulate(problem)
    x = model.start_vector(units)
    # The helper columns (pattern deviations, saturated fat's excess,
    # a soft minimum's shortfall) are
    # fixed by the plan: each pattern row reads members - over + under =
    # target.
    x = np.where(np.isnan(x), 0.0, x)
    act = model.activity(x)
    cost = float(model.col_cost @ x)
    k = len(model.keys)
    for r, block in enumerate(model.row_block):
        if block not in _HELPER_BLOCKS:
            continue
        a, b = model.indptr[r], model.indptr[r + 1]
        cols = model.indices[a:b]
        helpers = cols[cols >= 2 * k] if model.y_cols[0] >= 0 else cols[cols >= k]
        if block is Block.SATURATED_FAT and len(helpers) == 1:
            # One helper, over >= the day's saturated fat energy above its
            # share: the plan pays for the excess (act[r] with it at 0).
            cost += model.col_cost[int(helpers[0])] * max(act[r], 0.0)
        elif block is Block.SOFT_MINIMUM and len(helpers) == 1:
            # One helper, amount + short >= minimum: the plan pays for the
            # shortfall (act[r] with it at 0 is the amount).
            short = max(float(model.row_lower[r]) - act[r], 0.0)
            cost += model.col_cost[int(helpers[0])] * short
        elif block is Block.PATTERN and len(helpers) in (2, 3):
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


def _own_cost(
    value: float,
    units: dict[Key, float],
    use: dict[int, float],
    unit: dict[int, float],
) -> float:
    """Return a priced day-plan's own cost: its value less every charge."""
    return (
        value
        - sum(use.get(f, 0.0) for f in {f for _, _, f in units})
        - sum(unit.get(f, 0.0) * u for (_, _, f), u in units.items())
    )


def _price(
    problem: Problem,
    use: dict[int, float],
    deadline: Deadline,
    exact: bool,
    start: dict[Key, float] | None = None,
    abs_gap: float = 0.0,
    share: float = 0.5,
    unit: dict[int, float] | None = None,
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
        problem,
        use_cost=MappingProxyType({f: w for f, w in use.items() if w > 0}),
        # The weekly caps' duals: a charge per unit of each capped food.
        unit_cost=MappingProxyType({f: w for f, w in (unit or {}).items() if w > 0}),
    )
    limit = deadline.sub(share)
    if not exact:
        solution = solve(priced, mip_gap=1e-3, deadline=limit, abs_gap=math.inf)
        if not solution.units or solution.objective is None or solution.bound is None:
            return None
        return solution.units, solution.objective, solution.bound
    try:
        model = formulate(priced, deadline=limit)
    except OutOfTime:
        return None  # as a pricing day stopped at its limit
    backend = HighsBackend()
    backend.load(model)
    if start:
        backend.set_start(model.start_vector(start))
    result = backend.solve(
        limit, SolveOptions(mip_gap=1e-6, abs_gap=abs_gap, presolve=False)
    )
    # The day-plan's own cost, not its incumbent's (mealplan._polish).
    polish_result(model, result, limit)
    if result.x is None or result.objective is None or result.bound is None:
        return None
    return _units(model, result.x), result.objective, result.bound
