"""The budget advice of a plan of several days: a daily budget that plans.

The cheapest whole plan of a week (what one day's advice solves for) is a
slow optimisation: days planned by cost each run to their limit, and the
whole-plan model's proofs take tens of seconds. Instead the oracle's quick
week check plans the days by cost, without the budget (plan()'s first plan:
day-plans in rotation, else one day at a time): each day a cheap plan
meeting every rule of the whole plan (variety, no repeated meal), so the
dearest of its days is a daily budget the week is verified to plan with. A
few bisection steps below it follow, each a quick week check under the
trial budget: a plan verifies the lower budget; a failure proves
nothing unless a single day alone has no plan under it (then no week has
either). The advice is marked smallest only when a cent less was proven to
have no plan, which a week rarely is.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from mealplan._models import MealPlan
from mealplan._oracle import cents_up

if TYPE_CHECKING:
    from mealplan._relax import Context, Found


__all__ = ["week_budget"]

_NARROW = 3
"""Bisection steps between the last failing and the first planning budget."""
_MIN_LEFT = 0.2
"""Seconds left below which the oracle starts no solve (out of time)."""


def _cheap_week(ctx: Context) -> float | bool | None:
    """Return the dearest day of a cheap week (dollars), False (none), None (unknown).

    The days planned one at a time by cost, no budget (the oracle's quick
    week check): each day is a cheap plan meeting every rule of the whole
    plan, so the dearest of them is a daily budget the week is verified
    to plan with.
    """
    patch = {"budget_per_day": None, "objective": "cost"}
    # The week's one verified budget: like the food-count floor, it may run
    # past this group's share, up to half of all that is left (cut short, it
    # starts over in the retry, and the $1 week got no advice at 10 s).
    everything = ctx.oracle.left(ctx.oracle.deadline)
    until = time.monotonic() + max(ctx.oracle.left(), everything / 2)
    week = ctx.oracle.run(patch, quick=True, until=until)
    if week is None and ctx.oracle.left() >= _MIN_LEFT:
        # The days one at a time found none (a small table's variety rule):
        # any plan of the whole model will do, its dearest day the budget.
        week = ctx.oracle.run(patch)
    if isinstance(week, MealPlan):
        costs = [d.cost for d in week.days]
        if any(c is None for c in costs):
            return None
        return max(c for c in costs if c is not None)
    return week


def week_budget(ctx: Context) -> Found | None:
    """Return the week's budget advice, or None to fall back to the whole-plan search.

    A cheap week gives a verified daily budget at once; then a few
    bisection steps between the request's budget and it, each the oracle's
    quick week check (the days planned one at a time under the budget): a
    plan verifies the lower budget; a failure proves nothing unless a single
    day alone has no plan under it (then no week has either).
    """
    from mealplan._relax import Found
    from mealplan._relax_budget import budget_suggestion

    dearest = _cheap_week(ctx)
    if dearest is False:
        return Found(
            note="No budget alone gives a plan: the rest of the request conflicts."
        )
    if dearest is None or dearest is True:
        return None  # day-specific rules, or out of time: the whole-plan search
    old = ctx.request.budget_per_day or 0.0
    good = cents_up(float(dearest))
    # The request's own budget has no plan (a proof); the first step tries
    # a fifth below the verified budget, where a plan is likeliest.
    bad, proof = max(old, good * 0.6), old >= good * 0.6
    for _ in range(_NARROW):
        mid = cents_up((good + bad) / 2)
        if good - bad <= 0.011 or mid >= good or mid <= bad:
            break
        ok = ctx.oracle.run({"budget_per_day": mid}, quick=True)
        if isinstance(ok, MealPlan):
            good = mid
        elif ok is None and ctx.oracle.left() < _MIN_LEFT:
            break
        else:
            bad, proof = mid, ok is False
    # Proven only when a cent less is shown to have no plan.
    return Found(budget_suggestion(ctx, good, proof and good - bad <= 0.011))


def _money(x: float) -> str:
    from mealplan._report import money

    return money(x)
