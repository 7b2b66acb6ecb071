"""Better day-plans for a short structured plan: one day re-planned at a time.

The seed's day-plans (:mod:`mealplan._weekly_seed`) and the heuristic
pricing of the column generation are the guided start's *first* plans
(``abs_gap=inf``): a day far from its optimum (default 2-day plan: a first
day at 5.96 where a solved one costs 0.90 under the same bans). Under the
default variety rule the days of a 2-3 day plan share almost no base (a base
on at most half the days), so the plan is what its days are worth, and the
column generation's rounds did not close that (2 days: 3.33 after 9 rounds,
where two solved days give 2.25).

So each day in turn is solved properly (``mip_gap`` 1 %, the default 0.02
tolerance) with every key (a food, or a base) banned that the other days
already hold on as many days as the variety rule allows: whatever it
returns fits beside the other days. It joins the master's pool as a column
and the integer master picks the best plan of the pool, which keeps every
rule (the no-repeat rows of consecutive days included, which the bans do
not cover). Passes repeat while a day improves.

Structured plans of more than 3 days (which run no whole-plan MILP) take it
too: there the rounds' heuristic pricing stalled with days that a solved day
beats (``mealplan._weekly._LOCAL_LONG``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mealplan._deadline import Deadline
from mealplan._optimiser import SolveStatus, solve
from mealplan._problem import Restrictions, build_problem
from mealplan._weekly_master import Key, Master, column, integer_master

if TYPE_CHECKING:
    from collections.abc import Callable

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanRequest
    from mealplan._problem import Problem

__all__ = ["improve_days"]

log = logging.getLogger(__name__)

# Each day's solve: within 1 % or the usual 0.02 of its bound (a first plan
# is not enough: that is what the seed already has).
_DAY_GAP = 0.01
_DAY_ABS_GAP = 0.02
# The most one day's re-plan may take (the default 10 s request gives the
# first day 2.5 s, the next ones less: unchanged by this cap).
_DAY_SECONDS = 3.0
# Passes over the days at most (a pass that improves nothing ends it).
_PASSES = 3


def improve_days(
    day_reqs: list[PlanRequest],
    day_types: list[int],
    targets: NutrientTargets,
    table: FoodTable,
    pricing: list[Problem],
    master: Master,
    incumbent: tuple[float, dict[Key, float]],
    deadline: Deadline,
    evaluate: Callable[[Problem, dict[Key, float]], float],
    done: Callable[[float], bool] | None = None,
) -> tuple[float, dict[Key, float]]:
    """Return a plan at least as good as ``incumbent`` (see the module).

    ``evaluate`` costs a day-plan in its day model (the cost the master
    uses for every column, so plans compare alike); ``done`` says whether a
    plan's cost is already good enough (the request's gap), which ends the
    re-planning.
    """
    days = len(day_types)
    forms: dict[int, list[int]] = {}
    for f, key in master.variety_key.items():
        forms.setdefault(key, []).append(f)
    for _ in range(_PASSES):
        improved = False
        for d in range(days):
            if deadline.expired:
                return incumbent
            t = day_types[d]
            others: dict[int, int] = {}
            for dd in range(days):
                if dd != d:
                    held = {
                        master.variety_key[f]
                        for (day, _, f) in incumbent[1]
                        if day == dd and f in master.variety_key
                    }
                    for key in held:
                        others[key] = others.get(key, 0) + 1
            banned = [
                key
                for key, n in others.items()
                if n + 1 > master.limit.get(key, master.max_days or days)
            ]
            ids = pricing[t].food_ids
            problem = build_problem(
                day_reqs[t],
                targets,
                table,
                restrictions=Restrictions(
                    bans=tuple(
                        (None, None, ids[f]) for key in banned for f in forms[key]
                    )
                ),
            )
            if problem.food_ids != ids:
                return incumbent  # bans must not renumber the foods
            # Half the time left per day: the days after it need some too;
            # at most _DAY_SECONDS (a long limit bought 11-15 s per day of
            # proving a day within _DAY_ABS_GAP, not better days).
            found = solve(
                problem,
                mip_gap=_DAY_GAP,
                deadline=deadline.part(min(deadline.left() * 0.5, _DAY_SECONDS)),
                abs_gap=_DAY_ABS_GAP,
            )
            if found.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
                continue
            units = {(0, m, f): u for (_, m, f), u in found.units.items()}
            if not master.add(column(t, units, evaluate(pricing[t], units))):
                continue
            best = integer_master(master, deadline)
            log.debug(
                "day %d re-planned at %.2f s: %d keys banned, day cost %.4f (solve %.4f), "
                "plan %s (was %.4f)",
                d,
                deadline.elapsed(),
                len(banned),
                master.columns[-1].cost,
                found.objective,
                "none" if best is None else f"{best[0]:.4f}",
                incumbent[0],
            )
            if best is not None and best[0] < incumbent[0] - 1e-9:
                incumbent, improved = best, True
                if done is not None and done(incumbent[0]):
                    return incumbent
        if not improved:
            break
    return incumbent
