"""FDA/EPA's fish advice a day: at most one serving of fish (a safety rule).

The ``day`` rows of ``foods/life_stage_caps.csv`` whose selector has a
``fish`` part (``toddler_fish_day``, ``child_fish_day``, ``child_fish_day_8``,
``child_fish_day_11``, ``pregnancy_fish_day``) read FDA/EPA's Advice about
Eating Fish a day at a time: 2-3 servings a week, so never two in a day (a
pregnant woman's 1-day plan held two fish mains, 9 oz). Like the weekly caps
(:mod:`mealplan._week_caps`) they are a safety rule, not a portion cap:

- they are the constraint group ``daily_fish_caps``, which holds with
  ``portion_limits`` off, which the diagnosis names and its advice never lifts;
- every path plans a day with them: a 1-day plan, each day of the whole-plan
  model, the seeds' and the column generation's day problems and regenerate
  (all built by :func:`mealplan._problem.build_problem`);
- an ``include`` or pin whose least amounts alone pass one on some day is
  refused before any solve (:class:`~mealplan.UnsafeFoodError`, exit 2), as an
  include of swordfish is: the caller named the fish, the rule is not theirs
  to trade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._errors import UnsafeFoodError
from mealplan._life_stage_cap_rows import UNIT_WORDS, day_cap_rows
from mealplan._problem_groups import GroupKind

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable
    from mealplan._life_stage_caps import DayCapRow
    from mealplan._models import PlanRequest
    from mealplan._problem_data import Problem
    from mealplan._problem_groups import Impose

__all__ = ["check_forced_fish", "fish_day_notes", "fish_day_rows"]

# Relative slack: a cap met exactly (4 oz of a 4 oz serving) is kept.
_SLACK = 1e-9

_ADVICE = "FDA/EPA's Advice about Eating Fish, fda.gov/fishadvice"


def fish_day_rows(
    request: PlanRequest,
    table: FoodTable,
    candidates: Sequence[str],
    unit_grams: NDArray[np.float64],
    impose: Impose,
) -> tuple[DayCapRow, ...]:
    """Return the fish advice's day caps on the candidates (none if switched off).

    The group is recorded only for a person some fish day row holds for.
    """
    if request.person is None:
        return ()
    rows = day_cap_rows(table, candidates, unit_grams, request.person, fish=True)
    if not rows or not impose(GroupKind.DAILY_FISH_CAPS):
        return ()
    return rows


def check_forced_fish(
    rows: Sequence[DayCapRow],
    placements: Sequence[tuple[int, int | None, int | None]],
    included: int,
    min_units: NDArray[np.float64],
    food_ids: Sequence[str],
) -> None:
    """Refuse includes and pins whose least amounts alone pass a fish day cap.

    ``placements``: (food, day, meal) of the includes (the first
    ``included``) and the pins; a food placed on a day is eaten at one meal
    of it, at least its smallest amount (``min_units``).

    Raises:
        UnsafeFoodError: On some day the placed fish's least amounts pass a
            cap (a pregnant woman's two included fish, 6 oz a day against 4).

    """
    if not rows:
        return
    where: dict[tuple[int, int | None], set[str]] = {}
    for n, (f, d, _) in enumerate(placements):
        where.setdefault((f, d), set()).add("include" if n < included else "pins")
    for row in rows:
        weight = dict(zip(row.foods, row.per_unit, strict=True))
        days: dict[int | None, list[tuple[float, int]]] = {}
        for f, d in where:
            least = weight.get(f, 0.0) * float(min_units[f])
            if least > 0:
                days.setdefault(d, []).append((least, f))
        for d, found in sorted(
            days.items(), key=lambda x: -1 if x[0] is None else x[0]
        ):
            total = sum(a for a, _ in found)
            if total <= row.limit * (1 + _SLACK):
                continue
            found.sort(reverse=True)
            quoted = [repr(food_ids[f]) for _, f in found]
            names = " and ".join(
                [", ".join(quoted[:-1]), quoted[-1]] if quoted[1:] else quoted
            )
            lists = sorted(set().union(*(where[f, d] for _, f in found)))
            place = " and ".join(lists)
            unit = UNIT_WORDS.get(row.unit, row.unit)
            # An include is on every day: its first day speaks for them all.
            day = (
                "every day" if d is None or lists == ["include"] else f"on day {d + 1}"
            )
            msg = (
                f"{names} in {place} {'hold' if quoted[1:] else 'holds'} at "
                f"least {total:.1f} {unit} of fish "
                f"{day} in their smallest amounts, over {row.cap_id}'s "
                f"{row.limit:g} {unit} a day (one serving, {_ADVICE}); "
                f"remove a fish from {' or '.join(lists)}."
            )
            raise UnsafeFoodError(
                msg,
                [{"loc": lists[0], "msg": msg}],
                food=food_ids[found[0][1]],
                rule=row.cap_id,
            )


def fish_day_notes(problem: Problem) -> list[str]:
    """Return one plan note naming the fish day caps the plan kept, if any."""
    if not problem.fish_day_caps:
        return []
    words = ", ".join(
        f"{r.cap_id} {r.limit:g} {UNIT_WORDS.get(r.unit, r.unit)}"
        for r in problem.fish_day_caps
    )
    return [
        f"Fish a day for this life stage, at most one serving (the caps table's "
        f"day rows of the fish advice; the bundled ones are {_ADVICE}): {words}."
    ]
