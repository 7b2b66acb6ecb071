"""A word for people on warfarin when a plan is rich in vitamin K.

Vitamin K has no UL (IOM 2001: no adverse effect from food or supplements
is known), so a plan of leafy greens may hold many times the AI: a man of
80 was planned 2,464 µg a day against a 120 µg AI, a lactating woman and a
boy of 16 1,750-2,000 µg (the dietitian review of session 34). That is no
harm in itself, but warfarin and the other vitamin K antagonists work
against vitamin K, and the advice to people taking them is to keep their
vitamin K intake steady rather than change it suddenly (NIH Office of
Dietary Supplements, *Vitamin K: Fact Sheet for Health Professionals*;
NHLBI/MedlinePlus, *Warfarin: what to eat*). So when a day of the plan
holds :data:`RICH_TIMES` times the AI or more, a note gives the plan's
daily range and says to show the plan to the doctor who manages the
medicine before changing diet. Adults only (warfarin in children is rare
and managed by specialists). Information, not medical advice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._nutrients import Nutrient
from mealplan._panel import panel_bounds
from mealplan._report_parts import amount

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mealplan._models import NutrientTotal, Person

__all__ = ["FROM_AGE", "RICH_TIMES", "vitamin_k_note"]

RICH_TIMES = 4.0
"""A day's vitamin K from this many times the AI up draws the note."""

FROM_AGE = 19.0
"""The note is for adults."""

SOURCE = (
    "NIH Office of Dietary Supplements, Vitamin K: Fact Sheet for Health Professionals"
)


def vitamin_k_note(
    person: Person | None, days: Sequence[Sequence[NutrientTotal]]
) -> list[str]:
    """Return the warfarin note when a day's vitamin K reaches RICH_TIMES the AI."""
    if person is None or person.age < FROM_AGE:
        return []
    name = Nutrient.VITAMIN_K.value
    ai = next(
        (
            b.minimum
            for b in panel_bounds(person, [], minimums=True)
            if b.nutrient == name
        ),
        None,
    )
    totals = [t for day in days for t in day if t.nutrient == name]
    if ai is None or ai <= 0 or not totals:
        return []
    most = max(t.amount for t in totals)
    if most < RICH_TIMES * ai:
        return []
    least = min(t.amount for t in totals)
    unit = totals[0].unit
    held = (
        f"{amount(most, unit)} a day"
        if len(totals) == 1 or most - least < 0.05 * most
        else f"{amount(least, unit)} to {amount(most, unit)} a day"
    )
    return [
        f"Vitamin K: this plan gives {held}, {most / ai:.0f} times the AI of "
        f"{amount(ai, unit)}; vitamin K from food has no upper limit (IOM 2001), "
        "but if you take warfarin or another vitamin K antagonist, keep your "
        "vitamin K intake steady from day to day and show this plan to the "
        f"doctor who manages it before changing your diet ({SOURCE}; "
        "information, not medical advice)."
    ]
