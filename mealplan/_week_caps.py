"""Weekly life-stage caps across the days of a plan (FDA/EPA fish advice).

The ``week`` rows of ``foods/life_stage_caps.csv`` (:mod:`mealplan._life_stage_caps`)
are weekly amounts: FDA/EPA's Advice about Eating Fish gives children 2-3
servings of fish a week and pregnant or breastfeeding people 8-12 oz a week.
Such a cap holds in every 7 consecutive days of a plan (a plan of fewer days:
over its whole length); a 1-day plan has none (its per-day caps hold).

Every multi-day path keeps them:

- the whole-plan MILP: one row per cap and window (:func:`week_caps`, group
  ``weekly_caps`` the diagnosis can name);
- the day-by-day and rotation seeds: a day (or a day-plan eaten on several
  days of a window) is planned under what its windows have left
  (:func:`allowance`, ``Restrictions.week_allowance``);
- the column generation's master: the same rows over the day-plans' amounts,
  whose duals charge the capped foods in pricing (:mod:`mealplan._weekly_master`);
- regenerate: the kept days are fixed columns of the whole-plan model, so a
  re-planned day gets what the kept days leave.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import INF, Block

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from numpy.typing import NDArray

    from mealplan._arrays import ModelBuilder
    from mealplan._catalog import FoodTable
    from mealplan._life_stage_caps import DayCapRow
    from mealplan._models import PlanRequest
    from mealplan._problem import ConstraintGroup, Problem

__all__ = [
    "WINDOW",
    "allowance",
    "day_amounts",
    "forced_conflicts",
    "rotation_allowance",
    "week_cap_notes",
    "week_caps",
    "week_limits",
    "windows",
]

WINDOW = 7
"""Days of a window: a weekly cap holds in every 7 consecutive days."""

# Relative slack: a cap met exactly (3 servings of 1 oz) must not fail by rounding.
_SLACK = 1e-9


def windows(days: int) -> list[range]:
    """Return the windows a weekly cap holds in (none for a 1-day plan).

    Every 7 consecutive days; a plan of 2-7 days is one window of all of it.
    """
    if days < 2:
        return []
    if days <= WINDOW:
        return [range(days)]
    return [range(s, s + WINDOW) for s in range(days - WINDOW + 1)]


def day_amounts(
    rows: Sequence[DayCapRow], units: Mapping[tuple[int, int, int], float]
) -> dict[tuple[str, int], float]:
    """Return (cap_id, day) -> the cap's amount in that day of ``units``."""
    weight = {r.cap_id: dict(zip(r.foods, r.per_unit, strict=True)) for r in rows}
    out: dict[tuple[str, int], float] = {}
    for (d, _, f), u in units.items():
        for cap_id, per_unit in weight.items():
            w = per_unit.get(f)
            if w:
                out[cap_id, d] = out.get((cap_id, d), 0.0) + w * u
    return out


def week_limits(req: PlanRequest, table: FoodTable) -> dict[str, float]:
    """Return cap_id -> amount of the weekly caps of a multi-day ``req``."""
    from mealplan._life_stage_cap_rows import caps_for

    if req.days < 2 or req.person is None:
        return {}
    caps = caps_for(req.person, table.life_stage_caps)
    return {c.cap_id: c.amount for c in caps if c.scope == "week"}


def allowance(
    limits: Mapping[str, float],
    planned: Mapping[tuple[str, int], float],
    day: int,
    days: int,
) -> tuple[tuple[str, float], ...]:
    """Return (cap_id, amount left) for ``day`` given the days ``planned`` so far.

    The least any window holding ``day`` has left once the other days of
    that window (those planned: days are planned in order) are counted.
    """
    out = []
    for cap_id, limit in sorted(limits.items()):
        left = limit
        for w in windows(days):
            if day in w:
                used = sum(planned.get((cap_id, d), 0.0) for d in w if d != day)
                left = min(left, limit - used)
        out.append((cap_id, max(left, 0.0)))
    return tuple(out)


def rotation_allowance(
    limits: Mapping[str, float],
    planned: Sequence[Mapping[str, float]],
    k: int,
    days: int,
    *,
    greedy: bool = False,
) -> tuple[tuple[str, float], ...]:
    """Return (cap_id, amount a day) for the next of ``k`` day-plans in rotation.

    Day-plan ``i`` is eaten on days ``i, i + k, ...``; it appears at most
    ``c_i`` times in a window. Every window then holds at most
    ``sum_i c_i * amount_i``, so what the earlier plans left is shared evenly
    over the days ``c_i`` of this plan and the later ones: every window keeps
    the cap, and a later plan is not left with none (a toddler's day without
    fish took 7 s for a first plan where one with half an ounce took 1 s).

    ``greedy``: this plan takes all that the earlier plans left (its later
    plans get what it leaves). For a plan that goes without a key a later
    plan keeps (the rotation's repair): that plan is the one that needs the
    capped food instead. A pescatarian boy of 2 whose second plan kept the UV
    mushrooms needed about 0.6 oz of fish on each of the first plan's 4 days,
    where the even share gave 0.43 oz: no rotation, and no plan in 10 s.
    """
    spans = windows(days)
    most = [max(sum(1 for d in w if d % k == i) for w in spans) for i in range(k)]
    i = len(planned)
    share = most[i] if greedy and i < k else max(sum(most[i:]), 1)
    out = []
    for cap_id, limit in sorted(limits.items()):
        used = sum(most[j] * p.get(cap_id, 0.0) for j, p in enumerate(planned))
        out.append((cap_id, max(limit - used, 0.0) / max(share, 1)))
    return tuple(out)


def _forced_over(
    rows: Sequence[DayCapRow],
    placements: Sequence[tuple[int, int | None, int | None]],
    min_units: NDArray[np.float64],
    days: int,
) -> bool:
    """Whether the placements' least amounts alone break a weekly cap."""
    # A placed food is on its day at least its smallest amount (min_units),
    # at one meal of the day whichever meals its placements name.
    placed = {(f, 0 if d is None else d) for f, d, _ in placements}
    spans = windows(days) or [range(days)]
    for row in rows:
        weight = dict(zip(row.foods, row.per_unit, strict=True))
        for span in spans:
            least = sum(
                weight.get(f, 0.0) * float(min_units[f]) for f, d in placed if d in span
            )
            if least > row.limit * (1 + _SLACK):
                return True
    return False


def forced_conflicts(
    rows: Sequence[DayCapRow],
    include: Sequence[tuple[int, int | None, int | None]],
    pins: Sequence[tuple[int, int | None, int | None]],
    min_units: NDArray[np.float64],
    days: int,
) -> frozenset[ConstraintGroup]:
    """Return the groups that conflict with the weekly caps before any solve.

    Included or pinned fish whose least amounts alone pass a weekly cap in
    some window (a toddler with salmon included on each of 7 days: 7 x 3/4
    oz against 3 oz) make the plan impossible at once, so the diagnosis
    proves the conflict {include, weekly_caps} without a whole-plan MILP per
    check (35 s before). Empty when nothing is forced over a cap.
    """
    from mealplan._problem import ConstraintGroup, GroupKind

    if not rows:
        return frozenset()
    caps = ConstraintGroup(GroupKind.WEEKLY_CAPS)
    if _forced_over(rows, include, min_units, days):
        return frozenset({ConstraintGroup(GroupKind.INCLUDE), caps})
    if _forced_over(rows, pins, min_units, days):
        return frozenset({ConstraintGroup(GroupKind.PINS), caps})
    if _forced_over(rows, [*include, *pins], min_units, days):
        groups = (GroupKind.INCLUDE, GroupKind.PINS, GroupKind.WEEKLY_CAPS)
        return frozenset(ConstraintGroup(g) for g in groups)
    return frozenset()


def week_cap_notes(problem: Problem) -> list[str]:
    """Return one plan note naming the weekly caps the plan kept, if any."""
    if not problem.week_caps or problem.days < 2:
        return []
    from mealplan._life_stage_cap_rows import UNIT_WORDS

    span = "every 7 consecutive days" if problem.days > WINDOW else "the plan's days"
    words = ", ".join(
        f"{r.cap_id} {r.limit:g} {UNIT_WORDS.get(r.unit, r.unit)}"
        for r in problem.week_caps
    )
    return [
        f"Weekly caps for this life stage, held over {span} (the caps table's "
        f"week rows; the bundled ones are FDA/EPA's Advice about Eating Fish, "
        f"fda.gov/fishadvice): {words}."
    ]


def week_caps(b: ModelBuilder) -> None:
    """Each window, ``sum per_unit * v <= limit`` over a weekly cap's foods."""
    p = b.problem
    if not p.week_caps:
        return
    from mealplan._problem import ConstraintGroup, GroupKind

    group = ConstraintGroup(GroupKind.WEEKLY_CAPS)
    foods = b.keys[:, 2]
    # A 1-day problem with a weekly cap is a seed's day under its allowance.
    spans = windows(p.days) or [range(p.days)]
    for row in p.week_caps:
        weight = np.zeros(len(p.food_ids))
        weight[list(row.foods)] = row.per_unit
        for span in spans:
            if all((d, m) in p.fixed_scopes for d in span for m in range(len(p.meals))):
                continue  # every day kept whole (regenerate): nothing to decide
            in_span = (b.keys[:, 0] >= span.start) & (b.keys[:, 0] < span.stop)
            ks = np.flatnonzero(in_span & (weight[foods] > 0))
            if not len(ks):
                continue
            b.add_row(
                b.v[ks],
                weight[foods[ks]],
                -INF,
                row.limit * (1 + _SLACK),
                Block.WEEK_GROUP_CAP,
                group,
            )
