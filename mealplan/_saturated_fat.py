"""Saturated fat over 10 % of energy, charged in the default objective.

The Dietary Guidelines for Americans 2020-2025 advise less than 10 % of
energy from saturated fat from age 2; the dietitian review of session 34
read plans at 10.4-12 %. As a hard share beside the AMDRs it cost plans:
two vegan toddlers (the fortified coconut drink, their milk, is mostly
saturated fat) and a very active vegetarian man had none within the time
limit (``benchmarks/saturated_fat_ab_latest.md``). So it is soft: each day
the energy from saturated fat (9 kcal a gram, Atwater) above 10 % of the
day's energy is charged, :data:`POINT_COST` per percentage point of the
person's energy need (a sweet's serving costs 0.5), so the plan keeps under
it where foods allow and goes over only where nothing else fits. The
panel reports the share either way (:mod:`mealplan._panel_report`).

Not for a vegan diet: its saturated fat comes from coconut, palm and cocoa
alone, and the charge cost a vegan girl of 6 2.4x the CPU (4.6 -> 11 s, at
the 10 s box) on a day that held 3.9 % (measured, session 35).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._nutrients import Diet, Nutrient

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._request_models import PlanRequest
    from mealplan._target_models import NutrientTargets

__all__ = ["FROM_AGE", "KCAL_PER_G", "POINT_COST", "SHARE", "soft_limit"]

SHARE = 0.10
"""The Dietary Guidelines' limit, a share of energy."""

FROM_AGE = 2.0
"""The age from which the guideline holds."""

KCAL_PER_G = 9.0
"""Atwater's general factor for fat."""

POINT_COST = 0.5
"""Objective charge per percentage point of energy above the limit."""


def soft_limit(
    request: PlanRequest, targets: NutrientTargets, table: FoodTable
) -> tuple[float, float] | None:
    """Return (share, charge per kcal over it) for the request, or None.

    None without a person, under the guideline's age, for a vegan diet
    (see the module docstring), without an energy need
    to scale the charge by, or without a saturated fat column.
    """
    person = request.person
    if person is None or person.age < FROM_AGE or request.diet is Diet.VEGAN:
        return None
    if Nutrient.SATURATED_FAT.value not in table.nutrients:
        return None
    energy = targets.get(Nutrient.ENERGY.value)
    if energy is None or not energy.minimum:
        return None
    # One percentage point of the day's energy need, in kcal, costs POINT_COST.
    return SHARE, POINT_COST / (0.01 * energy.minimum)
