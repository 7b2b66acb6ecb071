"""The energy estimate: IOM 2005 Estimated Energy Requirement and its range.

The EER equations by age, sex and activity, the IOM reference body size for
a missing weight or height, the pregnancy and lactation additions, and the
daily energy bound :func:`mealplan._targets.targets_for` plans with (the EER
± 10 %, or the caller's own range).
"""

from __future__ import annotations

import math

from mealplan._dri_table import IOM_2005, age_span
from mealplan._models import ActivityLevel, BoundKind, NutrientBound, Person, Sex
from mealplan._nutrients import Nutrient

__all__ = [
    "BMI_RANGE",
    "energy_bound",
    "estimated_energy_requirement",
    "plausible_weight",
    "reference_body",
]

_ENERGY_MARGIN = 0.10
"""Half-width of the energy range around an estimated energy requirement."""

# IOM 2005 Table 1-1 (new reference heights and weights): (cm, kg).
_REFERENCE_BODY: tuple[
    tuple[float, float, tuple[float, float], tuple[float, float]], ...
] = (
    (0, 0.5, (62, 6), (62, 6)),
    (0.5, 1, (71, 9), (71, 9)),
    (1, 4, (86, 12), (86, 12)),
    (4, 9, (115, 20), (115, 20)),
    (9, 14, (144, 36), (144, 37)),
    (14, 19, (174, 61), (163, 54)),
    (19, 200, (177, 70), (163, 57)),
)

_PA: dict[tuple[str, Sex], dict[ActivityLevel, float]] = {
    ("adult", Sex.MALE): {
        ActivityLevel.SEDENTARY: 1.00,
        ActivityLevel.LOW_ACTIVE: 1.11,
        ActivityLevel.ACTIVE: 1.25,
        ActivityLevel.VERY_ACTIVE: 1.48,
    },
    ("adult", Sex.FEMALE): {
        ActivityLevel.SEDENTARY: 1.00,
        ActivityLevel.LOW_ACTIVE: 1.12,
        ActivityLevel.ACTIVE: 1.27,
        ActivityLevel.VERY_ACTIVE: 1.45,
    },
    ("child", Sex.MALE): {
        ActivityLevel.SEDENTARY: 1.00,
        ActivityLevel.LOW_ACTIVE: 1.13,
        ActivityLevel.ACTIVE: 1.26,
        ActivityLevel.VERY_ACTIVE: 1.42,
    },
    ("child", Sex.FEMALE): {
        ActivityLevel.SEDENTARY: 1.00,
        ActivityLevel.LOW_ACTIVE: 1.16,
        ActivityLevel.ACTIVE: 1.31,
        ActivityLevel.VERY_ACTIVE: 1.56,
    },
}
_PREGNANCY_KCAL = {1: 0.0, 2: 340.0, 3: 452.0}
_LACTATION_KCAL = 330.0
_EER_FLOOR_SHARE = 0.25
"""An EER below this share of the reference person's EER is taken as a unit error."""


# ---------------------------------------------------------------------------
# Energy
# ---------------------------------------------------------------------------


def reference_body(age: float, sex: Sex) -> tuple[float, float]:
    """Return the IOM reference ``(height_cm, weight_kg)`` for an age and sex.

    From IOM 2005, Table 1-1 (reference heights and weights from the CDC/NCHS
    growth charts); the 19-30 y values are used for every adult.

    Args:
        age: Age in years, 0 to 120.
        sex: Sex.

    Returns:
        Height in cm and weight in kg.

    """
    for lo, hi, male, female in _REFERENCE_BODY:
        if lo <= age < hi:
            return male if sex is Sex.MALE else female
    last = _REFERENCE_BODY[-1]
    return last[2] if sex is Sex.MALE else last[3]


def _eer_equation(
    age: float, sex: Sex, activity: ActivityLevel, weight_kg: float, height_cm: float
) -> float:
    """Non-pregnant, non-lactating IOM 2005 EER in kcal/day."""
    m = height_cm / 100
    if age < 3:
        months = age * 12
        if months < 4:
            deposition = 175.0
        elif months < 7:
            deposition = 56.0
        elif months < 13:
            deposition = 22.0
        else:
            deposition = 20.0
        return 89 * weight_kg - 100 + deposition
    if age < 19:
        pa = _PA["child", sex][activity]
        deposition = 20.0 if age < 9 else 25.0
        if sex is Sex.MALE:
            return 88.5 - 61.9 * age + pa * (26.7 * weight_kg + 903 * m) + deposition
        return 135.3 - 30.8 * age + pa * (10.0 * weight_kg + 934 * m) + deposition
    pa = _PA["adult", sex][activity]
    if sex is Sex.MALE:
        return 662 - 9.53 * age + pa * (15.91 * weight_kg + 539.6 * m)
    return 354 - 6.91 * age + pa * (9.36 * weight_kg + 726 * m)


def _life_stage_kcal(person: Person, notes: list[str] | None) -> float:
    if person.pregnancy:
        trimester = person.trimester
        if trimester is None:
            trimester = 2
            if notes is not None:
                notes.append(
                    "pregnancy trimester not given: the energy estimate assumes the "
                    "second trimester (+340 kcal/day; +0 in the first, +452 in the "
                    "third); give trimester for a closer estimate"
                )
        return _PREGNANCY_KCAL[trimester]
    if person.lactation:
        if notes is not None:
            notes.append(
                "lactation energy assumes the first 6 months postpartum (+330 "
                "kcal/day); IOM 2005 adds +400 kcal/day in months 7-12"
            )
        return _LACTATION_KCAL
    return 0.0


BMI_RANGE = (5.0, 250.0)
"""Body-mass indices (kg/m²) a weight and height may give, wider than any
recorded; outside them the energy estimate uses the reference body."""


def plausible_weight(person: Person) -> float | None:
    """Return the person's weight for per-kg needs, None when none or implausible.

    A weight whose BMI with the height given is outside :data:`BMI_RANGE`
    is a unit slip: 400 kg at 50 cm asked 320 g of protein a day.
    """
    weight, height = person.weight_kg, person.height_cm
    if weight is None or height is None:
        return weight
    return weight if _plausible(weight, height) else None


def _bmi(weight: float, height_cm: float) -> float:
    """Return the BMI (inf for a height so small its square is 0)."""
    area = (height_cm / 100) ** 2
    return weight / area if area > 0 else math.inf


def _plausible(weight: float, height_cm: float) -> bool:
    return BMI_RANGE[0] <= _bmi(weight, height_cm) <= BMI_RANGE[1]


def _eer(person: Person, notes: list[str] | None) -> float:
    ref_h, ref_w = reference_body(person.age, person.sex)
    height = person.height_cm if person.height_cm is not None else ref_h
    weight = person.weight_kg if person.weight_kg is not None else ref_w
    if notes is not None and (person.height_cm is None or person.weight_kg is None):
        group = _reference_group(person.age, person.sex)
        if person.height_cm is None and person.weight_kg is None:
            notes.append(
                f"energy range is an estimate for a reference person ({ref_h:g} cm, "
                f"{ref_w:g} kg: IOM reference body size for {group}); give weight_kg "
                "and height_cm for a personal estimate"
            )
        elif person.height_cm is None:
            notes.append(
                f"energy range is an estimate using the IOM reference height for "
                f"{group} ({ref_h:g} cm) with the weight given ({weight:g} kg); "
                "give height_cm for a personal estimate"
            )
        else:
            notes.append(
                f"energy range is an estimate using the IOM reference weight for "
                f"{group} ({ref_w:g} kg) with the height given ({height:g} cm); "
                "give weight_kg for a personal estimate"
            )
    bmi = _bmi(weight, height)
    if not BMI_RANGE[0] <= bmi <= BMI_RANGE[1]:
        # No living body (recorded BMIs run from about 7 to under 200): a
        # unit slip, most likely. 1 kg at 260 cm planned a tall man's energy
        # without a word, and 400 kg at 50 cm ran to the time limit.
        if notes is not None:
            notes.append(
                f"the weight and height given ({weight:g} kg, {height:g} cm) give "
                f"a BMI of {bmi:.3g} kg/m², which no person has; the energy "
                f"estimate uses the IOM reference body ({ref_h:g} cm, {ref_w:g} "
                "kg) instead (check the units: kg and cm)"
            )
        weight, height = ref_w, ref_h
    extra = _life_stage_kcal(person, notes)
    kcal = (
        _eer_equation(person.age, person.sex, person.activity, weight, height) + extra
    )
    floor = _EER_FLOOR_SHARE * (
        _eer_equation(person.age, person.sex, person.activity, ref_w, ref_h) + extra
    )
    if kcal < floor:
        if notes is not None:
            notes.append(
                f"the weight and height given ({weight:g} kg, {height:g} cm) give an "
                f"implausible energy requirement of {kcal:.0f} kcal/day; using "
                f"{floor:.0f} kcal/day instead (check the units: kg and cm), or give "
                "kcal_min and kcal_max"
            )
        kcal = floor
    return kcal


def _reference_group(age: float, sex: Sex) -> str:
    for lo, hi, *_ in _REFERENCE_BODY:
        if lo <= age < hi:
            span = age_span(lo, hi)
            if hi <= 9:
                return f"infants {span}" if hi <= 1 else f"children {span}"
            return f"{sex.value}s {span}"
    return f"{sex.value}s 19+ y"


def estimated_energy_requirement(person: Person) -> float:
    """Return the IOM 2005 Estimated Energy Requirement (EER) in kcal/day.

    Equations of IOM 2005 (Dietary Reference Intakes for Energy, Carbohydrate,
    Fiber, Fat, Fatty Acids, Cholesterol, Protein, and Amino Acids, chapter 5),
    with age in years, weight ``kg`` in kilograms, height ``m`` in metres and
    PA the physical-activity coefficient for sedentary / low active / active /
    very active:

    * Men 19+: ``662 - 9.53*age + PA*(15.91*kg + 539.6*m)``,
      PA = 1.00 / 1.11 / 1.25 / 1.48.
    * Women 19+: ``354 - 6.91*age + PA*(9.36*kg + 726*m)``,
      PA = 1.00 / 1.12 / 1.27 / 1.45.
    * Boys 3-18: ``88.5 - 61.9*age + PA*(26.7*kg + 903*m) + D``,
      PA = 1.00 / 1.13 / 1.26 / 1.42.
    * Girls 3-18: ``135.3 - 30.8*age + PA*(10.0*kg + 934*m) + D``,
      PA = 1.00 / 1.16 / 1.31 / 1.56; D (energy deposition) = 20 at 3-8 y and
      25 at 9-18 y.
    * 0-35 months: ``89*kg - 100 + D``, D = 175 (0-3 mo), 56 (4-6 mo),
      22 (7-12 mo), 20 (13-35 mo); activity and height are not used.
    * Pregnancy: non-pregnant EER + 0 / 340 / 452 in trimester 1 / 2 / 3
      (trimester 2 when not given). Lactation: + 330 (first 6 months
      postpartum: 500 for milk minus 170 mobilised from tissue).

    A missing weight or height is replaced by the IOM reference body size for
    the age and sex (:func:`reference_body`). A result below a quarter of the
    reference person's EER (only possible with implausible measures, such as a
    height typed in metres) is raised to that quarter.

    Args:
        person: The person.

    Returns:
        The EER, kcal/day.

    """
    return _eer(person, None)


def _bound(
    minimum: float, maximum: float, kinds: tuple[BoundKind, BoundKind], source: str
) -> NutrientBound:
    return NutrientBound(
        nutrient=Nutrient.ENERGY.value,
        unit=Nutrient.ENERGY.unit,
        minimum=minimum,
        maximum=maximum,
        minimum_kind=kinds[0],
        maximum_kind=kinds[1],
        source=source,
    )


def energy_bound(
    person: Person, kcal_min: float | None, kcal_max: float | None, notes: list[str]
) -> tuple[NutrientBound, bool]:
    """Return the day's energy bound and whether it is estimated (not all given)."""
    user, eer_kind = BoundKind.USER, BoundKind.EER
    if kcal_min is not None and kcal_max is not None:
        return _bound(kcal_min, kcal_max, (user, user), "caller"), False
    eer = _eer(person, notes)
    eer_source = (
        f"{IOM_2005}: estimated energy requirement {eer:.0f} kcal/day "
        f"({person.activity.value.replace('_', ' ')}) "
        f"± {_ENERGY_MARGIN:.0%}"
    )
    low = round(eer * (1 - _ENERGY_MARGIN), 1)
    high = round(eer * (1 + _ENERGY_MARGIN), 1)
    if kcal_min is not None:
        high = round(max(high, kcal_min * (1 + _ENERGY_MARGIN)), 1)
        notes.append(
            f"energy maximum {high:g} kcal/day is the estimated requirement + "
            f"{_ENERGY_MARGIN:.0%} (at least kcal_min + {_ENERGY_MARGIN:.0%}); "
            "give kcal_max to set it"
        )
        source = f"minimum: caller; maximum: {eer_source}"
        return _bound(kcal_min, high, (user, eer_kind), source), True
    if kcal_max is not None:
        low = round(min(low, kcal_max * (1 - _ENERGY_MARGIN)), 1)
        notes.append(
            f"energy minimum {low:g} kcal/day is the estimated requirement - "
            f"{_ENERGY_MARGIN:.0%} (at most kcal_max - {_ENERGY_MARGIN:.0%}); "
            "give kcal_min to set it"
        )
        source = f"minimum: {eer_source}; maximum: caller"
        return _bound(low, kcal_max, (eer_kind, user), source), True
    return _bound(low, high, (eer_kind, eer_kind), eer_source), True
