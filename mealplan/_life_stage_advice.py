"""Advice by life stage that a plan of foods cannot show, said as notes.

Information, not medical advice, each with its source: the supplements
pregnancy and lactation are advised (folic acid, iodine), how much room a
plan's own iron and zinc leave under their ULs for such a supplement, and
the B12 advice for adults over 50, and what a vegan diet needs beyond a
day's foods (:func:`vegan_note`). The planner plans no supplement unless
asked (``supplements``); these notes say what the guidelines add.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._model_base import DISCLAIMER
from mealplan._nutrients import Nutrient

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mealplan._models import NutrientTotal, Person

__all__ = [
    "SUPPLEMENT_UL_SHARE",
    "disclaimer_for",
    "fortified_b12_note",
    "older_adult_note",
    "prenatal_note",
    "supplement_room_note",
    "vegan_note",
]

VEGAN_SOURCE = (
    "Melina V, Craig W, Levin S. Position of the Academy of Nutrition and "
    "Dietetics: Vegetarian Diets. J Acad Nutr Diet 2016;116(12):1970-1980"
)


def vegan_note(person: Person | None) -> list[str]:
    """Return what a vegan diet needs beyond a day's foods, as information.

    The dietitian review of session 33 read vegan plans with no word on
    B12, iodine or DHA. The Academy of Nutrition and Dietetics (2016): vegans
    need a regular, reliable vitamin B12 source (fortified foods or a
    supplement); plant foods give little iodine, so iodized salt or a
    supplement; algae-based DHA is the vegan source of the long-chain
    omega-3s, most asked about in pregnancy and lactation. No amount is
    assumed. Empty without a person (explicit targets).
    """
    if person is None:
        return []
    dha = (
        "; algae-based DHA is the vegan source of the long-chain omega-3 fats, "
        "worth asking about in pregnancy and lactation"
        if person.pregnancy or person.lactation
        else "; algae-based DHA is the vegan source of the long-chain omega-3 fats"
    )
    return [
        "A vegan diet needs a reliable vitamin B12 source every day (fortified "
        "foods or a supplement), and iodine from "
        f"iodized salt or a supplement, since plant foods give little{dha} "
        f"({VEGAN_SOURCE}); a dietitian can advise."
    ]


def prenatal_note(person: Person) -> list[str]:
    """Return the supplement advice of pregnancy and lactation, as information.

    A plan of foods cannot show it: SR28 does not measure iodine (nor tell
    folic acid in every food), and the guidance is a daily supplement
    whatever the diet, so the plan says so rather than stay silent.
    """
    if not (person.pregnancy or person.lactation):
        return []
    advice = []
    if person.pregnancy:
        advice.append(
            "a daily supplement with 400-800 µg of folic acid (US Preventive "
            "Services Task Force, JAMA 2023;330(5):454-459)"
        )
    advice.append(
        "a daily supplement with 150 µg of iodine, as potassium iodide, in "
        "pregnancy and lactation (American Thyroid Association, Thyroid "
        "2017;27(3):315-389)"
    )
    stage = "pregnancy" if person.pregnancy else "lactation"
    return [
        f"{stage}: guidelines advise " + " and ".join(advice) + "; this plan "
        "counts no supplement and SR28 does not measure iodine, so ask a "
        "doctor or midwife about a prenatal vitamin (information, not medical "
        "advice)"
    ]


SUPPLEMENT_UL_SHARE = 0.75
"""Share of a UL from which a plan's food total is said to leave little room
for the supplement its life stage is advised (:func:`supplement_room_note`)."""

_SUPPLEMENT_MINERALS = (Nutrient.IRON, Nutrient.ZINC)


def supplement_room_note(
    person: Person | None, days: Sequence[Sequence[NutrientTotal]]
) -> list[str]:
    """Return a note when a plan's iron or zinc leaves little room under its UL.

    In pregnancy and lactation the plan advises a prenatal vitamin
    (:func:`prenatal_note`), whose iron and zinc count toward the same ULs as
    the food's: a pregnant woman's day of fortified cereal held 41.4 of 45 mg
    of iron and 35.2 of 40 mg of zinc (the dietitian review of session 32).
    No supplement's amount is assumed; the plan's own totals are said.
    """
    if person is None or not (person.pregnancy or person.lactation):
        return []
    near: dict[str, tuple[float, float, str]] = {}
    for totals in days:
        for t in totals:
            if t.nutrient not in {n.value for n in _SUPPLEMENT_MINERALS}:
                continue
            if t.maximum is None or t.amount < SUPPLEMENT_UL_SHARE * t.maximum:
                continue
            if t.nutrient not in near or t.amount > near[t.nutrient][0]:
                near[t.nutrient] = (t.amount, t.maximum, t.unit)
    if not near:
        return []
    said = " and ".join(
        f"{Nutrient(n).label} up to {amount:.3g} {unit} a day (UL {ul:g} {unit})"
        for n, (amount, ul, unit) in sorted(near.items())
    )
    return [
        f"this plan's food gives {said}: a prenatal vitamin's iron and zinc "
        "count toward the same limits, so show the plan to the doctor or "
        "midwife who advises one (information, not medical advice)"
    ]


def older_adult_note(person: Person) -> list[str]:
    """Return the B12 advice for adults over 50 (IOM 1998), as information.

    The plan counts B12 from every food alike, while 10-30 % of older people
    absorb the B12 bound in food poorly: the DRI report advises meeting the
    RDA mainly with fortified foods or a supplement, which a total cannot show.
    """
    if person.age <= 50:
        return []
    return [
        "over 50: the IOM advises meeting the vitamin B12 RDA mainly with "
        "B12-fortified foods or a supplement, since 10-30 % of older people "
        "absorb the B12 bound in food poorly (IOM, Dietary Reference Intakes "
        "for Thiamin, Riboflavin, Niacin, Vitamin B6, Folate, Vitamin B12, "
        "1998); this plan counts B12 from all its foods alike (information, "
        "not medical advice)"
    ]


CHILD_DISCLAIMER = (
    "This plan is information, not medical advice. A child's diet is best "
    "planned with the child's paediatrician or a paediatric dietitian, who "
    "should also see muscle twitching, cramps or spasms that last more than "
    "two weeks, are severe, or come with weakness, stiffness or numbness."
)

MATERNAL_DISCLAIMER = (
    "This plan is information, not medical advice. In pregnancy and while "
    "breastfeeding, ask your doctor or midwife about your diet and any "
    "supplement; leg cramps are common in pregnancy, but muscle twitching that "
    "lasts more than two weeks, is severe, or comes with weakness, stiffness or "
    "numbness should be evaluated by a doctor."
)


def disclaimer_for(person: Person | None) -> str:
    """Return the plan's medical note for the person's life stage.

    The dietitian review of session 34 read the adults' note, about muscle
    twitching, on a 1-year-old's plan and in pregnancy: a child's plan names
    the paediatrician or a paediatric dietitian, a pregnant or breastfeeding
    woman's the doctor or midwife. Each still says when twitching needs a
    doctor (the source article's FAQ, shown after it in the reports). The
    adults' note otherwise, and without a person (explicit targets).
    """
    if person is None:
        return DISCLAIMER
    if person.pregnancy or person.lactation:
        return MATERNAL_DISCLAIMER
    if person.age < 19:
        return CHILD_DISCLAIMER
    return DISCLAIMER


def fortified_b12_note(
    person: Person | None,
    days: Sequence[Sequence[tuple[str, float, bool]]],
    rda: float | None,
) -> list[str]:
    """Return how much of an older adult's B12 the plan takes from fortified foods.

    :func:`older_adult_note` gives the IOM's advice (over 50, meet the RDA
    mainly with B12-fortified foods or a supplement); the dietitian review
    of session 34 read a man of 55 whose B12 came all from egg, milk and
    cheese under that note. ``days`` holds each day's (food name, B12 µg,
    fortified) per item; the note says the least a day takes from fortified
    foods, and, when that is under half the RDA, how to follow the advice.
    Empty at 50 or under, without a person or without an RDA.
    """
    if person is None or person.age <= 50 or not rda or not days:
        return []
    least = min(sum(b12 for _, b12, fortified in day if fortified) for day in days)
    names = sorted(
        {name for day in days for name, b12, fortified in day if fortified and b12 > 0}
    )
    unit = "µg"
    if least >= rda / 2:
        return [
            f"over 50: at least {least:.2g} {unit} of vitamin B12 a day comes from "
            f"fortified foods ({', '.join(names)}), against the RDA of {rda:g} {unit}, "
            "as the IOM advises (information, not medical advice)"
        ]
    fortified = f" ({', '.join(names)})" if names else ""
    return [
        f"over 50: on its leanest day this plan takes {least:.2g} {unit} of "
        f"vitamin B12 from fortified foods{fortified}, under half the RDA of "
        f"{rda:g} {unit}; to follow the IOM's advice, include a B12-fortified "
        "food (a fortified breakfast cereal or soy milk) or ask for a B12 "
        "supplement (supplements), or ask a doctor (information, not medical "
        "advice)"
    ]
