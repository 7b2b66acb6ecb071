"""Choline's AI as a soft minimum in the default objective.

The default ``auto`` plans choline's AI outside pregnancy and lactation in
two steps: aimed at in the objective here, then the plan checked against it
and planned again with it as a minimum when short
(:data:`mealplan._panel.AUTO_AI_CHECKED`). As a floor of the model from the
start it cost 2.2x the CPU and 6 of 63 default days lost their RDAs for
want of time (``benchmarks/choline_default_ab_latest.md``), and only 6.6 %
of US adults reach it (Wallace & Fulgoni, J Am Coll Nutr
2016;35(2):108-112). Reported alone, the 63 default days came out at a
median 85 % of it, 53 % at worst. So each day's shortfall below the AI is
charged first, :data:`POINT_COST` per percentage point of the AI (a
sweet's serving costs 0.5): the plan reaches for eggs, fish, soybeans or
dairy where that costs the day little. Measured alone: a median 101 % (75 %
at worst), 40 of the 63 at the AI, CPU 1.25x median and 1.32x in sum, every
day planned (``benchmarks/choline_soft_ab_latest.md``, session 36); with the
check after it, all 63 meet it (``benchmarks/choline_checked_ab_latest.md``,
session 37). The plan made again with the minimum carries no charge.

Not in pregnancy or lactation (the AI is a minimum there,
:data:`mealplan._panel.MATERNAL_PLANNED`), not under age
:data:`FROM_AGE`, and not when the caller set choline's bound or chose a
panel mode other than ``auto``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mealplan._nutrients import Nutrient, PanelMode
from mealplan._panel import AUTO_AI_FROM_AGE, intake_value

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._request_models import PlanRequest
    from mealplan._target_models import NutrientTargets

__all__ = ["FROM_AGE", "POINT_COST", "SoftMinimum", "soft_minimums", "soft_note"]

FROM_AGE = AUTO_AI_FROM_AGE
"""The age from which choline's AI is charged: the other AIs' age in ``auto``.

From age 1 it cost the 24 default toddler days 1.30x the CPU in median,
1.42x in sum, and one day its RDAs for want of time
(``benchmarks/choline_soft_ab_latest.md``)."""

POINT_COST = 0.02
"""Objective charge per percentage point of the AI a day falls short of it."""


@dataclass(frozen=True, slots=True)
class SoftMinimum:
    """A day's amount of ``nutrient`` below ``amount`` costs ``per_unit`` a unit."""

    nutrient: str
    amount: float
    per_unit: float


def soft_minimums(
    request: PlanRequest, targets: NutrientTargets, table: FoodTable
) -> tuple[SoftMinimum, ...]:
    """Return the request's soft minimums (choline's AI, see the module), or ()."""
    person = request.person
    name = Nutrient.CHOLINE.value
    if (
        person is None
        or request.targets is not None
        or request.panel is not PanelMode.AUTO
        or person.age < FROM_AGE
        or person.pregnancy
        or person.lactation
        or name in request.bounds
        or name not in table.nutrients
    ):
        return ()
    bound = targets.get(name)
    if bound is not None and bound.minimum is not None:
        return ()  # planned as a minimum already
    intake = intake_value(person, Nutrient.CHOLINE)
    if intake is None or intake[1] <= 0:
        return ()
    ai = intake[1]
    return (SoftMinimum(name, ai, POINT_COST / (0.01 * ai)),)


def soft_note(minimums: tuple[SoftMinimum, ...]) -> list[str]:
    """Return the plan's note on its soft minimums."""
    return [
        f"choline's AI of {m.amount:g} mg a day is aimed at first: each day "
        "reaches for it where its foods allow at little cost to the meals, and a "
        "plan still short of it is planned again with it as a minimum (only 6.6 % "
        "of US adults reach it, Wallace & Fulgoni 2016)"
        for m in minimums
        if m.nutrient == Nutrient.CHOLINE.value
    ]
