"""Advice on the food count (``max_foods``): the fewest foods a day that plan.

A proof's floor first (:mod:`mealplan._cover`: fewer foods cannot reach a
need, no solve), then for a day a short fewest-foods plan and the counts
below it, else a window of counts above the floor, and the fewest-foods
optimisation last.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from mealplan._models import MealPlan, PlanItem, Suggestion
from mealplan._relax_base import Context, Found, _gallop, suggest

__all__ = ["max_foods_advice"]


def _foods_floor(ctx: Context) -> int | None:
    """Return the fewest foods a day any plan needs, by mealplan._cover (no solve)."""
    from mealplan._cover import fewest_foods
    from mealplan._planner import least_targets
    from mealplan._problem import build_problem

    req = ctx.request.model_copy(update={"max_foods": None})
    return fewest_foods(build_problem(req, least_targets(req, ctx.table), ctx.table))


def _floor_plans(ctx: Context, floor: int) -> bool | None:
    """Whether the request plans with ``max_foods`` at the proof's floor.

    One feasibility solve, usually cheap (0.2 s CPU for the hard day of
    issue 15) and decisive (its answer is the smallest change), so it may
    run past this group's share of the advice's time, up to half of all
    that is left: under load its share alone was too short to verify it.
    """
    share = ctx.oracle.left()
    everything = ctx.oracle.left(ctx.oracle.deadline)
    until = time.monotonic() + max(share, everything / 2)
    return ctx.oracle.feasible({"max_foods": floor}, until=until)


def _counted(items: Sequence[PlanItem]) -> int:
    """Return the foods of a day that max_foods counts."""
    return len(
        {i.food_id for i in items if i.kind != "supplement" and i.part_of is None}
    )


def max_foods_advice(ctx: Context) -> Found:
    """Return the smallest food count a day that plans, as advice (see the module)."""
    old = ctx.request.max_foods or 100
    floor = _foods_floor(ctx)
    at_floor = _floor_plans(ctx, floor) if floor is not None and floor > old else False
    if floor is not None and at_floor is not False:
        # Fewer than the floor's foods cannot reach a need (a proof with no
        # solve), and the floor itself plans: the smallest change, in one
        # feasibility solve instead of a fewest-foods optimisation. Out of
        # time (None), the floor is still the best-founded change to offer,
        # marked unverified, rather than a search that would run out too.
        return Found(
            _count_suggestion(ctx, floor, old, at_floor),
            timed_out=at_floor is None,
        )
    # The next few counts first, one short re-plan each: the 3-foods day
    # plans with 6 (0.35-0.45 s of CPU), 5 is left open (no plan nor proof
    # in 22 s of CPU), where the fewest-foods plan below gave 8 foods in 1 s
    # and 6 only after 1.4 s.
    # A week's re-plan needs seconds: weeks keep the fewest-foods plan.
    day = ctx.request.days == 1
    start = max(old + 1, floor or 0)
    n, proven = _quick_count(ctx, start, old) if day else (None, False)
    if day and n is None:
        n, proven = _window(ctx, start)
    if n is not None and not proven and ctx.request.time_limit > _LONG_LIMIT:
        # A longer limit is a request for the smaller change: the
        # fewest-foods plan with this group's share (the 3-foods day has a
        # 5-food plan, found after about 9 s of CPU).
        fewer = ctx.oracle.run({"max_foods": None}, goal=("min", "foods"))
        if isinstance(fewer, MealPlan):
            # The items max_foods counts (as below): no tablet, no fat
            # shown as part of an item, the units of the goal's gap.
            m, at_least = _fewest_count(fewer, old)
            if m < n or (m == n and at_least):
                n, proven = m, at_least
    if n is not None:
        return Found(_count_suggestion(ctx, n, old, True, smallest=proven))
    # The plan with the fewest foods (items a day) of the whole request
    # without the limit: one optimisation instead of a search whose every
    # infeasible step is a hard proof.
    fewest = ctx.oracle.run({"max_foods": None}, goal=("min", "foods"))
    if fewest is False:
        return Found(note="No number of foods a day alone gives a plan.")
    if isinstance(fewest, MealPlan):
        n, at_least = _fewest_count(fewest, old)
        verified = n <= 100
        # Proven for one day only: a week's sum says less about its worst day.
        smallest = ctx.request.days == 1 and at_least
    else:
        found = _gallop(lambda n: ctx.oracle.feasible({"max_foods": n}), old + 1, 100)
        n, verified, smallest = found
        if not verified:
            # Out of time before any count planned: the search's upper end
            # (100 foods a day) is no advice (the 3-foods day was offered it).
            return Found(
                note="The time limit ran out before a number of foods a day "
                "was verified.",
                timed_out=True,
            )
    if n is None or n > 100:
        return Found(note="No number of foods a day alone gives a plan.")
    return Found(_count_suggestion(ctx, n, old, verified, smallest=smallest))


def _fewest_count(plan: MealPlan, old: int) -> tuple[int, bool]:
    """Return a fewest-foods plan's count (above ``old``) and whether it is proven.

    The count is of the items max_foods counts (no tablet, no fat shown as
    part of an item), the units of the goal's gap: a bound within the gap
    that rounds up to the count proves it the minimum.
    """
    n = max(max(_counted(d.items) for d in plan.days), old + 1)
    bound = n * (1.0 - (plan.gap if plan.gap is not None else 1.0))
    return n, math.ceil(bound - 1e-6) >= n


def _count_suggestion(
    ctx: Context, n: int, old: int, verified: bool | None, *, smallest: bool = True
) -> Suggestion:
    """Return the advice to allow ``n`` foods a day instead of ``old``."""
    return suggest(
        ctx,
        ["max_foods"],
        f"allow up to {n} foods a day (from {old})",
        "max_foods",
        f"--max-foods {n}",
        {"max_foods": n},
        (n - old) / old,
        verified,
        smallest=smallest,
    )


_LONG_LIMIT = 10.0
"""Seconds of ``time_limit`` (the default) above which the food count's
window is followed by the fewest-foods plan when it did not prove its count
the smallest."""

_WINDOW = 3
"""Food counts tried above the request's (or the proof's floor) before the
fewest-foods plan."""

_COUNT_CAP = 0.8
"""Seconds the window's highest count's re-plan may take: a count that plans
does so at once (the 3-foods day's 6 foods: 0.35-0.45 s of CPU at load 10)."""

_LOWER_CAP = 0.4
"""The same for the counts below it, once a count is verified: only a smaller
change is sought (the 3-foods day's 5 is left open: no plan nor proof in 22 s
of CPU)."""


def _quick_count(ctx: Context, start: int, old: int) -> tuple[int | None, bool]:
    """Return a day's food count from a short fewest-foods plan, then lowered.

    Under the RDA panel the counts next to the floor are the hard ones: the
    3-foods day's 6 had no plan nor proof in the window's 0.8 s, and the
    fewest-foods plan then took the group's whole share (1.4 s) for 7, a
    3.3 s diagnosis. A fewest-foods plan capped at ``_QUICK_FEWEST`` gives
    a verified count at once (8 foods in 0.3 s); the counts below it are then
    tried top-down, down to ``start`` (each plan a fast one: 7 in 0.11 s),
    the first miss ending the search. None: no plan in the cap (the
    window then runs as before).
    """
    # A longer limit than the default buys longer re-plans (as in _window):
    # at a fixed 0.3 s a loaded machine's short plan had more foods, and the
    # descent below it stopped short of the smallest count.
    scale = max(1.0, ctx.request.time_limit / _LONG_LIMIT)
    quick = ctx.oracle.run(
        {"max_foods": None}, goal=("min", "foods"), cap=_QUICK_FEWEST * scale
    )
    if not isinstance(quick, MealPlan):
        return None, False
    best, proven = _fewest_count(quick, old)
    if proven:
        return best, True
    # Down to the start, not a window: every count that plans does so at
    # once, and the first miss ends the descent.
    for n in range(best - 1, start - 1, -1):
        ok = ctx.oracle.run({"max_foods": n}, cap=_LOWER_CAP * scale)
        if ok is None or ok is False:
            return best, ok is False
        best = n
    return best, best <= start


_QUICK_FEWEST = 0.3
"""Seconds of the short fewest-foods plan that starts a day's food-count
search (:func:`_quick_count`)."""


def _window(ctx: Context, start: int) -> tuple[int | None, bool]:
    """Return the fewest foods in the next ``_WINDOW`` counts from ``start`` that plan.

    Counts are tried from the window's top down: a count with no plan proves
    every smaller one has none too (fewer foods allowed only constrains
    more), and the first count's plan is the advice in hand while smaller
    ones are tried. The second value: whether it is proven the smallest
    (the count below had no plan, or it is ``start``, below which the proof's
    floor or the request itself rules every count out). None: the top count
    had no plan or no answer.
    """
    best: int | None = None
    # A longer limit than the default buys longer re-plans.
    scale = max(1.0, ctx.request.time_limit / _LONG_LIMIT)
    for n in range(min(start + _WINDOW - 1, 100), start - 1, -1):
        cap = _COUNT_CAP if best is None else _LOWER_CAP
        ok = ctx.oracle.run({"max_foods": n}, cap=cap * scale)
        if ok is None or ok is False:
            return best, best is not None and ok is False
        best = n
    return best, True
