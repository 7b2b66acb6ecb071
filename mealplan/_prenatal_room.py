"""Room under the folic acid UL for the supplement pregnancy is advised.

The plan's notes advise a daily supplement with 400-800 µg of folic acid in
pregnancy (:func:`mealplan._life_stage_advice.prenatal_note`, after the US
Preventive Services Task Force, JAMA 2023;330(5):454-459), and the folic
acid UL (1,000 µg; 800 µg at 14-18; IOM 1998) counts food's folic acid and a
supplement's together. A plan that reached the UL with fortified cereal alone
would leave the advised supplement over it: the dietitian review of session
34 asked for room under the UL for the prenatal vitamin the notes advise.

So in pregnancy the folic acid maximum is the UL less the smallest advised
dose (400 µg): 600 µg from food at 19-50, 400 µg at 14-18, with a note that
says why and when an 800 µg supplement fits too. Its kind is a guideline,
not the UL: the diagnosis may offer to raise it, never past the UL. Iron
gets no such room: the RDA in pregnancy (27 mg) is itself what a prenatal
vitamin carries, and food plus 27 mg could not stay under the 45 mg UL,
so :func:`mealplan._life_stage_advice.supplement_room_note` says the food's
total instead. A caller's own folic acid bound (``bounds``) wins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._nutrients import Nutrient
from mealplan._target_models import BoundKind

if TYPE_CHECKING:
    from mealplan._models import Person
    from mealplan._target_models import NutrientTargets

__all__ = ["ADVISED_DOSES_UG", "SOURCE", "prenatal_folic_acid_room"]

ADVISED_DOSES_UG = (400.0, 800.0)
"""The daily folic acid supplement advised in pregnancy, smallest and largest."""

SOURCE = (
    "kept below the UL by the 400 µg folic acid supplement advised in "
    "pregnancy (USPSTF, JAMA 2023;330(5):454-459)"
)


def prenatal_folic_acid_room(
    targets: NutrientTargets, person: Person | None
) -> NutrientTargets:
    """Return ``targets`` with room kept under the folic acid UL in pregnancy.

    Unchanged without a person, outside pregnancy, or when the folic acid
    maximum is not a UL (a caller's own, or none). A new object.
    """
    if person is None or not person.pregnancy:
        return targets
    bound = targets.get(Nutrient.FOLIC_ACID.value)
    if bound is None or bound.maximum is None or bound.maximum_kind is not BoundKind.UL:
        return targets
    least, most = ADVISED_DOSES_UG
    ul = bound.maximum
    kept = ul - least
    if kept <= 0:
        return targets
    larger = (
        f"; an {most:g} µg one fits too on a day whose food gives at most "
        f"{ul - most:g} µg (see the day's folic acid total)"
        if ul > most
        else f"; an {most:g} µg one would reach the upper limit by itself"
    )
    note = (
        f"Folic acid: in pregnancy the plan keeps food's folic acid to at most "
        f"{kept:g} µg a day, so the {least:g} µg supplement advised in pregnancy "
        f"fits under the upper limit of {ul:,.0f} µg for food and supplements "
        f"together (IOM 1998; USPSTF 2023){larger}; information, not medical "
        "advice."
    )
    source = f"{bound.source}; {SOURCE}" if bound.source else SOURCE
    new = bound.model_copy(
        update={
            "maximum": kept,
            "maximum_kind": BoundKind.GUIDELINE,
            "source": source,
        }
    )
    bounds = [new if b is bound else b for b in targets.bounds]
    return targets.model_copy(
        update={"bounds": bounds, "notes": [*targets.notes, note]}
    )
