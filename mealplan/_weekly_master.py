"""The column generation's restricted master (see :mod:`mealplan._weekly`).

One variable per usable (day, day-plan), one convexity row per day, a
variety row per key (a food, or under the meal structure a base) that the
pool has on more days than ``max_days_per_food``, the no-repeat rows per
meal content on consecutive days, and a row per weekly cap and window (FDA/EPA
fish: every 7 consecutive days hold at most the cap's amount, summed over the
day-plans' amounts; :mod:`mealplan._week_caps`). Solved as an LP for the
duals that price the days, and as a MILP for an incumbent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import Model
from mealplan._backend import BackendResult, BackendStatus, SolveOptions
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline
from mealplan._week_caps import windows

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from mealplan._life_stage_caps import DayCapRow
    from mealplan._problem import Problem

__all__ = [
    "Column",
    "DayPlan",
    "Key",
    "Master",
    "column",
    "integer_master",
    "solve_master",
    "variety_keys",
]

Key = tuple[int, int, int]
DayPlan = tuple[tuple[int, int, float], ...]
"""A day-plan: sorted (meal, food, units)."""


@dataclass
class Column:
    day_type: int
    plan: DayPlan
    cost: float
    foods: frozenset[int]
    meals: dict[int, frozenset[int]] = field(default_factory=dict)
    keys: frozenset[int] = frozenset()
    """The variety rule's keys this day-plan uses (foods, or bases)."""
    amounts: dict[int, float] = field(default_factory=dict)
    """Weekly cap (its index in ``Master.week``) -> this day-plan's amount."""


def variety_keys(problem: Problem) -> dict[int, int]:
    """Return food index -> the key the variety rule counts it under.

    Without the meal structure a food is its own key. With it, a base food
    (every form of egg) is one key, as in the whole-plan MILP's
    ``base_variety``; a base with a pinned or included form is exempt there,
    so its other forms keep their own food keys. Pinned foods have no key.
    Base keys are numbered after the food indices.
    """
    n = len(problem.food_ids)
    pinned = {f for f, _, _ in problem.pins}
    s = problem.structure
    base = s.base if s is not None else None
    if base is None:
        return {f: f for f in range(n) if f not in pinned}
    pinned_bases = {int(base[f]) for f in pinned}
    return {
        f: f if int(base[f]) in pinned_bases else n + int(base[f])
        for f in range(n)
        if f not in pinned
    }


def column(day_type: int, units: dict[Key, float], cost: float) -> Column:
    plan = tuple(sorted((m, f, u) for (_, m, f), u in units.items()))
    meals: dict[int, set[int]] = {}
    for m, f, _ in plan:
        meals.setdefault(m, set()).add(f)
    return Column(
        day_type,
        plan,
        cost,
        frozenset(f for _, f, _ in plan),
        {m: frozenset(fs) for m, fs in meals.items()},
    )


# The master's duals come from an interior point (see solve_master): a
# charge below this is the interior point's tolerance, not a price.
_DUAL_TOL = 1e-7


def _price(dual: float) -> float:
    """Return a variety row's dual as a charge (0 within the tolerance)."""
    charge = -float(dual)
    return charge if charge > _DUAL_TOL else 0.0


class Master:
    """The restricted master over the column pool."""

    def __init__(
        self,
        days: int,
        day_types: list[int],
        max_days: int | None,
        variety_key: dict[int, int],
        meal_rule: list[int],
        wider: Mapping[int, int] | None = None,
        week: Sequence[DayCapRow] = (),
    ) -> None:
        self.days = days
        # Weekly caps: (food -> amount per unit, limit) each, over windows.
        self.week = [
            (dict(zip(r.foods, r.per_unit, strict=True)), r.limit) for r in week
        ]
        self.spans = windows(days) if self.week else []
        self.week_rows: dict[tuple[int, int], int] = {}
        self.day_types = day_types
        self.max_days = max_days
        self.variety_key = variety_key
        self.meal_rule = meal_rule
        # A sole source of a need may have a wider limit (mealplan._sources);
        # a base key takes the widest limit of its forms, as base_variety does.
        self.limit: dict[int, int] = {}
        if max_days is not None:
            for f, n in (wider or {}).items():
                key = variety_key.get(f)
                if key is not None and n > max(max_days, self.limit.get(key, 0)):
                    self.limit[key] = n
        self.columns: list[Column] = []
        self.seen: set[tuple[int, DayPlan]] = set()

    def add(self, column: Column) -> bool:
        key = (column.day_type, column.plan)
        if key in self.seen:
            return False
        self.seen.add(key)
        column.keys = frozenset(
            self.variety_key[f] for f in column.foods if f in self.variety_key
        )
        for r, (weight, _) in enumerate(self.week):
            amount = sum(weight.get(f, 0.0) * u for _, f, u in column.plan)
            if amount > 0:
                column.amounts[r] = amount
        self.columns.append(column)
        return True

    def best(self, day_type: int, use: dict[int, float]) -> dict[Key, float]:
        """Return the pool's cheapest day-plan of ``day_type`` under ``use``."""
        pool = [c for c in self.columns if c.day_type == day_type]
        best = min(pool, key=lambda c: c.cost + sum(use.get(f, 0.0) for f in c.foods))
        return {(0, m, f): u for m, f, u in best.plan}

    def slack_charge(self, duals: np.ndarray) -> float:
        """Return the variety charges times the days each key may have."""
        assert self.max_days is not None or not self.variety_rows
        return sum(
            _price(duals[r]) * float(self.limit.get(k, self.max_days or 0))
            for k, r in self.variety_rows.items()
        )

    def charges(self, duals: np.ndarray) -> dict[int, float]:
        """Return the per-food charge of the variety duals (each form its base's)."""
        price = {k: _price(duals[r]) for k, r in self.variety_rows.items()}
        return {
            f: price[k] for f, k in self.variety_key.items() if price.get(k, 0.0) > 0.0
        }

    def prices(self, duals: np.ndarray) -> dict[int, float]:
        """Return each variety key's price (its row's dual, as a charge >= 0)."""
        return {
            k: p for k, r in self.variety_rows.items() if (p := _price(duals[r])) > 0.0
        }

    def food_charges(self, prices: Mapping[int, float]) -> dict[int, float]:
        """Return the per-food charge of key prices (each form its base's)."""
        return {
            f: prices[k] for f, k in self.variety_key.items() if prices.get(k, 0.0) > 0
        }

    def limit_charge(self, prices: Mapping[int, float]) -> float:
        """Return the key prices times the days each key may have.

        With these prices on the variety rows, every day at its pricing
        bound less this is a valid (Lagrangian) lower bound on the plan,
        for any prices >= 0.
        """
        return sum(
            p * float(self.limit.get(k, self.max_days or 0)) for k, p in prices.items()
        )

    def unit_charges(self, duals: np.ndarray, days: Sequence[int]) -> dict[int, float]:
        """Return food -> charge per unit of the weekly caps' duals on ``days``.

        On a day, every window holding it charges its row's price times the
        food's amount per unit. Days of one type are priced as one: with the
        least charge of any of them, so the pricing value is at most each
        day's own (the Lagrangian bound stays valid, and a round that finds
        no column below a day's convexity dual still proves the master LP
        optimal). Plans up to 7 days are one window: every day alike.
        """
        per_day: list[dict[int, float]] = []
        for day in days:
            out: dict[int, float] = {}
            for (r, w), row in self.week_rows.items():
                price = _price(duals[row])
                if price <= 0.0 or day not in self.spans[w]:
                    continue
                for f, per_unit in self.week[r][0].items():
                    out[f] = out.get(f, 0.0) + price * per_unit
            per_day.append(out)
        if not per_day:
            return {}
        return {
            f: min(d.get(f, 0.0) for d in per_day)
            for f in per_day[0]
            if all(f in d for d in per_day)
        }

    def week_charge(self, duals: np.ndarray) -> float:
        """Return the weekly caps' prices times their limits (Lagrangian term)."""
        return sum(
            _price(duals[row]) * self.week[r][1]
            for (r, _), row in self.week_rows.items()
        )

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

        vals: list[np.ndarray] = []

        def row(
            members: list[int], lo: float, hi: float, values: list[float] | None = None
        ) -> None:
            rows.append(np.full(len(members), len(lower)))
            cols.append(np.array(members, dtype=np.int64))
            vals.append(np.ones(len(members)) if values is None else np.array(values))
            lower.append(lo)
            upper.append(hi)

        for d in range(self.days):
            row(by_day.get(d, []), 1.0, 1.0)
        self.variety_rows: dict[int, int] = {}
        if self.max_days is not None:
            by_key: dict[int, list[int]] = {}
            for j, (_, c) in enumerate(var):
                for key in self.columns[c].keys:
                    by_key.setdefault(key, []).append(j)
            for key, members in sorted(by_key.items()):
                days_with = {var[j][0] for j in members}
                limit = self.limit.get(key, self.max_days)
                if len(days_with) > limit:
                    self.variety_rows[key] = len(lower)
                    row(members, -math.inf, float(limit))
        for m in self.meal_rule:
            for d in range(self.days - 1):
                by_content: dict[frozenset[int], list[int]] = {}
                for j, (dd, c) in enumerate(var):
                    if dd in (d, d + 1):
                        content = self.columns[c].meals.get(m, frozenset())
                        by_content.setdefault(content, []).append(j)
                for content, members in by_content.items():
                    if content and {var[j][0] for j in members} == {d, d + 1}:
                        row(members, -math.inf, 1.0)
        self.week_rows = {}
        for cap, (_, most) in enumerate(self.week):
            for w, span in enumerate(self.spans):
                members = [
                    j
                    for j, (d, c) in enumerate(var)
                    if d in span and cap in self.columns[c].amounts
                ]
                if members:
                    self.week_rows[cap, w] = len(lower)
                    amounts = [self.columns[var[j][1]].amounts[cap] for j in members]
                    # Relative slack, as the whole-plan rows: a cap met exactly.
                    row(members, -math.inf, most * (1 + 1e-9), amounts)
        r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        c_ = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        v = np.concatenate(vals) if vals else np.zeros(0)
        order = np.lexsort((c_, r))
        r, c_, v = r[order], c_[order], v[order]
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
            data=v,
            row_lower=np.array(lower),
            row_upper=np.array(upper),
            row_block=(),
            row_group=(),
            keys=np.zeros((0, 3), dtype=np.int64),
            y_cols=np.zeros(0, dtype=np.int64),
        )
        return model, var


def solve_master(model: Model, deadline: Deadline) -> BackendResult | None:
    backend = HighsBackend()
    backend.load(model)
    if not model.is_mip:
        # Central duals: an interior point without crossover. The master is
        # dual degenerate (a rotation seed's day-plan is held to its days by
        # the rows of all its foods at once); a simplex vertex puts the whole
        # charge on one of them, so pricing drops that one food and returns
        # the same day again, one food per round. The interior point spreads
        # the charge over all of them.
        backend.set_option("solver", "ipm")
        backend.set_option("run_crossover", "off")
    result = backend.solve(
        deadline.part(5.0),
        SolveOptions(mip_gap=1e-6, presolve=model.is_mip, interruptible=False),
    )
    if result.status not in (BackendStatus.OPTIMAL, BackendStatus.FEASIBLE):
        return None
    return result


def integer_master(
    master: Master, deadline: Deadline
) -> tuple[float, dict[Key, float]] | None:
    model, var = master.model(integer=True)
    result = solve_master(model, deadline)
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
