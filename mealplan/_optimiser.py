"""Turn a :class:`~mealplan._problem.Problem` into a MILP and solve it.

This is the only module that imports PuLP. Nothing PuLP-shaped leaves it: the
caller gets a :class:`Solution` of plain Python values.

Formulation, for day ``d``, meal ``m`` and candidate food ``f``:

- ``v[d,m,f]`` units eaten (integer half/whole portions, or continuous portions),
  ``y[d,m,f]`` binary "in this meal", ``z[d,f]`` binary "eaten this day";
- ``min_units*y <= v <= max_units*y`` and ``sum_m v <= max_units*z`` (big-M
  values are the food's own realistic portion caps, so the relaxation is tight);
- nutrient bounds per day (or as a plan average with a daily floor), AMDR energy
  shares, meal energy shares and food counts, ``sum_f z <= max_foods``, budget,
  pins and bans, variety (``sum_d z <= k``; no meal identical on consecutive
  days); ``allow_shortfall`` adds penalised slacks on nutrient bounds.

Expressions are built as ``LpAffineExpression`` from dicts, several times
faster than ``lpSum`` on these models (see PERFORMANCE.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np
import pulp

from mealplan._errors import SolverError
from mealplan._models import Objective, SolverName
from mealplan._problem import (
    ATWATER,
    CATEGORY_CAPS,
    DEFAULT_CATEGORY_CAP,
    PATTERN_GROUP,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from mealplan._problem import Problem

__all__ = ["Solution", "SolveStatus", "solve"]

Key = tuple[int, int, int]

# Shortfall slacks are priced far above any food choice so the solver only
# misses a bound when nothing else can meet it; normalised per unit of bound.
_SHORTFALL_WEIGHT = 1000.0
# Foods the article names get a small bonus: they are the sources it
# recommends for these nutrients, so among near-equal plans we prefer them.
_ARTICLE_BONUS = 0.1
# Tiny, distinct per-food weights make the optimum unique, so the same
# request gives the same plan whatever order the solver explores.
_TIE_BREAK = 1e-4
# Per serving of a sweet or condiment (outside the pattern groups).
_EXTRAS_COST = 0.5
# The default objective is near zero at the optimum (a day that matches the
# food pattern), where a relative gap means nothing; a plan within 0.02 of a
# serving of the best possible departure counts as optimal.
_ABS_GAP = 0.02


class SolveStatus(Enum):
    """The optimiser's own status, independent of PuLP's integers."""

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
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    extract_seconds: float = 0.0
    slacks: dict[str, float] = field(default_factory=dict)
    solver_status: str = ""


@functools.cache
def _silence_highs_banner() -> None:
    """Create the first Highs object with stdout closed.

    highspy prints a copyright banner to the C-level stdout the first time a
    ``Highs`` is created, whatever ``output_flag`` says; it would corrupt the
    JSON a diet app reads from ``mealplan plan --format json``.
    """
    import highspy

    try:
        sys.stdout.flush()
        fd = sys.__stdout__.fileno() if sys.__stdout__ else 1
        saved = os.dup(fd)
    except (OSError, ValueError, AttributeError):
        highspy.Highs()  # type: ignore[no-untyped-call]
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


class _WarmHiGHS(pulp.HiGHS):  # type: ignore[misc]
    """pulp.HiGHS that hands HiGHS a starting plan before it solves.

    PuLP 3.3's HiGHS interface has no warm start; highspy's sparse
    ``setSolution`` takes the integer columns and HiGHS completes the rest, so
    the search starts from a feasible incumbent instead of from nothing.
    """

    def __init__(self, start: dict[Any, float], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._start = start

    def actualSolve(self, lp: Any) -> Any:  # noqa: N802 - PuLP's name
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        if self._start:
            index = np.array([v.index for v in self._start], dtype=np.int32)
            values = np.array(list(self._start.values()), dtype=np.float64)
            lp.solverModel.setSolution(len(index), index, values)
        self.callSolver(lp)
        status, sol_status = self.findSolutionValues(lp)
        for var in lp.variables():
            var.modified = False
        for constraint in lp._constraints.values():
            constraint.modifier = False
        lp.assignStatus(status, sol_status)
        return status


def _make_solver(
    name: SolverName,
    time_limit: float,
    gap: float,
    start: dict[Any, float] | None = None,
    *,
    mip: bool = True,
) -> Any:
    if name is SolverName.CBC:
        # PuLP 3.3 warns that the bundled CBC goes away in PuLP 4; it is an
        # opt-in alternative here (faster on small daily models), HiGHS the default.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return pulp.PULP_CBC_CMD(
                mip=mip, msg=False, timeLimit=time_limit, gapRel=gap, gapAbs=_ABS_GAP
            )
    _silence_highs_banner()
    if start:
        return _WarmHiGHS(
            start, msg=False, timeLimit=time_limit, gapRel=gap, gapAbs=_ABS_GAP
        )
    return pulp.HiGHS(
        mip=mip, msg=False, timeLimit=time_limit, gapRel=gap, gapAbs=_ABS_GAP
    )


def _merge(exprs: Iterable[dict[Any, float]]) -> dict[Any, float]:
    """Sum linear expressions given as {variable: coefficient} dicts."""
    out: dict[Any, float] = {}
    for expr in exprs:
        for var, c in expr.items():
            out[var] = out.get(var, 0.0) + c
    return out


class _Builder:
    """Builds the PuLP model for one Problem."""

    def __init__(self, problem: Problem, goal: tuple[str, str] | None) -> None:
        self.p = problem
        self.goal = goal
        self.prob = pulp.LpProblem(
            "mealplan",
            pulp.LpMaximize if goal and goal[0] == "max" else pulp.LpMinimize,
        )
        self.v: dict[Key, Any] = {}
        self.y: dict[Key, Any] = {}
        self.z: dict[tuple[int, int], dict[Any, float]] = {}
        """(day, food) -> the linear expression 'eaten this day' (0 or 1)."""
        self.slacks: dict[str, Any] = {}
        self.by_day_food: dict[tuple[int, int], list[Key]] = {}
        self.day_vars: dict[int, list[tuple[int, int, Any]]] = {}
        self._n = 0

    def var(self, low: float | None, high: float | None, cat: str) -> Any:
        self._n += 1
        return self.prob.add_variable(f"x{self._n}", low, high, cat)

    def add(self, expr: dict[Any, float], sense: str, rhs: float, name: str) -> None:
        self._n += 1
        e = pulp.LpAffineExpression(expr)
        if sense == ">=":
            self.prob += e >= rhs, f"c{self._n}"
        elif sense == "<=":
            self.prob += e <= rhs, f"c{self._n}"
        else:
            self.prob += e == rhs, f"c{self._n}"
        del name  # kept in the call sites for readability

    def build(self) -> None:
        p = self.p
        cat = "Integer" if p.integer else "Continuous"
        banned = self._banned()
        need_y = p.integer or p.max_foods is not None or len(p.meals) > 1
        need_y = need_y or p.max_days_per_food is not None or bool(p.pins)
        scopes = p.fixed_scopes
        for d in range(p.days):
            for m, meal in enumerate(p.meals):
                fixed_scope = (d, m) in scopes
                for f in meal.foods:
                    key = (d, m, f)
                    if fixed_scope:
                        units = p.fixed.get(key, 0.0)
                        if units == 0.0:
                            continue
                        self.v[key] = self.var(units, units, cat)
                        self.y[key] = self.var(1, 1, "Binary")
                        continue
                    if key in banned:
                        continue
                    self.v[key] = self.var(0, float(p.max_units[f]), cat)
                    if need_y:
                        self.y[key] = self.var(0, 1, "Binary")
        # Per-day food use and caps.
        by_day_food = self.by_day_food
        for key, var in self.v.items():
            by_day_food.setdefault((key[0], key[2]), []).append(key)
            self.day_vars.setdefault(key[0], []).append((key[1], key[2], var))
        for (d, f), keys in by_day_food.items():
            if need_y:
                for key in keys:
                    y = self.y[key]
                    self.add(
                        {self.v[key]: 1.0, y: -float(p.max_units[f])}, "<=", 0, "link"
                    )
                    self.add(
                        {self.v[key]: 1.0, y: -float(p.min_units[f])}, ">=", 0, "min"
                    )
                # A food is eaten at one meal of a day. Besides being how
                # people eat, it lets "eaten this day" be the plain sum of the
                # meal binaries: no extra binary, no linking rows.
                day_use = {self.y[k]: 1.0 for k in keys}
                if len(keys) > 1:
                    self.add(day_use, "<=", 1, "one_meal")
                self.z[d, f] = day_use
            elif len(keys) > 1:
                self.add(
                    {self.v[k]: 1.0 for k in keys}, "<=", float(p.max_units[f]), "cap"
                )

        for d in range(p.days):
            self._day(d)
        self._plan_wide()
        self._objective()

    def _banned(self) -> set[Key]:
        p = self.p
        out: set[Key] = set()
        for f, day, meal in p.bans:
            for d in range(p.days) if day is None else [day]:
                for m in range(len(p.meals)) if meal is None else [meal]:
                    out.add((d, m, f))
        return out

    def _sum(
        self, d: int, weights: dict[int, float], meal: int | None = None
    ) -> dict[Any, float]:
        expr: dict[Any, float] = {}
        for m, f, var in self.day_vars.get(d, ()):
            if meal is not None and m != meal:
                continue
            w = weights.get(f)
            if w:
                expr[var] = expr.get(var, 0.0) + w
        return expr

    def _weights(self, nutrient: str) -> dict[int, float]:
        col = self.p.coef[nutrient]
        return {f: float(c) for f, c in enumerate(col) if c}

    def _day(self, d: int) -> None:
        p = self.p
        for bound in p.bounds:
            if bound.average:
                continue
            self._bound(
                self._sum(d, self._weights(bound.nutrient)),
                bound.sense,
                bound.value,
                bound.group,
                d,
            )
        for bound in p.bounds:
            if bound.average and bound.daily_floor > 0:
                self._bound(
                    self._sum(d, self._weights(bound.nutrient)),
                    ">=",
                    bound.value * bound.daily_floor,
                    bound.group,
                    d,
                )
        if p.macro:
            energy = self._weights("energy_kcal")
            for _, col, lo, hi in p.macro:
                grams = self._weights(col)
                factor = ATWATER.get(col, 4.0)
                keys = set(grams) | set(energy)
                lo_w = {
                    f: factor * grams.get(f, 0.0) - lo * energy.get(f, 0.0)
                    for f in keys
                }
                hi_w = {
                    f: factor * grams.get(f, 0.0) - hi * energy.get(f, 0.0)
                    for f in keys
                }
                self.add(self._sum(d, lo_w), ">=", 0, "macro_lo")
                self.add(self._sum(d, hi_w), "<=", 0, "macro_hi")
        if len(p.meals) > 1:
            energy = self._weights("energy_kcal")
            day_energy = self._sum(d, energy)
            for m, meal in enumerate(p.meals):
                meal_energy = self._sum(d, energy, meal=m)
                lo, hi = meal.share
                if lo > 0:
                    expr = dict(meal_energy)
                    for var, c in day_energy.items():
                        expr[var] = expr.get(var, 0.0) - lo * c
                    self.add(expr, ">=", 0, "share_lo")
                if hi < 1:
                    expr = dict(meal_energy)
                    for var, c in day_energy.items():
                        expr[var] = expr.get(var, 0.0) - hi * c
                    self.add(expr, "<=", 0, "share_hi")
                ys = {
                    self.y[d, mm, f]: 1.0
                    for mm, f, _ in self.day_vars.get(d, ())
                    if mm == m and (d, mm, f) in self.y
                }
                by_cat: dict[str, dict[Any, float]] = {}
                for mm, f, _ in self.day_vars.get(d, ()):
                    if mm == m and p.category[f] and (d, m, f) in self.y:
                        by_cat.setdefault(p.category[f], {})[self.y[d, m, f]] = 1.0
                for cat, members in by_cat.items():
                    cap = CATEGORY_CAPS.get(cat, DEFAULT_CATEGORY_CAP)
                    if len(members) > cap:
                        self.add(members, "<=", cap, "category")
                if meal.min_foods > 0:
                    self.add(ys, ">=", meal.min_foods, "meal_min")
                if ys and meal.max_foods < len(ys):
                    self.add(ys, "<=", meal.max_foods, "meal_max")
        if p.max_foods is not None:
            zs = _merge(
                self.z[d, f]
                for f in {f for _, f, _ in self.day_vars.get(d, ())}
                if (d, f) in self.z
            )
            if len(zs) > p.max_foods:
                self.add(zs, "<=", p.max_foods, "max_foods")
        if p.budget is not None:
            cost = {f: float(c) for f, c in enumerate(p.price_per_unit) if c == c and c}
            self.add(self._sum(d, cost), "<=", p.budget, "budget")
        for f, day, pin_meal in p.pins:
            if day != d:
                continue
            if pin_meal is None:
                z = self.z.get((d, f))
                if z is None:
                    self.add({}, ">=", 1, "pin")  # food not available that day
                else:
                    self.add(z, ">=", 1, "pin")
            else:
                y = self.y.get((d, pin_meal, f))
                self.add({y: 1.0} if y is not None else {}, ">=", 1, "pin")

    def _bound(
        self, expr: dict[Any, float], sense: str, rhs: float, group: str, d: int
    ) -> None:
        if self.p.shortfall:
            slack = self.var(0, None, "Continuous")
            self.slacks[f"{group}@{d}"] = slack
            expr = dict(expr)
            expr[slack] = 1.0 if sense == ">=" else -1.0
        self.add(expr, sense, rhs, group)

    def _plan_wide(self) -> None:
        p = self.p
        for bound in p.bounds:
            if not bound.average:
                continue
            expr: dict[Any, float] = {}
            for d in range(p.days):
                for var, c in self._sum(d, self._weights(bound.nutrient)).items():
                    expr[var] = expr.get(var, 0.0) + c
            self._bound(expr, bound.sense, bound.value * p.days, bound.group, -1)
        if p.max_days_per_food is not None and p.days > 1:
            pinned = {f for f, _, _ in p.pins}
            by_food: dict[int, dict[Any, float]] = {}
            for (_, f), z in self.z.items():
                if f not in pinned:
                    by_food.setdefault(f, {}).update(z)
            for zs in by_food.values():
                if len(zs) > p.max_days_per_food:
                    self.add(zs, "<=", p.max_days_per_food, "variety")
        if p.max_grams_per_week is not None:
            by_food_g: dict[int, dict[Any, float]] = {}
            for (_, _, f), var in self.v.items():
                by_food_g.setdefault(f, {})[var] = float(p.unit_grams[f])
            for f, expr in by_food_g.items():
                if (
                    float(p.unit_grams[f]) * float(p.max_units[f]) * p.days
                    > p.max_grams_per_week
                ):
                    self.add(expr, "<=", p.max_grams_per_week, "week_grams")
        if p.no_repeat_meals:
            self._no_repeats()
        for (d, m), old in p.must_differ.items():
            # m == -1: the whole day must drop one of its old foods.
            if m < 0:
                present = [self.z[d, f] for f in old if (d, f) in self.z]
            else:
                present = [{self.y[d, m, f]: 1.0} for f in old if (d, m, f) in self.y]
            # Foods already banned cannot come back, so the scope differs anyway.
            if len(present) == len(old):
                self.add(_merge(present), "<=", len(old) - 1, "differ")

    def _no_repeats(self) -> None:
        # Meal m of day d and of day d+1 may not hold the same set of foods:
        # 2*shared <= |A| + |B| - 1 is exactly "A != B" for non-empty meals.
        p = self.p
        for m, meal in enumerate(p.meals):
            if meal.min_foods < 1:
                continue
            for d in range(p.days - 1):
                if (d, m) in p.fixed_scopes and (d + 1, m) in p.fixed_scopes:
                    continue
                expr: dict[Any, float] = {}
                for f in meal.foods:
                    a = self.y.get((d, m, f))
                    b = self.y.get((d + 1, m, f))
                    if a is not None:
                        expr[a] = expr.get(a, 0.0) - 1.0
                    if b is not None:
                        expr[b] = expr.get(b, 0.0) - 1.0
                    if a is not None and b is not None:
                        s = self.var(0, 1, "Continuous")
                        self.add({s: 1.0, a: -1.0, b: -1.0}, ">=", -1, "shared")
                        expr[s] = 2.0
                self.add(expr, "<=", -1, "no_repeat")

    def _pattern_objective(self, obj: dict[Any, float], weight: float) -> None:
        """Charge each day's departure from the food pattern, and big servings.

        Per day and pattern group: |servings - target| (convex, via two
        continuous deviations). Per item: servings beyond one default serving
        (max(0, P - 1), also convex). Foods outside the pattern groups
        (sweets, condiments) cost a flat charge per serving. Foods the article
        does not name carry a small surcharge per serving, and fixed tiny
        per-food weights break ties.
        """
        p = self.p
        upp = 1.0 / p.units_per_portion
        for d in range(p.days):
            if all((d, m) in p.fixed_scopes for m in range(len(p.meals))):
                continue
            groups: dict[str, dict[Any, float]] = {}
            for m, f, var in self.day_vars.get(d, ()):
                del m  # the pattern counts the whole day
                group = PATTERN_GROUP.get(p.category[f], "")
                if group in p.pattern:
                    groups.setdefault(group, {})[var] = float(p.pattern_credit[f])
                elif group == "extras":
                    obj[var] = obj.get(var, 0.0) + weight * _EXTRAS_COST * upp
                penalty = (
                    (0.0 if p.article[f] else _ARTICLE_BONUS)
                    + p.penalty.get(f, 0.0)
                    + _TIE_BREAK * (1 + float(p.tie[f]))
                )
                obj[var] = obj.get(var, 0.0) + weight * penalty * upp
            for group, target in p.pattern.items():
                members = groups.get(group, {})
                over = self.var(0, None, "Continuous")
                under = self.var(0, None, "Continuous")
                expr = dict(members)
                expr[over] = -1.0
                expr[under] = 1.0
                self.add(expr, "=", target, "pattern")
                obj[over] = weight
                obj[under] = weight

    def _objective(self) -> None:
        p = self.p
        obj: dict[Any, float] = {}
        if self.goal is not None:
            what = self.goal[1]
            if what == "cost":
                for (_, _, f), var in self.v.items():
                    c = float(p.price_per_unit[f])
                    if c == c and c:
                        obj[var] = c
            elif what == "foods":
                obj = _merge(self.z.values())
            elif what != "none":
                col = p.coef[what]
                for (_, _, f), var in self.v.items():
                    if col[f]:
                        obj[var] = obj.get(var, 0.0) + float(col[f])
            self.prob += pulp.LpAffineExpression(obj), "objective"
            return
        typical_weight = 1.0
        if p.objective is Objective.COST:
            for (_, _, f), var in self.v.items():
                c = float(p.price_per_unit[f])
                if c == c and c:
                    obj[var] = obj.get(var, 0.0) + c
            # Typical-serving terms only break ties between equal-cost plans.
            typical_weight = 1e-3
        if p.pattern:
            self._pattern_objective(obj, typical_weight)
        else:
            # A table without categories: fewest portions, same tie-break.
            for (_, _, f), var in self.v.items():
                w = 1.0 / p.units_per_portion - (
                    _ARTICLE_BONUS / 10 if p.article[f] else 0.0
                )
                obj[var] = obj.get(var, 0.0) + typical_weight * (
                    w + _TIE_BREAK * float(p.tie[f])
                )
        for name, slack in self.slacks.items():
            group = name.split("@", 1)[0]
            rhs = next((b.value for b in p.bounds if b.group == group), 1.0)
            obj[slack] = _SHORTFALL_WEIGHT / max(rhs, 1e-6)
        self.prob += pulp.LpAffineExpression(obj), "objective"


def _guided_start(
    problem: Problem,
    *,
    goal: tuple[str, str] | None,
    time_limit: float,
    mip_gap: float,
) -> tuple[Solution, float] | None:
    """Find a starting plan among the foods the LP relaxation uses.

    The relaxation's bound is nearly the optimum on these models, but HiGHS's
    own heuristics take most of a solve to find a matching plan among ~600
    foods. The foods the relaxation uses are almost always enough: the MILP
    restricted to them is small and solves in a fraction of the time, and the
    full MILP started from its plan only has to confirm the bound.

    Returns:
        The restricted plan and the relaxation's objective (a lower bound for
        the full model when minimising), or None.

    """
    # Everything here shares half the caller's time limit, so a plan never
    # overruns it: the full MILP gets what is left.
    deadline = time.perf_counter() + time_limit / 2

    def left(share: float = 1.0) -> float:
        return max((deadline - time.perf_counter()) * share, 0.05)

    lp = solve(problem, goal=goal, time_limit=left(), mip_gap=mip_gap, relax=True)
    if (
        lp.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
        or lp.objective is None
    ):
        return None
    support = {f for (_, _, f), units in lp.units.items() if units > 1e-6}
    support |= {f for f, _, _ in problem.pins}

    widened: list[set[int]] = [support]

    def alternative() -> set[int] | None:
        # The support plus the foods the relaxation turns to when its first
        # choices are banned: integer portions and food counts sometimes need
        # a food the relaxation could do without.
        pins = {f for f, _, _ in problem.pins}
        banned = [*problem.bans, *((f, None, None) for f in support - pins)]
        second = solve(
            dataclasses.replace(problem, bans=banned),
            goal=goal,
            time_limit=left(),
            relax=True,
        )
        if second.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return None  # nothing new to try
        widened.append(widened[-1] | {f for (_, _, f) in second.units})
        return widened[-1]

    def cheapest() -> set[int] | None:
        # A tight budget needs the cheap foods, which the typical-serving
        # relaxation rarely touches: add the cheapest relaxation's foods.
        if problem.budget is None:
            return None
        cheap = solve(problem, goal=("min", "cost"), time_limit=left(), relax=True)
        if cheap.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return None
        return widened[-1] | {f for (_, _, f) in cheap.units}

    # Each wider candidate set is computed only when the narrower one fails.
    attempts: list[Callable[[], set[int] | None]] = [
        lambda: support,
        alternative,
        cheapest,
    ]
    for attempt in attempts:
        foods = attempt()
        if foods is None:
            continue
        others = [
            (f, None, None) for f in range(len(problem.food_ids)) if f not in foods
        ]
        restricted = dataclasses.replace(problem, bans=[*problem.bans, *others])
        small = solve(
            restricted,
            goal=goal,
            time_limit=left(0.5),
            mip_gap=mip_gap,
            guide=False,
        )
        if small.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            # Account for the relaxation in the plan's timings too.
            small.build_seconds += lp.build_seconds
            small.extract_seconds += lp.extract_seconds
            small.solve_seconds += lp.solve_seconds
            return small, lp.objective
    return None


def solve(
    problem: Problem,
    *,
    solver: SolverName = SolverName.HIGHS,
    time_limit: float = 20.0,
    mip_gap: float = 1e-4,
    goal: tuple[str, str] | None = None,
    start: dict[Key, float] | None = None,
    relax: bool = False,
    guide: bool = True,
) -> Solution:
    """Solve ``problem`` and return plain values.

    Args:
        problem: The model as data.
        solver: HiGHS (default) or the bundled CBC.
        time_limit: Seconds before the solver stops with its best plan.
        mip_gap: Relative gap at which a plan counts as optimal.
        goal: Replace the objective, e.g. ``("max", "vitamin_b12_ug")``,
            ``("min", "cost")``, ``("min", "foods")`` or ``("min", "none")``
            (pure feasibility); used by the diagnosis.
        start: A feasible plan to start from, as (day, meal, food) -> units
            (HiGHS only); the weekly planner passes its day-by-day plan.
        relax: Solve the LP relaxation (every variable continuous).
        guide: Without a ``start``, find one first by solving the model
            restricted to the foods its LP relaxation uses (HiGHS only).

    Returns:
        The solution; ``units`` is empty unless a plan was found.

    Raises:
        SolverError: The solver crashed or is not installed.

    """
    if problem.impossible:
        return Solution(SolveStatus.INFEASIBLE, solver_status="impossible")
    t0 = time.perf_counter()
    guide_seconds = 0.0
    if (
        guide
        and start is None
        and not relax
        and problem.integer
        and solver is SolverName.HIGHS
    ):
        guided = _guided_start(
            problem, goal=goal, time_limit=time_limit, mip_gap=mip_gap
        )
        guide_seconds = time.perf_counter() - t0
        if guided is not None:
            small, bound = guided
            start = small.units
            # The relaxation bounds the full model, so a restricted plan within
            # the gap of it is optimal for the full model too: no second solve.
            minimise = goal is None or goal[0] != "max"
            if minimise and small.objective is not None:
                gap_abs = small.objective - bound
                if gap_abs <= max(_ABS_GAP, mip_gap * abs(small.objective)) + 1e-9:
                    small.status = SolveStatus.OPTIMAL
                    small.gap = max(gap_abs, 0.0) / max(abs(small.objective), 1e-9)
                    return small
        t0 = time.perf_counter()
    builder = _Builder(problem, goal)
    builder.build()
    t1 = time.perf_counter()
    warm: dict[Any, float] | None = None
    if start:
        warm = {}
        for key, var in builder.v.items():
            amount = start.get(key, 0.0)
            warm[var] = amount
            if key in builder.y:
                warm[builder.y[key]] = 1.0 if amount > 0 else 0.0
    # The guiding solves spend the same time budget.
    remaining = max(time_limit - guide_seconds, 0.5)
    backend = _make_solver(solver, remaining, mip_gap, warm, mip=not relax)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            status = builder.prob.solve(backend)
    except pulp.PulpSolverError as exc:
        msg = f"The {solver.value} solver failed ({exc}); retry with solver='highs' or 'cbc'."
        raise SolverError(msg, status="error") from exc
    t2 = time.perf_counter()
    sol_status = builder.prob.sol_status
    gap: float | None = None
    if solver is SolverName.HIGHS and builder.prob.solverModel is not None:
        with contextlib.suppress(Exception):
            info = builder.prob.solverModel.getInfo()
            raw = float(info.mip_gap)
            # A non-finite gap means no bound was proven: unknown, not zero.
            gap = max(raw, 0.0) if math.isfinite(raw) else None
    if status == pulp.LpStatusInfeasible:
        return Solution(
            SolveStatus.INFEASIBLE,
            build_seconds=t1 - t0,
            solve_seconds=t2 - t1,
            solver_status="infeasible",
        )
    if sol_status == pulp.LpSolutionOptimal:
        result = SolveStatus.OPTIMAL
        gap = 0.0 if gap is None or gap <= mip_gap + 1e-12 else gap
    elif sol_status == pulp.LpSolutionIntegerFeasible:
        result = SolveStatus.FEASIBLE
    elif status == pulp.LpStatusUnbounded:
        msg = "The model is unbounded, which a meal plan cannot be; please report this request."
        raise SolverError(msg, status="unbounded")
    else:
        return Solution(
            SolveStatus.NO_SOLUTION,
            build_seconds=t1 - t0,
            solve_seconds=t2 - t1,
            solver_status=pulp.LpStatus[status],
        )
    units: dict[Key, float] = {}
    for key, var in builder.v.items():
        value = var.value() or 0.0
        if problem.integer and not relax:
            value = float(round(value))
        elif abs(value) < 1e-9:
            value = 0.0
        if value > 0:
            units[key] = value
    slacks = {name: float(s.value() or 0.0) for name, s in builder.slacks.items()}
    objective = pulp.value(builder.prob.objective)
    t3 = time.perf_counter()
    return Solution(
        result,
        units=units,
        objective=float(objective) if objective is not None else None,
        gap=gap,
        build_seconds=t1 - t0,
        solve_seconds=t2 - t1 + guide_seconds,  # the guiding solves count as solving
        extract_seconds=t3 - t2,
        slacks=slacks,
        solver_status=pulp.LpStatus[status],
    )


def write_mps(problem: Problem, path: str | os.PathLike[str]) -> None:
    """Write the exact MILP :func:`solve` would hand the solver, as MPS.

    For benchmarks: the same model solved by bare highspy or CBC, with no
    Python model building, is the floor our end-to-end time is measured
    against. (The LP-guided start is solving strategy, not model, so the
    file holds the full model.)
    """
    builder = _Builder(problem, None)
    builder.build()
    builder.prob.writeMPS(os.fspath(path))
