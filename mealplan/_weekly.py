"""Multi-day plans by Dantzig-Wolfe column generation (PERFORMANCE.md, "Weeks").

The whole-plan MILP is a block of nearly identical days tied together only by
the variety rules; HiGHS makes no progress on it. Here a column is a whole
day-plan, and a small master picks one column per day:

- convexity: exactly one day-plan per day;
- variety: a food (not pinned or included) on at most ``max_days_per_food``
  days;
- no identical meal on consecutive days: for each meal and each meal content
  already in the pool, the day-plans holding it on day d and on day d+1 sum to
  at most one;

Pricing is exact: the daily MILP of that day (its own pins, bans, budget,
meals...) with the master's variety duals charged per day a food is eaten.
The no-repeat rows only involve contents already in the pool, so leaving their
duals out of pricing under-estimates reduced costs, which keeps the Lagrangian
bound ``master LP + sum_d (pricing bound_d - convexity dual_d)`` valid.

The pool is seeded with a day-by-day plan (the caller's); each round solves
the master LP, prices every distinct day, adds the improving day-plans, and
now and then solves the master as a MILP (binary choices) for an incumbent.
It stops when the incumbent is within ``mip_gap`` of the best bound, when
pricing finds nothing better (the master LP is then optimal), or at the
deadline; the result carries its real gap against the best bound.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import Block, Model
from mealplan._backend import BackendResult, BackendStatus, SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._optimiser import Solution, SolveStatus, solve
from mealplan._problem import build_problem

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanRequest
    from mealplan._problem import Problem

__all__ = ["applies", "column_generation"]

Key = tuple[int, int, int]
DayPlan = tuple[tuple[int, int, float], ...]
"""A day-plan: sorted (meal, food, units)."""

# Reduced costs above this are not worth a column.
_RC_TOL = 1e-6
# Solve the master as a MILP every this many rounds (and at the end).
_MILP_EVERY = 2
# Plans shorter than this go to the whole-plan MILP instead.
_MIN_DAYS = 2


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


@dataclass
class _Column:
    day_type: int
    plan: DayPlan
    cost: float
    foods: frozenset[int]
    meals: dict[int, frozenset[int]] = field(default_factory=dict)


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


def _column(day_type: int, units: dict[Key, float], cost: float) -> _Column:
    plan = tuple(sorted((m, f, u) for (_, m, f), u in units.items()))
    meals: dict[int, set[int]] = {}
    for m, f, _ in plan:
        meals.setdefault(m, set()).add(f)
    return _Column(
        day_type,
        plan,
        cost,
        frozenset(f for _, f, _ in plan),
        {m: frozenset(fs) for m, fs in meals.items()},
    )


class _Master:
    """The restricted master over the column pool."""

    def __init__(
        self,
        days: int,
        day_types: list[int],
        max_days: int | None,
        pinned: set[int],
        meal_rule: list[int],
        wider: Mapping[int, int] | None = None,
    ) -> None:
        self.days = days
        self.day_types = day_types
        self.max_days = max_days
        self.pinned = pinned
        self.meal_rule = meal_rule
        self.wider = dict(wider or {})
        """Food index -> its wider variety limit (a sole source of a need)."""
        self.columns: list[_Column] = []
        self.seen: set[tuple[int, DayPlan]] = set()

    def add(self, column: _Column) -> bool:
        key = (column.day_type, column.plan)
        if key in self.seen:
            return False
        self.seen.add(key)
        self.columns.append(column)
        return True

    def model(self, *, integer: bool) -> tuple[Model, list[tuple[int, int]]]:
        """Return the master (one variable per usable (day, column)) and its index."""
        var: list[tuple[int, int]] = [
            (d, c)
            for d in range(self.days)
            for c, col in enumerate(self.columns)
            if col.day_type == self.day_types[d]
        ]
        n = len(var)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        lower: list[float] = []
        upper: list[float] = []
        by_day: dict[int, list[int]] = {}
        for j, (d, _) in enumerate(var):
            by_day.setdefault(d, []).append(j)

        def row(members: list[int], lo: float, hi: float) -> None:
            rows.append(np.full(len(members), len(lower)))
            cols.append(np.array(members, dtype=np.int64))
            lower.append(lo)
            upper.append(hi)

        for d in range(self.days):
            row(by_day.get(d, []), 1.0, 1.0)
        self.variety_rows: dict[int, int] = {}
        if self.max_days is not None:
            by_food: dict[int, list[int]] = {}
            for j, (_, c) in enumerate(var):
                for f in self.columns[c].foods:
                    if f not in self.pinned:
                        by_food.setdefault(f, []).append(j)
            for f, members in sorted(by_food.items()):
                days_with = {var[j][0] for j in members}
                limit = max(self.max_days, self.wider.get(f, 0))
                if len(days_with) > limit:
                    self.variety_rows[f] = len(lower)
                    row(members, -math.inf, float(limit))
        for m in self.meal_rule:
            for d in range(self.days - 1):
                by_content: dict[frozenset[int], list[int]] = {}
                for j, (dd, c) in enumerate(var):
                    if dd in (d, d + 1):
                        content = self.columns[c].meals.get(m, frozenset())
                        by_content.setdefault(content, []).append(j)
                for members in by_content.values():
                    if {var[j][0] for j in members} == {d, d + 1}:
                        row(members, -math.inf, 1.0)
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        c_ = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        order = np.lexsort((c_, r))
        r, c_ = r[order], c_[order]
        indptr = np.zeros(len(lower) + 1, dtype=np.int32)
        np.cumsum(np.bincount(r, minlength=len(lower)), out=indptr[1:])
        model = Model(
            maximise=False,
            col_lower=np.zeros(n),
            col_upper=np.ones(n),
            col_cost=np.array([self.columns[c].cost for _, c in var]),
            integrality=np.full(n, integer),
            indptr=indptr,
            indices=c_.astype(np.int32),
            data=np.ones(len(c_)),
            row_lower=np.array(lower),
            row_upper=np.array(upper),
            row_block=(),
            row_group=(),
            keys=np.zeros((0, 3), dtype=np.int64),
            y_cols=np.zeros(0, dtype=np.int64),
        )
        return model, var


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
    pinned = {f for f, _, _ in problem.pins}
    meal_rule = [
        m
        for m, meal in enumerate(problem.meals)
        if meal.min_foods >= 1 and problem.no_repeat_meals
    ]
    max_days = problem.max_days_per_food
    master = _Master(days, day_types, max_days, pinned, meal_rule, problem.max_days_for)

    # Seed: each day of the day-by-day plan, costed in its own day model. It
    # meets every rule of the plan, so it is the first incumbent.
    seed_cost = 0.0
    for d in range(days):
        units = {(0, m, f): u for (dd, m, f), u in seed.items() if dd == d}
        cost = _evaluate(pricing[day_types[d]], units)
        seed_cost += cost
        master.add(_column(day_types[d], units, cost))
    incumbent: tuple[float, dict[Key, float]] = (seed_cost, dict(seed))
    best_bound = -math.inf
    rounds = 0
    # Quick pricing (the guided start's first plan) while it keeps finding
    # columns; exact pricing for the bound after that. Most of the time goes to
    # the rounds, the rest to the whole-plan MILP.
    rounds_clock = deadline.sub(0.7)
    exact = False
    previous_lp = math.inf
    while not rounds_clock.expired:
        rounds += 1
        model, _ = master.model(integer=False)
        lp = _solve_master(model, rounds_clock)
        if lp is None or lp.row_duals is None or lp.objective is None:
            break
        conv = lp.row_duals[:days]
        use = {
            f: max(-float(lp.row_duals[r]), 0.0) for f, r in master.variety_rows.items()
        }
        bound: float | None = lp.objective
        added = 0
        for t, pp in enumerate(pricing):
            priced = (
                None if rounds_clock.expired else _price(pp, use, rounds_clock, exact)
            )
            if priced is None:
                bound = None
                break
            units, value, lower = priced
            own = [d for d in range(days) if day_types[d] == t]
            if bound is not None:
                bound += sum(lower - conv[d] for d in own)
            if any(value - conv[d] < -_RC_TOL for d in own):
                # The day-plan's own cost: its pricing value less the charges.
                cost = value - sum(use.get(f, 0.0) for f in {f for _, _, f in units})
                added += master.add(_column(t, units, cost))
        if bound is not None:
            best_bound = max(best_bound, bound)
        if added == 0 or rounds % _MILP_EVERY == 0 or rounds_clock.left() < 0.5:
            found = _integer_master(master, rounds_clock)
            if found is not None and found[0] < incumbent[0] - 1e-9:
                incumbent = found
        if best_bound > -math.inf:
            gap = (incumbent[0] - best_bound) / max(abs(incumbent[0]), 1e-9)
            if gap <= mip_gap:
                break
        if added == 0 and exact:
            break  # the master LP is proven optimal over every day-plan
        # Quick pricing tails off (each column gains little): exact pricing
        # then pays, for its bound as much as for its columns.
        if added == 0 or previous_lp - lp.objective < 1e-3 * abs(lp.objective):
            exact = True
        previous_lp = lp.objective
    gap = (incumbent[0] - best_bound) / max(abs(incumbent[0]), 1e-9)
    if gap > mip_gap and not deadline.expired:
        incumbent, whole_bound = _polish(problem, incumbent, deadline, mip_gap)
        best_bound = max(best_bound, whole_bound)
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
            if len(helpers) != 2:
                continue
            over, under = int(helpers[0]), int(helpers[1])
            diff = act[r] - model.row_lower[r]  # members - target (helpers are 0)
            cost += model.col_cost[over] * max(diff, 0.0)
            cost += model.col_cost[under] * max(-diff, 0.0)
    return cost


def _price(
    problem: Problem, use: dict[int, float], deadline: Deadline, exact: bool
) -> tuple[dict[Key, float], float, float] | None:
    """Solve a pricing day with per-use charges: (plan, value, proven lower bound)."""
    priced = dataclasses.replace(
        problem, use_cost=MappingProxyType({f: w for f, w in use.items() if w > 0})
    )
    limit = Deadline(deadline.limit(share=0.5, cap=5.0))
    solution = solve(
        priced, mip_gap=1e-3, deadline=limit, abs_gap=0.0 if exact else math.inf
    )
    if not solution.units or solution.objective is None or solution.bound is None:
        return None
    return solution.units, solution.objective, solution.bound


def _solve_master(model: Model, deadline: Deadline) -> BackendResult | None:
    backend = HighsBackend()
    backend.load(model)
    result = backend.solve(
        Deadline(deadline.limit(cap=5.0)),
        SolveOptions(mip_gap=1e-6, presolve=model.is_mip, interruptible=False),
    )
    if result.status not in (BackendStatus.OPTIMAL, BackendStatus.FEASIBLE):
        return None
    return result


def _integer_master(
    master: _Master, deadline: Deadline
) -> tuple[float, dict[Key, float]] | None:
    model, var = master.model(integer=True)
    result = _solve_master(model, deadline)
    if result is None:
        return None
    x = result.x
    if x is None:
        return None
    units: dict[Key, float] = {}
    objective = 0.0
    for j, (d, c) in enumerate(var):
        if x[j] > 0.5:
            column = master.columns[c]
            objective += column.cost
            for m, f, u in column.plan:
                units[(d, m, f)] = u
    return objective, units
