"""The budget's relaxation: the smallest daily budget that gives a plan.

The cheapest plan meeting every other constraint is the advice and its own
proof; for one day a floor proof (:func:`_budget_floor`) then shows that no
day costs a cent less, or finds the real floor, within its share of the
time limit. Longer plans ask :mod:`mealplan._advice_budget`.
"""

from __future__ import annotations

import math
import time
from typing import Any

from mealplan._models import MealPlan, Suggestion
from mealplan._oracle import cents_up
from mealplan._relax_base import Context, Found, suggest
from mealplan._report import money

__all__ = ["budget_relaxation", "budget_suggestion"]


_CHEAPEST = {"budget_per_day": None, "objective": "cost"}


def budget_suggestion(
    ctx: Context, need: float, smallest: bool, floor: float | None = None
) -> Suggestion:
    """Advise ``need`` a day; ``floor``: a proven bound no day costs less than."""
    old = ctx.request.budget_per_day or 0.0
    text = f"raise the budget to {money(need)} a day (from {money(old)})"
    if not smallest and floor is not None and old < floor < need:
        # Honest about the proof cut short: the cheapest day lies between.
        text += f"; not proven the smallest: no day costs less than {money(floor)}"
    elif not smallest:
        # Honest about what was shown: this budget plans; a lower one might.
        text += "; a plan exists at this budget, a lower one was not ruled out"
    return suggest(
        ctx,
        ["budget"],
        text,
        "budget_per_day",
        f"--budget {need:.2f}",
        {"budget_per_day": need},
        (need - old) / old if old else 1.0,
        True,
        smallest=smallest,
    )


_FLOOR_SHARE = 0.1
"""Share of the request's time limit the budget's floor proof may take (and
half of a limit's excess over 10 s): the $1 day's bound crawls (5.8-10.8 s
of CPU to the cent), so a proof is for a longer limit."""

_FLOOR_MIN = 2.0
"""Seconds below which the floor proof is not started. Under the default
10 s limit its share was 1 s of wall time, which never moved the bound past
the cheapest relaxation's (the $1 day: HiGHS's presolve and root took
0.5 s of CPU, 1.8 s wall at load 10, before its first bound; 2.36 after
1 s of CPU against the relaxation's 2.33): a second of the diagnosis spent
for the same words. The relaxation's bound is still given."""


def _floor_cap(limit: float) -> float:
    """Seconds the budget's floor proof may take under a request's ``limit``."""
    # A longer limit is a request for the proof: half of what exceeds 10 s.
    return max(_FLOOR_SHARE * limit, 0.5 * (limit - 10.0))


def _floor(ctx: Context) -> float | None:
    """Return the best proven lower bound on a day's cost, down to the cent."""
    seen = [*ctx.oracle.cost_bounds]
    if ctx.oracle.floor_bound is not None:
        seen.append(ctx.oracle.floor_bound)
    return math.floor(max(seen) * 100 + 1e-6) / 100 if seen else None


def _budget_floor(ctx: Context, need: float) -> Suggestion:
    """Prove that no day costs a cent less than ``need``, or find the real floor.

    One solve (Oracle.below): the cheapest day below ``need`` (the guided
    start's), stopped once its cents are proven, or within two cents of
    them, or at its share of the time limit. A cheaper plan found lowers
    ``need`` and verifies it; a proof cut short says how close it came.
    """
    cap = max(_FLOOR_MIN, _floor_cap(ctx.request.time_limit))
    found = ctx.oracle.below(_CHEAPEST, ("min", "cost"), need - 0.01 + 1e-6, cap)
    floor = _floor(ctx)
    if found is None:
        return budget_suggestion(ctx, need, False, floor)
    plan, proven = found
    if plan is not None and plan.days[0].cost is not None:
        need = min(need, cents_up(plan.days[0].cost))
    return budget_suggestion(ctx, need, proven, floor)


def budget_relaxation(ctx: Context) -> Found:
    """Find the smallest daily budget that gives a plan (the cheapest plan's)."""
    req = ctx.request
    if req.days > 1:
        from mealplan._advice_budget import week_budget

        # The cheapest whole week is a slow optimisation; the week's daily
        # budget is searched from the cheapest day, verified on every day.
        week = week_budget(ctx)
        if week is not None:
            return week
    # The cheapest plan is the advice itself (as the food count's floor
    # check): it may run past this group's share, up to half of all left.
    until = time.monotonic() + max(
        ctx.oracle.left(), ctx.oracle.left(ctx.oracle.deadline) / 2
    )
    cheapest = ctx.oracle.run(_CHEAPEST, goal=("min", "cost"), until=until)
    if isinstance(cheapest, MealPlan):
        costs = [d.cost for d in cheapest.days if d.cost is not None]
        need = cents_up(max(costs)) if costs else None
        if need is not None:
            # The cheapest plan found meets every other constraint and costs
            # at most ``need`` each day: it is the proof that ``need`` plans.
            # That nothing a cent cheaper does is proven for one day once
            # every group has its advice (the proof can take seconds).
            found = Found(
                budget_suggestion(
                    ctx, need, False, _floor(ctx) if req.days == 1 else None
                )
            )
            if req.days == 1 and _floor_cap(req.time_limit) >= _FLOOR_MIN:
                floor = need
                found.refine = lambda: _budget_floor(ctx, floor)
            return found
    if cheapest is None:
        return Found(
            note="The time limit ran out before the cheapest plan was found.",
            timed_out=True,
        )
    drop: dict[str, Any] = {"budget_per_day": None, "objective": "typical"}
    ok = ctx.oracle.feasible(drop)
    if ok is False:
        return Found(
            note="No budget alone gives a plan: the rest of the request conflicts."
        )
    return Found(
        suggest(
            ctx,
            ["budget", "priced"],
            "drop the budget (foods without a known price then count too)",
            "budget_per_day, objective",
            "--no-budget --objective typical",
            drop,
            1.0,
            ok,
        )
    )
