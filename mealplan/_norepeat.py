"""The no-repeat rule for meals that may be empty (an optional snack), lazily.

The rule of multi-day plans: no meal holds the same foods on two consecutive
days. An empty meal is no meal, so two days without a snack do not break it.

For meals with ``min_foods`` of at least 1 the whole-plan MILP carries the
rule as rows (``_formulation.no_repeats``). For a meal that may be empty it
needs an indicator per day and meal ("the snack is not empty"), and those
made the checker's irreducibility proofs of an infeasible 4-day example run
past 20 s. So the whole-plan MILP leaves those meals out: it is then a
relaxation of the plan's rules, its bound stays a valid bound and its
infeasibility a valid proof. The rule is kept where plans are made:

* the day-by-day seed makes each such meal drop a food of the day before
  (``_day_seed._day_by_day``, as for every meal);
* the column generation's master has a no-repeat row for every meal
  (``_weekly_master``), non-empty contents only;
* a whole-plan MILP's plan (CBC and other PuLP solvers, requests column
  generation does not take, ``regenerate``, the polish of short plans) is
  checked here, and each repeat found becomes a cut that forbids exactly
  that content on exactly those days (:func:`cut_rows`); the MILP is solved
  again with the cuts. A cut only removes plans that break the rule, so the
  model stays a relaxation and an optimum that meets the rule is the
  optimum.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from mealplan._arrays import INF, Block
from mealplan._problem import ConstraintGroup

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mealplan._arrays import ModelBuilder
    from mealplan._problem import MealRow, Problem

__all__ = ["NotSame", "cut_rows", "repeats", "with_cuts"]

NotSame = tuple[tuple[int, ...], int, tuple[int, ...]]
"""(days, meal index, sorted food indices): not all those days hold exactly those foods."""


def is_ruled(meal: MealRow) -> bool:
    """Return whether a meal falls under the no-repeat rule.

    Every meal does except the day's supplements part (``kind`` of
    ``supplements``, mealplan._supplements): a tablet is no meal, and a
    vegan's B12 tablet may come every day.
    """
    return meal.kind == "meal"


def repeats(
    problem: Problem, units: Mapping[tuple[int, int, int], float]
) -> list[NotSame]:
    """Return a cut for each meal that holds the same foods on consecutive days.

    Every meal is checked (those the MILP already covers never show up);
    empty meals are no meal, and a pair of scopes that ``regenerate`` keeps
    as they were is not the plan's to change.
    """
    if not problem.no_repeat_meals or problem.days < 2:
        return []
    content: dict[tuple[int, int], set[int]] = {}
    for (d, m, f), u in units.items():
        if u > 1e-9:
            content.setdefault((d, m), set()).add(f)
    found: list[NotSame] = []
    for m, meal in enumerate(problem.meals):
        if not is_ruled(meal):
            continue
        for d in range(problem.days - 1):
            if (d, m) in problem.fixed_scopes and (d + 1, m) in problem.fixed_scopes:
                continue
            a = content.get((d, m))
            if a and a == content.get((d + 1, m)):
                found.append(((d, d + 1), m, tuple(sorted(a))))
    return found


def with_cuts(problem: Problem, cuts: list[NotSame]) -> Problem:
    """Return ``problem`` with ``cuts`` added to its not-same rows."""
    known = set(problem.not_same)
    new = tuple(c for c in cuts if c not in known)
    return dataclasses.replace(problem, not_same=problem.not_same + new)


def cut_rows(b: ModelBuilder) -> None:
    """Add a row per not-same cut: those days do not all hold exactly those foods.

    ``sum over days (sum_{f in S} y - sum_{f not in S} y) <= days * |S| - 1``:
    the left side reaches ``days * |S|`` only when every day holds exactly
    ``S``. A day where a food of ``S`` has no column cannot hold ``S``, so
    that cut needs no row.
    """
    p = b.problem
    if not p.not_same or not b.need_y:
        return
    group = ConstraintGroup.parse("variety")
    position = {tuple(key): k for k, key in enumerate(b.keys.tolist())}
    for days, m, foods in p.not_same:
        inside = set(foods)
        cols: list[int] = []
        vals: list[float] = []
        complete = True
        for d in days:
            if any((d, m, f) not in position for f in inside):
                complete = False
                break
            for f in p.meals[m].foods:
                k = position.get((d, m, f))
                if k is not None:
                    cols.append(int(b.y[k]))
                    vals.append(1.0 if f in inside else -1.0)
        if complete:
            upper = float(len(days) * len(inside) - 1)
            b.add_row(cols, vals, -INF, upper, Block.NO_REPEAT, group)
