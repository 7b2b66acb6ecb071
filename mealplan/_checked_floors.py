"""Floors the default plans by checking the plan: vitamin K's and choline's AIs (issue 12).

The default ``auto`` plans, from age 4, vitamin K's AI as well as the RDAs
and the AIs of :data:`~mealplan._panel.AUTO_AI_PLANNED`, but not as a floor
of the model from the start: the day is planned without it and the plan is
checked. Vitamin K's AI is met by the foods most days already choose (leafy
vegetables, oils, legumes): 61 of 63 measured default days (session 18),
so on those it costs no solve at all, while as a floor of the model from
the start it left a very active vegetarian woman of 19 (3,300-4,100 kcal)
with no plan in 20 s (session 17, ``benchmarks/ai_floors_latest.md``).
Choline's AI (outside pregnancy and lactation, where it is a floor from
the start) is checked the same way since session 37, after the objective
aims at it (:mod:`mealplan._soft_minimums`), which leaves few days short.

A plan short of one is planned again with the floors it is short of (not
the others: the search with every checked floor at once is the slower
one); the floors the first plan met stay floors of the new plan where it
meets them too, and a note names any it lost (:func:`displaced_notes`).
That search runs in a box of the time
left (:data:`CHECKED_SHARE`, at most :data:`CHECKED_SECONDS`); when that
finds no plan, or proves none exists within the other bounds, the first
plan stands and a note names the floor and why, as for every floor the
default adds (:func:`~mealplan._ai_floors.late_floor_notes`,
:func:`~mealplan._ai_floors.lifted_floor_notes`); with no time left to
plan again (a week's search runs to its limit), the note says so
(:func:`unsought_notes`). Either way the plan returned meets every floor
its targets carry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._nutrients import Nutrient, PanelMode, unit_label
from mealplan._panel import AUTO_AI_CHECKED, AUTO_AI_FROM_AGE, MATERNAL_PLANNED

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientBound, NutrientTargets, PlanRequest

__all__ = [
    "CHECKED_LEAST_SECONDS",
    "CHECKED_SECONDS",
    "CHECKED_SHARE",
    "checked_floors",
    "displaced_notes",
    "floor_subsets",
    "regenerated_short_notes",
    "unsought_notes",
    "with_floors",
]

CHECKED_SHARE = 0.5
"""Share of the time left that planning again with a checked floor may take."""

CHECKED_LEAST_SECONDS = 0.5
"""Seconds left below which no plan is sought again: the note says the time
ran out (:func:`unsought_notes`) instead."""

CHECKED_SECONDS = 5.0
"""Seconds at most that planning again with a checked floor may take: the
first plan is in hand, so a long limit buys no long wait for a floor the
first plan was short of."""


def checked_floors(
    req: PlanRequest, targets: NutrientTargets, table: FoodTable
) -> list[NutrientBound]:
    """Return the floors of :data:`~mealplan._panel.AUTO_AI_CHECKED` the plan of ``req`` is checked against.

    Only under ``auto`` from age 4 (also when a budget lifted the RDAs and
    AIs it adds: this floor is checked on its own), never for a nutrient the
    caller bounds, and only where the full panel plans it for this request (the
    table has enough data for the foods this eater may have).
    """
    person = req.person
    if (
        req.panel is not PanelMode.AUTO
        or person is None
        or PanelMode.AUTO.for_age(person.age) is not PanelMode.RDA
        or person.age < AUTO_AI_FROM_AGE
    ):
        return []
    # The full panel's bound: the same DRI row, the same sparse-data rule and
    # the caller's margin as planning it with panel 'full' would use.
    from mealplan._planner import resolve_targets

    # Without the caller's own bounds, which are for the request's panel:
    # a maximum on sodium below the full panel's sodium floor is the
    # caller's to set, and no bound of theirs is on these nutrients.
    full = resolve_targets(
        req.model_copy(update={"panel": PanelMode.FULL, "bounds": {}}), table
    )
    # A mother's choline is a floor from the start (MATERNAL_PLANNED), lifted
    # with its own note when no plan meets it in its share of the time: not
    # checked again, which would plan a floor that note says was not.
    maternal = MATERNAL_PLANNED if person.pregnancy or person.lactation else ()
    out = []
    for nutrient in AUTO_AI_CHECKED:
        name = nutrient.value
        own = targets.get(name)
        if name in req.bounds or (own is not None and own.minimum is not None):
            continue
        if nutrient in maternal:
            continue
        bound = full.get(name)
        if bound is not None and bound.minimum is not None:
            out.append(bound)
    return out


def _items(targets: NutrientTargets, names: set[str]) -> str:
    """Name the floors of ``names`` ("vitamin K AI of 90 ug/day")."""
    return ", ".join(
        f"{Nutrient(b.nutrient).label} {b.minimum_kind.value} of {b.minimum:g} {unit_label(b.unit)}/day"
        for b in targets.bounds
        if b.nutrient in names and b.minimum is not None and b.minimum_kind is not None
    )


def floor_subsets(checks: list[NutrientBound]) -> list[list[NutrientBound]]:
    """Every subset of ``checks``, the empty one first and all of them last.

    A plan holds the checked floors it meets (:func:`mealplan._planner.plan`
    plans again only with those it was short of, and keeps the others the
    new plan meets), so its targets carry any subset of them.
    """
    return [
        [b for k, b in enumerate(checks) if mask >> k & 1]
        for mask in range(1 << len(checks))
    ]


def displaced_notes(
    targets: NutrientTargets, names: set[str], by: set[str]
) -> list[str]:
    """Say that the plan made again for the floors ``by`` lost those of ``names``.

    The first plan met them; planned again with only the floors it was short
    of (the search with every checked floor at once is the slower one), the
    new plan falls short of these, so they are reported, not planned.
    """
    items = _items(targets, names)
    if not items:
        return []
    return [
        f"{items} not planned: the first plan met it but fell short of "
        f"{_items(targets, by)}, and the plan made again to meet that falls "
        "short of it; no plan meeting them all was sought; set it with bounds "
        "to make it a hard minimum"
    ]


def regenerated_short_notes(targets: NutrientTargets, names: set[str]) -> list[str]:
    """Say that a regenerated day falls short of checked floors its plan met."""
    items = _items(targets, names)
    if not items:
        return []
    return [
        f"{items} not planned: the regenerated day, made without it as the plan "
        "was, falls short of it, and no plan meeting it was sought; regenerate "
        "again, or set it with bounds to make it a hard minimum"
    ]


def unsought_notes(
    targets: NutrientTargets, names: set[str], seconds: float
) -> list[str]:
    """Say that the plan is short of checked floors and no time was left to plan again.

    A week's search runs to its time limit, so a week short of one on a day
    has none left: the note says so, rather than that a search for a plan
    meeting it found none.
    """
    items = _items(targets, names)
    if not items:
        return []
    return [
        f"{items} not planned: the plan, made without it, falls short "
        f"of it, and no plan meeting it was sought: the time limit ran out "
        f"({seconds:.1f} s) first; raise time_limit, or set it with bounds to "
        "make it a hard minimum"
    ]


def with_floors(
    targets: NutrientTargets, bounds: list[NutrientBound]
) -> NutrientTargets:
    """Return ``targets`` with ``bounds`` in place of their nutrients' own bounds."""
    names = {b.nutrient for b in bounds}
    kept = [b for b in targets.bounds if b.nutrient not in names]
    return targets.model_copy(update={"bounds": [*kept, *bounds]})
