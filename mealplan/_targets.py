"""Daily nutrient targets for a person, from the Dietary Reference Intakes.

The focus nutrients (magnesium, calcium, vitamin D, vitamin B12) and potassium
come from the bundled table ``foods/dri_nih_ods.csv``, a byte-for-byte copy of
the NIH Office of Dietary Supplements fact-sheet figures (which reproduce the
Food and Nutrition Board tables), read by :mod:`mealplan._dri_table`. Fiber,
protein, sodium and the macronutrient shares come from small tables in this
module, the energy estimate from :mod:`mealplan._energy`, each citing its
report:

* IOM 1997, *Dietary Reference Intakes for Calcium, Phosphorus, Magnesium,
  Vitamin D, and Fluoride* (magnesium).
* IOM 1998, *Dietary Reference Intakes for Thiamin, Riboflavin, Niacin,
  Vitamin B6, Folate, Vitamin B12, Pantothenic Acid, Biotin, and Choline*.
* IOM 2005, *Dietary Reference Intakes for Energy, Carbohydrate, Fiber, Fat,
  Fatty Acids, Cholesterol, Protein, and Amino Acids* (energy, protein, fiber,
  AMDRs).
* IOM 2011, *Dietary Reference Intakes for Calcium and Vitamin D*.
* NASEM 2019, *Dietary Reference Intakes for Sodium and Potassium*.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mealplan._caffeine import caffeine_limit
from mealplan._dri_table import (
    DRI_FILE,
    DriRow,
    build_dri,
    read_dri,
)
from mealplan._dri_table import GENERAL_STAGES as _GENERAL_STAGES
from mealplan._dri_table import IOM_1997 as _IOM_1997
from mealplan._dri_table import IOM_1998 as _IOM_1998
from mealplan._dri_table import IOM_2005 as _IOM_2005
from mealplan._dri_table import IOM_2011 as _IOM_2011
from mealplan._dri_table import NASEM_2019 as _NASEM_2019
from mealplan._dri_table import SPECIAL_STAGES as _SPECIAL_STAGES
from mealplan._dri_table import VIA as _VIA
from mealplan._dri_table import age_span as _age_span
from mealplan._dri_table import dri_rows as _table
from mealplan._energy import energy_bound as _energy_bound
from mealplan._energy import (
    estimated_energy_requirement,
    plausible_weight,
    reference_body,
)
from mealplan._errors import (
    FoodTableError,
    RequestError,
    TargetError,
)
from mealplan._models import (
    BoundKind,
    NutrientBound,
    NutrientTargets,
    Person,
    Sex,
)
from mealplan._nutrients import FOCUS_NUTRIENTS, Nutrient, PanelMode, unit_label
from mealplan._resources import data_file
from mealplan._target_overrides import apply_overrides
from mealplan._target_panel import add_panel, panel_note

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DRI_FILE",
    "DriRow",
    "apply_overrides",
    "build_dri",
    "estimated_energy_requirement",
    "read_dri",
    "reference_body",
    "targets_for",
]

_CITATION: dict[Nutrient, str] = {
    Nutrient.MAGNESIUM: f"{_IOM_1997}, {_VIA.format('Magnesium')}",
    Nutrient.CALCIUM: f"{_IOM_2011}, {_VIA.format('Calcium')}",
    Nutrient.VITAMIN_D: f"{_IOM_2011}, {_VIA.format('Vitamin D')}",
    Nutrient.VITAMIN_B12: f"{_IOM_1998}, {_VIA.format('Vitamin B12')}",
    Nutrient.POTASSIUM: f"{_NASEM_2019}, {_VIA.format('Potassium')}",
}

_UL_CAPS_FOOD = frozenset({Nutrient.CALCIUM, Nutrient.VITAMIN_D})
"""Nutrients whose UL limits total intake, food included.

The magnesium UL limits supplements and medications only, so magnesium from
food has no upper bound; vitamin B12 and potassium have no UL at all.
"""

# ---------------------------------------------------------------------------
# Tables not in the CSV: (age_min inclusive, age_max exclusive, male, female)
# ---------------------------------------------------------------------------

_Band = tuple[float, float, float, float]

_FIBER_AI_G: tuple[_Band, ...] = (
    (1, 4, 19, 19),
    (4, 9, 25, 25),
    (9, 14, 31, 26),
    (14, 19, 38, 26),
    (19, 51, 38, 25),
    (51, 200, 30, 21),
)
_FIBER_PREGNANCY_G = 28.0
_FIBER_LACTATION_G = 29.0

_PROTEIN_G_PER_KG: tuple[_Band, ...] = (
    (0, 0.5, 1.52, 1.52),  # AI
    (0.5, 1, 1.2, 1.2),
    (1, 4, 1.05, 1.05),
    (4, 14, 0.95, 0.95),
    (14, 19, 0.85, 0.85),
    (19, 200, 0.8, 0.8),
)
_PROTEIN_G_PER_DAY: tuple[_Band, ...] = (
    (0, 0.5, 9.1, 9.1),  # AI
    (0.5, 1, 11, 11),
    (1, 4, 13, 13),
    (4, 9, 19, 19),
    (9, 14, 34, 34),
    (14, 19, 52, 46),
    (19, 200, 56, 46),
)
_PROTEIN_SPECIAL: dict[str, tuple[float, float]] = {
    # life stage: (g/kg/day, g/day)
    "pregnancy": (1.1, 71.0),
    "lactation": (1.3, 71.0),
}

_SODIUM_CDRR_MG: tuple[_Band, ...] = (
    (1, 4, 1200, 1200),
    (4, 9, 1500, 1500),
    (9, 14, 1800, 1800),
    (14, 200, 2300, 2300),
)

_MacroShares = dict[str, tuple[float, float]]
_AMDR: tuple[
    tuple[float, float, tuple[float, float], tuple[float, float], tuple[float, float]],
    ...,
] = (
    # age_min, age_max, protein, fat, carbohydrate (shares of energy)
    (1, 4, (0.05, 0.20), (0.30, 0.40), (0.45, 0.65)),
    (4, 19, (0.10, 0.30), (0.25, 0.35), (0.45, 0.65)),
    (19, 200, (0.10, 0.35), (0.20, 0.35), (0.45, 0.65)),
)

# ---------------------------------------------------------------------------
# Row selection
# ---------------------------------------------------------------------------


def _stage(person: Person) -> str:
    if person.pregnancy:
        return "pregnancy"
    if person.lactation:
        return "lactation"
    return "general"


def _applies(row: DriRow, person: Person, stage: str) -> bool:
    if row.sex not in ("any", person.sex.value) or not row.covers(person.age):
        return False
    if row.life_stage == "all":
        return True
    if stage in _SPECIAL_STAGES:
        return row.life_stage == stage
    return row.life_stage in _GENERAL_STAGES


def _pick(
    rows: Iterable[DriRow], nutrient: Nutrient, kinds: frozenset[str], person: Person
) -> DriRow | None:
    stage = _stage(person)
    found = [
        r
        for r in rows
        if r.column == nutrient.value and r.kind in kinds and _applies(r, person, stage)
    ]
    if len(found) > 1:
        where = str(data_file(DRI_FILE))
        msg = (
            f"The DRI table {where} has {len(found)} {'/'.join(sorted(kinds))} rows "
            f"for {nutrient.label} at age {person.age:g} "
            f"({person.sex.value}, {stage}); "
            "restore it from the reference copy."
        )
        raise FoodTableError(msg, path=where)
    return found[0] if found else None


def _check_coverage(rows: tuple[DriRow, ...], person: Person) -> None:
    """Raise TargetError when a pregnancy/lactation age is outside the table."""
    stage = _stage(person)
    if stage not in _SPECIAL_STAGES:
        return
    lo, hi = 0.0, math.inf
    for nutrient in FOCUS_NUTRIENTS:
        spans = [
            (r.age_min, r.age_max)
            for r in rows
            if r.column == nutrient.value
            and r.life_stage == stage
            and r.kind in ("RDA", "AI")
            and r.sex in ("any", person.sex.value)
        ]
        if spans:
            lo = max(lo, min(s[0] for s in spans))
            hi = min(hi, max(s[1] for s in spans))
    if not lo <= person.age < hi:
        covered = (
            f"ages {lo:g} to under {hi:g}"
            if math.isfinite(hi) and hi > lo
            else "no ages"
        )
        msg = (
            f"The DRI table has no {stage} values for age {person.age:g} (it covers "
            f"{stage} for {covered}); check the age, or leave out {stage} to get the "
            "targets for a non-pregnant, non-lactating female of that age."
        )
        raise TargetError(msg)


def _band(
    bands: Iterable[_Band], age: float, sex: Sex
) -> tuple[_Band | None, float | None]:
    for band in bands:
        if band[0] <= age < band[1]:
            return band, band[2] if sex is Sex.MALE else band[3]
    return None, None


def _round(x: float) -> float:
    return round(x, 6)


# ---------------------------------------------------------------------------
# Nutrient bounds
# ---------------------------------------------------------------------------


def _dri_bound(
    rows: tuple[DriRow, ...],
    nutrient: Nutrient,
    person: Person,
    margin: float,
    notes: list[str],
) -> NutrientBound | None:
    intake = _pick(rows, nutrient, frozenset({"RDA", "AI"}), person)
    if intake is None:
        return None
    ul = _pick(rows, nutrient, frozenset({"UL"}), person)
    scale = margin if nutrient in FOCUS_NUTRIENTS else 1.0
    minimum = _round(intake.value * scale)
    parts = [
        f"{_CITATION[nutrient]}: {intake.kind} {intake.value:g} {unit_label(intake.unit)}/day"
    ]
    parts[0] += f" for {intake.group()}"
    if scale != 1.0:
        parts.append(f"minimum = {intake.kind} x margin {scale:g}")
    maximum: float | None = None
    maximum_kind: BoundKind | None = None
    if ul is not None and nutrient in _UL_CAPS_FOOD:
        maximum = ul.value
        maximum_kind = BoundKind.UL
        parts.append(
            f"maximum = UL {ul.value:g} {unit_label(ul.unit)}/day (total intake, food included)"
        )
        if minimum > maximum:
            minimum = maximum
            parts.append("minimum capped at the UL")
            notes.append(
                f"{nutrient.label}: {intake.kind} x margin {scale:g} is above the UL "
                f"of {ul.value:g} {unit_label(ul.unit)}/day, so the minimum is capped at the UL"
            )
    elif ul is not None:
        parts.append(
            f"no maximum: the UL of {ul.value:g} {unit_label(ul.unit)}/day applies to supplements "
            "and medications only, not to food"
        )
    elif nutrient is Nutrient.MAGNESIUM:
        parts.append("no maximum: magnesium from food has no UL")
    else:
        parts.append("no maximum: no UL established")
    return NutrientBound(
        nutrient=nutrient.value,
        unit=intake.unit,
        minimum=minimum,
        maximum=maximum,
        minimum_kind=BoundKind.RDA if intake.kind == "RDA" else BoundKind.AI,
        maximum_kind=maximum_kind,
        source="; ".join(parts),
    )


def _fiber_bound(person: Person, notes: list[str]) -> NutrientBound | None:
    band, value = _band(_FIBER_AI_G, person.age, person.sex)
    if band is None or value is None:
        notes.append("no fiber target: IOM 2005 sets no fiber AI for infants")
        return None
    group = f"{person.sex.value}s {_age_span(band[0], band[1])}"
    if person.pregnancy:
        value, group = _FIBER_PREGNANCY_G, "pregnancy"
    elif person.lactation:
        value, group = _FIBER_LACTATION_G, "lactation"
    return NutrientBound(
        nutrient=Nutrient.FIBER.value,
        unit=Nutrient.FIBER.unit,
        minimum=value,
        minimum_kind=BoundKind.AI,
        source=f"{_IOM_2005}: total fiber AI {value:g} g/day for {group}",
    )


def _protein_bound(person: Person) -> NutrientBound:
    stage = _stage(person)
    infant_ai = person.age < 0.5
    if stage in _PROTEIN_SPECIAL:
        per_kg, per_day = _PROTEIN_SPECIAL[stage]
        group = stage
    else:
        _, kg_value = _band(_PROTEIN_G_PER_KG, person.age, person.sex)
        day_band, day_value = _band(_PROTEIN_G_PER_DAY, person.age, person.sex)
        if kg_value is None or day_band is None or day_value is None:
            msg = f"no protein RDA for age {person.age:g}"  # bands cover 0-200
            raise TargetError(msg)
        per_kg, per_day = kg_value, day_value
        group = f"{person.sex.value}s {_age_span(day_band[0], day_band[1])}"
    kind = BoundKind.AI if infant_ai else BoundKind.RDA
    weight = plausible_weight(person)
    if weight is not None:
        minimum = _round(per_kg * weight)
        how = f"{kind.value} {per_kg:g} g/kg/day x {weight:g} kg"
    else:
        minimum = per_day
        how = f"{kind.value} {per_day:g} g/day (reference body weight)"
    return NutrientBound(
        nutrient=Nutrient.PROTEIN.value,
        unit=Nutrient.PROTEIN.unit,
        minimum=minimum,
        minimum_kind=kind,
        source=f"{_IOM_2005}: protein {how} for {group}",
    )


def _sodium_bound(person: Person, notes: list[str]) -> NutrientBound | None:
    band, value = _band(_SODIUM_CDRR_MG, person.age, person.sex)
    if band is None or value is None:
        notes.append("no sodium limit: NASEM 2019 sets no CDRR for infants")
        return None
    return NutrientBound(
        nutrient=Nutrient.SODIUM.value,
        unit=Nutrient.SODIUM.unit,
        maximum=value,
        maximum_kind=BoundKind.CDRR,
        source=(
            f"{_NASEM_2019}: chronic disease risk reduction intake (CDRR) "
            f"{value:g} mg/day for ages {_age_span(band[0], band[1])}; reduce intakes "
            "above it"
        ),
    )


def _caffeine_bound(person: Person) -> NutrientBound | None:
    # A safety limit, so it is planned in every panel mode (as the sodium
    # CDRR is): 3 cups of coffee are 285 mg, over the 200 mg of pregnancy.
    limit = caffeine_limit(person)
    if limit is None:
        return None
    value, why = limit
    return NutrientBound(
        nutrient=Nutrient.CAFFEINE.value,
        unit=Nutrient.CAFFEINE.unit,
        maximum=value,
        maximum_kind=BoundKind.LIMIT,
        source=why,
    )


def _macro_shares(age: float, notes: list[str]) -> _MacroShares | None:
    for lo, hi, protein, fat, carbohydrate in _AMDR:
        if lo <= age < hi:
            return {
                Nutrient.PROTEIN.value: protein,
                Nutrient.FAT.value: fat,
                Nutrient.CARBOHYDRATE.value: carbohydrate,
            }
    notes.append(
        "no macronutrient shares: IOM 2005 sets no AMDRs for infants (their diet "
        "should be built around breast milk or formula)"
    )
    return None


def _person(person: object) -> Person:
    """Return ``person`` as a Person (a dict is validated); else a RequestError."""
    if isinstance(person, Person):
        return person
    if isinstance(person, Mapping):
        from pydantic import ValidationError

        from mealplan._request_parse import request_error

        try:
            return Person.model_validate(person)
        except ValidationError as exc:
            raise request_error(exc) from None
    msg = (
        f"targets_for: person must be a Person or a dict (got {type(person).__name__})."
    )
    raise RequestError(msg, [{"loc": "person", "msg": msg}])


def _check_numbers(
    kcal_min: float | None, kcal_max: float | None, margin: float
) -> None:
    errors: list[tuple[str, str]] = []
    for name, value in (
        ("kcal_min", kcal_min),
        ("kcal_max", kcal_max),
        ("margin", margin),
    ):
        # A boolean is no number (True was taken as a margin of 1).
        if (value is not None or name == "margin") and (
            isinstance(value, bool) or not isinstance(value, numbers.Real)
        ):
            errors.append((name, f"{name} must be a number (got {value!r})"))
    if errors:
        raise RequestError(
            errors[0][1] + ".", [{"loc": n, "msg": m} for n, m in errors]
        )
    for name, value in (("kcal_min", kcal_min), ("kcal_max", kcal_max)):
        if value is not None and not (math.isfinite(value) and 0 < value <= 10000):
            errors.append(
                (name, f"{name} must be above 0 and at most 10000 (got {value})")
            )
    if not (math.isfinite(margin) and 1.0 <= margin <= 3.0):
        errors.append(("margin", f"margin must be from 1.0 to 3.0 (got {margin})"))
    if (
        not errors
        and kcal_min is not None
        and kcal_max is not None
        and kcal_min > kcal_max
    ):
        errors.append(
            (
                "kcal_min",
                f"kcal_min {kcal_min:g} is above kcal_max {kcal_max:g}; swap them",
            )
        )
    if errors:
        raise RequestError(
            errors[0][1]
            + ("" if len(errors) == 1 else f" (and {len(errors) - 1} more)"),
            [{"loc": loc, "msg": msg} for loc, msg in errors],
        )


def targets_for(
    person: Person | Mapping[str, Any],
    *,
    kcal_min: float | None = None,
    kcal_max: float | None = None,
    margin: float = 1.0,
    panel: PanelMode | str = PanelMode.OFF,
    budgeted: bool = False,
) -> NutrientTargets:
    """Return the daily nutrient targets for ``person`` from the DRIs.

    * Magnesium, calcium, vitamin D, vitamin B12: minimum = RDA (AI where no
      RDA exists) x ``margin``. Calcium and vitamin D get maximum = UL, which
      limits total intake; a minimum above the UL is capped at it. Magnesium
      gets no maximum (its UL limits supplements only), nor does B12 (no UL).
    * Potassium: minimum = AI (NASEM 2019); none for infants.
    * Fiber: minimum = AI (IOM 2005); none for infants.
    * Protein: minimum = RDA (IOM 2005), per kg of ``person.weight_kg`` when
      given, else the g/day value for the reference body weight.
    * Sodium: maximum = CDRR (NASEM 2019); none for infants.
    * Energy: ``[kcal_min, kcal_max]`` when both are given (kind USER).
      Otherwise the estimated energy requirement (see
      :func:`estimated_energy_requirement`) +/- 10 % (kind EER), with
      ``energy_estimated=True``; a side the caller gives replaces that side,
      and the other side is widened if needed so the range stays at least
      10 % wide (only ``kcal_min``: maximum = max(EER, kcal_min) x 1.1; only
      ``kcal_max``: minimum = min(EER, kcal_max) x 0.9).
    * ``macro_shares``: the AMDRs (IOM 2005) for the age; None for infants.

    Args:
        person: Who the targets are for.
        kcal_min: Lowest daily energy, kcal.
        kcal_max: Highest daily energy, kcal.
        margin: Factor (1.0-3.0) on the focus-nutrient minimums, e.g. 1.1 for
            110 % of the RDA.
        panel: The rest of the DRI panel (see :mod:`mealplan._panel`):
            ``limits`` adds the ULs that apply to food (retinol, folic acid,
            added vitamin E, and total-intake ULs); ``rda`` also a minimum
            for every panel nutrient with an RDA at the person's life stage
            (nutrients with only an AI are reported); ``full`` a minimum for
            every nutrient with an RDA or AI, a fiber ceiling and the sodium
            AI as a floor; ``off`` (the default here, so direct callers keep
            the bounds they had) none of these; ``auto`` is ``rda`` from age
            1, with some AIs from age 4 (see :class:`PanelMode`), resolved
            here once. ``PlanRequest.panel`` defaults to ``auto``. The notes
            name the mode planned ("panel planned: 'rda'"). Every mode but
            ``off`` notes the DRI nutrients SR28 has no data for (iodine,
            chromium, molybdenum, biotin, chloride, fluoride).
        budgeted: The request has a daily budget or the cost objective: the
            mode is the same, and the note says that the planner lifts the
            panel's RDAs when the budget cannot meet them (see
            :func:`mealplan._ai_floors.default_floors`).

    Returns:
        The targets, with the assumptions made listed in ``notes``.

    Raises:
        TargetError: The DRI table has no values for the person (pregnancy or
            lactation outside ages 14-50).
        RequestError: ``kcal_min``/``kcal_max`` or ``margin`` is out of range.

    """
    person = _person(person)
    _check_numbers(kcal_min, kcal_max, margin)
    try:
        requested = PanelMode(panel)
    except ValueError:
        choices = ", ".join(m.value for m in PanelMode)
        msg = f"panel must be one of {choices} (got {panel!r})."
        raise RequestError(msg, [{"loc": "panel", "msg": msg}]) from None
    # Resolved once, here: everything below (and the plan's notes) sees the
    # mode actually planned, never 'auto'.
    mode = requested.for_age(person.age, budgeted=budgeted)
    rows = _table()
    _check_coverage(rows, person)
    notes: list[str] = []
    energy, estimated = _energy_bound(person, kcal_min, kcal_max, notes)
    found: dict[Nutrient, NutrientBound | None] = {
        Nutrient.ENERGY: energy,
        Nutrient.PROTEIN: _protein_bound(person),
        Nutrient.FIBER: _fiber_bound(person, notes),
    }
    for nutrient in (*FOCUS_NUTRIENTS, Nutrient.POTASSIUM):
        bound = _dri_bound(rows, nutrient, person, margin, notes)
        if bound is None and nutrient in FOCUS_NUTRIENTS:
            msg = (
                f"The DRI table has no RDA or AI for {nutrient.label} at age "
                f"{person.age:g} ({person.sex.value}, {_stage(person)}); "
                "give explicit targets instead."
            )
            raise TargetError(msg)
        if bound is None:
            notes.append(
                f"no {nutrient.label} target: the DRI table has no value for age "
                f"{person.age:g}"
                + (
                    " (NASEM 2019 sets only an infant AI, not in the table)"
                    if person.age < 1
                    else ""
                )
            )
        found[nutrient] = bound
    found[Nutrient.SODIUM] = _sodium_bound(person, notes)
    found[Nutrient.CAFFEINE] = _caffeine_bound(person)
    if mode is PanelMode.OFF:
        notes.append(panel_note(mode, auto=False))
    else:
        add_panel(
            found,
            person,
            notes,
            mode=mode,
            auto=requested is PanelMode.AUTO,
            budgeted=budgeted,
        )
    shares = _macro_shares(person.age, notes)
    bounds = [b for n in Nutrient if (b := found.get(n)) is not None]
    return NutrientTargets(
        bounds=bounds, macro_shares=shares, energy_estimated=estimated, notes=notes
    )
