"""The person's DRIs, reported beside every total whether the plan was held to them or not.

A plan's targets hold only what it planned: a toddler's AIs (reported at
ages 1-3, :data:`~mealplan._panel.AUTO_AI_FROM_AGE`), the sodium AI, a
floor lifted for want of time, or every panel nutrient under ``panel``
``focus`` have no minimum there. The text report compared those totals with
the DRIs itself (the compact panel), but a diet app reading the JSON, and
the HTML report's table and chart, saw "no bound" for a toddler's linoleic
acid at 66 % of its AI. :func:`dri_references` gives each nutrient the
person's RDA or AI and the UL that applies to food, from the same tables and
rules as the targets (:func:`~mealplan._targets.targets_for` with the whole
panel, at no margin), so every report reads the same reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._errors import MealPlanError
from mealplan._models import BoundKind, NutrientBound
from mealplan._nutrients import PanelMode
from mealplan._targets import targets_for

if TYPE_CHECKING:
    from mealplan._models import Person

__all__ = ["dri_references"]

_INTAKES = frozenset({BoundKind.RDA, BoundKind.AI})


def dri_references(person: Person | None) -> dict[str, NutrientBound]:
    """Return nutrient -> the person's RDA/AI (minimum) and food UL (maximum).

    Only DRIs: an energy range, the sodium CDRR, the fiber ceiling or a
    guideline's limit is no reference here (the targets keep them as
    bounds). Empty without a person, or for one the DRI tables do not cover
    (the request's own targets said so already).
    """
    if person is None:
        return {}
    try:
        targets = targets_for(person, panel=PanelMode.FULL)
    except MealPlanError:
        return {}
    out: dict[str, NutrientBound] = {}
    for bound in targets.bounds:
        low = bound.minimum if bound.minimum_kind in _INTAKES else None
        high = bound.maximum if bound.maximum_kind is BoundKind.UL else None
        if low is None and high is None:
            continue
        out[bound.nutrient] = NutrientBound(
            nutrient=bound.nutrient,
            unit=bound.unit,
            minimum=low,
            minimum_kind=bound.minimum_kind if low is not None else None,
            maximum=high,
            maximum_kind=BoundKind.UL if high is not None else None,
        )
    return out
