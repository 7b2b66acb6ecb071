"""The first plan of a multi-day request: day-plans in rotation, else day by day.

The whole-plan MILP starts from this incumbent instead of searching for one
(with interchangeable days its own search finds a first plan slowly):
:func:`first_plan_widened` tries the rotation of two daily plans
(:mod:`mealplan._weekly_seed`), else plans the days one at a time
(:func:`_day_by_day`), once more with foods spread out when the first pass
ran a later day out of foods, and widens the default variety limit for a
base no day can do without. Split from :mod:`mealplan._planner`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mealplan._deadline import Deadline
from mealplan._models import NutrientPeriod, NutrientTargets, PlanRequest
from mealplan._norepeat import is_ruled
from mealplan._optimiser import SolveStatus, solve
from mealplan._problem import Restrictions, build_problem
from mealplan._sources import widen_for_needed
from mealplan._week_caps import allowance, day_amounts, week_limits
from mealplan._weekly import day_request
from mealplan._weekly_seed import Contested, NoRotation, rotation_seed, variety_keys

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable

__all__ = ["first_plan_widened"]


def first_plan_widened(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    *,
    wider: Mapping[str, int],
    after_contest: bool = True,
) -> tuple[dict[tuple[int, int, int], float] | None, dict[str, int], list[str]]:
    """Return the first plan, the variety limits it kept, and why they widened.

    ``after_contest``: plan day by day after a rotation that ended Contested
    (False: None at once, for a caller with a wider rule to try next).

    A base no day can do without (proven by the seed, NoRotation) makes a
    request infeasible by the default variety rule alone; issue 16 rules
    that out for a default request, so the default yields for that base
    (:func:`mealplan._sources.widen_for_needed`) and the seed starts again:
    a vegan 2-year-old's week needs avocado every day. Raises NoRotation
    when the limit is the caller's own ``max_days_per_food`` (or the base
    may already appear every day): then the proof stands.
    """
    wide = dict(wider)
    notes: list[str] = []
    while True:
        try:
            first = _first_plan(
                req, targets, table, deadline, wider=wide, after_contest=after_contest
            )
            return first, wide, notes
        except NoRotation as proof:
            more = widen_for_needed(req, proof.key, proof.forms, wide)
            if more is None or deadline.expired:
                raise
            wide, note = more
            notes.append(note)


def _first_plan(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    *,
    wider: Mapping[str, int] | None = None,
    after_contest: bool = True,
) -> dict[tuple[int, int, int], float] | None:
    """Return the first plan of a multi-day request (None: start cold).

    Day-plans in rotation (two daily solves for the default variety rule,
    :mod:`mealplan._weekly_seed`), else the day-by-day seed, once more with
    foods spread out when its first pass left a day without any plan; not
    after a rotation that ended Contested unless ``after_contest``.
    """
    rotated = rotation_seed(req, targets, table, deadline, wider=wider)
    if isinstance(rotated, Contested) and not after_contest:
        # Greedy days take the contested key on the days the rule allows
        # and the day after has none: no such seed came (session 39), and
        # the caller's wider rule gets the time instead.
        return None
    start = None if isinstance(rotated, Contested) else rotated
    for reuse_cost in (_REUSE_COST, _SPREAD_REUSE_COST):
        if start is not None or deadline.expired:
            break
        start = _day_by_day(
            req, targets, table, deadline, wider=wider, reuse_cost=reuse_cost
        )
    return start


_REUSE_COST = 0.02
"""Per serving and per earlier day a food was eaten, in day-by-day planning."""

_SPREAD_REUSE_COST = 2.0
"""The same charge when the first pass ran a later day out of foods.

Greedy days can use up what a later day needs: on a 14-food table, 4 days
averaged, day 3 took the three foods it liked best, day 4 was infeasible
under the variety and no-repeat rules, and the whole-plan MILP then searched
from nothing (its plans kept repeating a meal, each cut and solved again)
and found no plan in 60 s, though one exists (a plan in 10 s from this seed).
Charging reuse this much (more than any food's own objective term) makes
each day take foods the earlier days left alone.
"""


def _day_by_day(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline | None = None,
    *,
    wider: Mapping[str, int] | None = None,
    reuse_cost: float = _REUSE_COST,
) -> dict[tuple[int, int, int], float] | None:
    """Plan the days one at a time, as a starting point for the whole plan.

    ``wider`` gives sole sources of a need their wider variety limit;
    ``reuse_cost`` is charged per serving and per earlier day of a food.

    Each day is a small daily model: foods that already reached their
    max_days_per_food are banned, and each meal must drop a food of the day
    before, so the result meets the plan's variety rules. The whole-plan MILP
    then starts from this incumbent instead of searching for one: with
    interchangeable days its own search finds a first plan slowly. Returns
    None when a day cannot be planned this way (the MILP then starts cold).
    """
    if req.max_grams_per_week is not None:
        return None
    if deadline is None:
        deadline = Deadline(req.time_limit)
    start: dict[tuple[int, int, int], float] = {}
    days_used: dict[str, int] = {}
    previous: dict[str, list[str]] = {}
    # The variety rule's keys (bases under the meal structure), a sole
    # source's wider limit, no rule for a supplement.
    keys = variety_keys(req, table, wider)
    # Weekly caps (FDA/EPA fish): each day gets what its windows have left.
    limits = week_limits(req, table)
    planned: dict[tuple[str, int], float] = {}
    # Most of the time limit: this is the dependable source of a first plan;
    # the whole-plan MILP mostly tightens the bound on it.
    budget = deadline.sub(0.6)
    for d in range(req.days):
        if deadline.expired:
            # The request's time is up: no seed, so the request ends at its
            # limit (a typed time-limit error) instead of planning on.
            return None
        day_req = day_request(req, d).model_copy(
            update={"nutrient_period": NutrientPeriod.DAILY}
        )
        pinned = {*req.include, *(p.food for p in day_req.pins)}
        extra = Restrictions(
            bans=tuple(
                (None, None, fid)
                for b, n in days_used.items()
                if n >= keys.limit_of(b)
                for fid in keys.forms[b]
                if fid not in pinned
            ),
            # Charge foods by the days they were already eaten, so the plan
            # spreads them out instead of exhausting its favourites by day 5.
            penalty=tuple(
                (fid, reuse_cost * n)
                for b, n in days_used.items()
                for fid in keys.forms[b]
            ),
            # Every meal the day before held, snacks with min_foods 0 too
            # (the no-repeat rule covers them: mealplan._norepeat).
            must_differ=tuple(
                ((0, meal), tuple(fids)) for meal, fids in previous.items()
            ),
            week_allowance=allowance(limits, planned, d, req.days),
        )
        problem = build_problem(day_req, targets, table, restrictions=extra)
        # A fair share per remaining day (half as much again, as early days are
        # quick), so a hard day stops at a good plan rather than starving the
        # rest; and only a good start is needed: the whole-plan MILP proves the
        # gap. A day past the budget still gets a little time, never past the
        # request's own limit.
        left = budget.left()
        share = min(max(min(left, 1.5 * left / (req.days - d)), 0.2), deadline.left())
        # The guided start's first plan is enough here (abs_gap=inf): the
        # seed only has to be feasible and decent; what follows improves it.
        solution = solve(
            problem,
            solver=req.solver,
            mip_gap=0.1,
            deadline=deadline.part(share),
            abs_gap=math.inf,
            seed=True,
        )
        if solution.status is SolveStatus.NO_SOLUTION and not deadline.expired:
            # A day under the meal structure can need more than its share:
            # once, give it what is left of the whole request.
            solution = solve(
                problem,
                solver=req.solver,
                mip_gap=0.1,
                deadline=deadline.part(deadline.left()),
            )
        if solution.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return None
        previous = {}
        for (_, m, f), units in solution.units.items():
            start[d, m, f] = units
            meal = problem.meals[m]
            if is_ruled(meal):
                previous.setdefault(meal.name, []).append(problem.food_ids[f])
        for b in {keys.key(problem.food_ids[f]) for _, _, f in solution.units}:
            days_used[b] = days_used.get(b, 0) + 1
        for (cap_id, _), amount in day_amounts(
            problem.week_caps, solution.units
        ).items():
            planned[cap_id, d] = amount
    # The day model's food indices are the whole plan's: same filters, same table.
    return start
