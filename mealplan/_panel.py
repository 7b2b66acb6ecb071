"""The rest of the DRI panel: minimums and food-applicable ULs beyond the focus four.

Values come from ``foods/dri_full.csv``, a byte-for-byte copy of
``shared/reference/dri_full.csv``: the NASEM/IOM DRI summary tables for every
life-stage group, with the NASEM 2019 sodium and potassium revision, checked
cell by cell against independent transcriptions (the reference README lists
the sources, corrections and cross-checks). Which UL limits which form:

* vitamin A: the UL limits preformed vitamin A, so it caps ``retinol_ug``
  (SR28 319), never ``vitamin_a_rae_ug`` (carotenoids have no UL);
* folate: the UL limits synthetic folic acid, so it caps ``folic_acid_ug``
  (SR28 431), never food folate;
* vitamin E: the UL limits supplemental alpha-tocopherol, so it caps
  ``vitamin_e_added_mg`` (SR28 573);
* niacin: the UL limits synthetic niacin, which SR28 does not separate, so
  niacin gets no maximum; magnesium's UL never applies to food;
* every other UL here limits total intake, food included.

Fiber gets a planning ceiling (not a DRI; IOM 2005 sets no fiber UL) and
sodium its AI as a floor (NASEM 2019).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mealplan._errors import FoodTableError
from mealplan._models import BoundKind, NutrientBound
from mealplan._nutrients import Nutrient, unit_label
from mealplan._resources import data_file

if TYPE_CHECKING:
    from collections.abc import Collection

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, Person

__all__ = [
    "AUTO_AI_CHECKED",
    "AUTO_AI_FROM_AGE",
    "AUTO_AI_PLANNED",
    "DRI_FULL_FILE",
    "MATERNAL_NOTE",
    "MATERNAL_PLANNED",
    "PANEL_MINIMUMS",
    "PANEL_UL_FORMS",
    "ai_only",
    "fiber_ceiling",
    "intake_value",
    "not_in_table",
    "panel_bounds",
    "read_dri_full",
    "sodium_floor",
    "without_sparse_minimums",
]

DRI_FULL_FILE = "dri_full.csv"
"""Name of the bundled complete DRI table in ``foods/``."""

_SOURCE = (
    "NASEM/IOM DRI summary tables (with the NASEM 2019 sodium and potassium "
    "revision), via foods/dri_full.csv"
)

PANEL_MINIMUMS: tuple[Nutrient, ...] = (
    Nutrient.IRON,
    Nutrient.ZINC,
    Nutrient.COPPER,
    Nutrient.MANGANESE,
    Nutrient.SELENIUM,
    Nutrient.PHOSPHORUS,
    Nutrient.VITAMIN_A,
    Nutrient.VITAMIN_C,
    Nutrient.VITAMIN_E,
    Nutrient.VITAMIN_K,
    Nutrient.THIAMIN,
    Nutrient.RIBOFLAVIN,
    Nutrient.NIACIN,
    Nutrient.VITAMIN_B6,
    Nutrient.FOLATE,
    Nutrient.PANTOTHENIC_ACID,
    Nutrient.CHOLINE,
    Nutrient.LINOLEIC_ACID,
    Nutrient.ALPHA_LINOLENIC_ACID,
)
"""Panel nutrients that get a minimum (RDA, else AI) beyond the focus four."""

AUTO_AI_FROM_AGE = 4.0
"""The age from which the default ``auto`` plans :data:`AUTO_AI_PLANNED` and
:data:`AUTO_AI_CHECKED` beside the RDAs (it plans the RDAs from age 1).

At ages 1-3 those AIs are reported with shortfalls called out: planning the
five of them beside the RDAs cost 24 toddler days 2.07x the CPU and left 2
without a plan in time (``benchmarks/ai_floors_latest.md``), while the RDAs
alone cost them 1.37x, every day planned
(``benchmarks/toddler_auto_ab_latest.md``)."""

AUTO_AI_PLANNED: tuple[Nutrient, ...] = (
    Nutrient.MANGANESE,
    Nutrient.PANTOTHENIC_ACID,
    Nutrient.LINOLEIC_ACID,
    Nutrient.ALPHA_LINOLENIC_ACID,
)
"""Panel AIs the default ``auto`` plans from age 4 (:data:`AUTO_AI_FROM_AGE`), beside every RDA.

Measured (``benchmarks/ai_floors_latest.md``, session 17, quiet, each of
the 62 default one-day requests of ``benchmarks/ab_days.py`` in a fresh
process per side, interleaved): all 62 plan with these four floors, none
lifted for time, at a per-day CPU ratio of median 1.05 (sum 81.3 -> 86.1
s). Vitamin K's AI was planned with them at first (five AIs: median 1.03,
none lifted) and left out: a very active vegetarian woman of 19 (3,300-4,100
kcal) plans under the RDAs in 6 s of a 20 s limit and under the RDAs and
vitamin K's floor not at all (the suite's random-people test found her).
The two AI minimums left reported cost far more: choline's AI (outside
pregnancy and lactation, :data:`MATERNAL_PLANNED`) CPU sum 1.90x, p95 4.3
-> 7.9 s, and 4 of 62 days lifted every floor for want of time (only 6.6 %
of US adults reach it, Wallace & Fulgoni, J Am Coll Nutr
2016;35(2):108-112), so it is aimed at in the objective and checked
instead (:mod:`mealplan._soft_minimums`, :data:`AUTO_AI_CHECKED`); the sodium AI as a floor CPU sum 1.39x, p95 3.3 ->
5.2 s, and vegan days much worse plans (the table's foods are unsalted:
salt added in cooking or at the table is not counted). Like every default
floor, these never cost the plan: lifted with the RDAs when no plan is found
in time (those the first plan without them meets stay planned), and on
their own (RDAs kept) when no plan within the other bounds meets them
(:mod:`mealplan._ai_floors`)."""

AUTO_AI_CHECKED: tuple[Nutrient, ...] = (Nutrient.VITAMIN_K, Nutrient.CHOLINE)
"""Panel AIs the default ``auto`` plans from age 4 by checking the plan.

Planned without them, then checked, and planned again with those the plan
is short of only (:mod:`mealplan._checked_floors`): vitamin K's AI, met by
61 of 63 measured default days' own foods, stalled a very active
vegetarian's day as a floor of the model from the start (session 17).
Choline's AI (outside pregnancy and lactation, where it is a floor from the
start: :data:`MATERNAL_PLANNED`) is aimed at in the objective first
(:mod:`mealplan._soft_minimums`), so most days meet it without a second
search: checked alone it cost CPU sum 2.15x and left 14 of 63 default days
short (session 27, ``benchmarks/choline_checked_ab_latest.md``); aimed at
and then checked, the 63 default days and the 40 children's days of 4-12
meet it, at 1.25x and 1.39x the median CPU of aiming alone (1.32x and
1.25x in sum), none losing its RDAs; 3 of 24 large eaters' days find no
plan with it in the 5 s box and keep their first with a note
(``benchmarks/choline_checked_ab_latest.md``, session 37)."""

MATERNAL_PLANNED: tuple[Nutrient, ...] = (Nutrient.CHOLINE,)
"""Panel AIs the default ``auto`` plans in pregnancy and lactation, beside every RDA.

Choline: the fetus takes it for brain and neural-tube development and
breast milk carries it, so the AI rises to 450 mg a day in pregnancy and
550 mg in lactation (IOM 1998), and most pregnant women in the US eat less
(NIH ODS, Choline fact sheet for health professionals). Reported only, it
came out short on 14 of 17 default pregnant days and 7 of 7 lactating ones
(4 diets, 3 trimesters, allergies: 279-549 mg); planned, all 17 pregnant
days and 6 of the 7 lactating ones meet it (the lactating vegan's day has
no plan with it in its first share of the time, so it is lifted with a
note), at CPU 8.1 -> 17.0 s (pregnant) and 8.9 -> 18.1 s (lactating) in
sum (session 14, quiet, interleaved; the README's panel section). A floor
the allowed foods cannot reach, or that no plan meets in time, is lifted
with a note, never refused (:mod:`mealplan._ai_floors`)."""

MATERNAL_NOTE = (
    "choline's AI is planned in pregnancy and lactation (the fetus needs it "
    "for brain and neural-tube development and breast milk carries it, IOM "
    "1998; most pregnant women eat less, NIH ODS)"
)
"""The note of a plan whose targets carry :data:`MATERNAL_PLANNED`."""

PANEL_UL_FORMS: dict[Nutrient, Nutrient | None] = {
    Nutrient.IRON: Nutrient.IRON,
    Nutrient.ZINC: Nutrient.ZINC,
    Nutrient.COPPER: Nutrient.COPPER,
    Nutrient.MANGANESE: Nutrient.MANGANESE,
    Nutrient.SELENIUM: Nutrient.SELENIUM,
    Nutrient.PHOSPHORUS: Nutrient.PHOSPHORUS,
    Nutrient.VITAMIN_C: Nutrient.VITAMIN_C,
    Nutrient.VITAMIN_B6: Nutrient.VITAMIN_B6,
    Nutrient.CHOLINE: Nutrient.CHOLINE,
    Nutrient.VITAMIN_A: Nutrient.RETINOL,
    Nutrient.FOLATE: Nutrient.FOLIC_ACID,
    Nutrient.VITAMIN_E: Nutrient.VITAMIN_E_ADDED,
    Nutrient.NIACIN: None,
}
"""DRI nutrient -> the column its UL caps (None: the UL never applies to food)."""

_KINDS = frozenset({"RDA", "AI", "UL"})


@dataclass(frozen=True, slots=True)
class _Row:
    column: str
    kind: str
    life_stage: str
    sex: str
    age_min: float
    age_max: float
    value: float
    unit: str


def read_dri_full(path: Path) -> tuple[_Row, ...]:
    """Read the RDA/AI/UL rows of ``dri_full.csv`` for columns of the food table.

    Raises:
        FoodTableError: The file is missing or a value is malformed.

    """
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"The DRI table {where} cannot be read ({exc.strerror}); reinstall mealplan."
        raise FoodTableError(msg, path=where) from exc
    columns = {n.value for n in Nutrient}
    rows = []
    for number, raw in enumerate(csv.DictReader(text.splitlines()), start=1):
        column = f"{raw.get('nutrient')}_{raw.get('unit')}"
        if raw.get("kind") not in _KINDS or column not in columns:
            continue
        try:
            numbers = [
                float(raw[c]) for c in ("age_min_years", "age_max_years", "value")
            ]
        except (TypeError, ValueError):
            numbers = [math.nan]
        if not all(math.isfinite(v) and v >= 0 for v in numbers):
            msg = (
                f"The DRI table {where}, row {number}, holds a value that is not a "
                "finite number >= 0; restore it from the reference copy."
            )
            raise FoodTableError(msg, path=where, row=number)
        rows.append(
            _Row(
                column=column,
                kind=raw["kind"],
                life_stage=raw["life_stage"],
                sex=raw["sex"],
                age_min=numbers[0],
                age_max=numbers[1],
                value=numbers[2],
                unit=raw["unit"],
            )
        )
    return tuple(rows)


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[_Row, ...]:
    return read_dri_full(Path(path))


def _stage(person: Person) -> str:
    if person.pregnancy:
        return "pregnancy"
    if person.lactation:
        return "lactation"
    return "general"


def _pick(
    rows: tuple[_Row, ...], column: str, kinds: set[str], person: Person
) -> _Row | None:
    stage = _stage(person)
    for row in rows:
        if row.column != column or row.kind not in kinds:
            continue
        if row.sex not in ("any", person.sex.value):
            continue
        if not (row.age_min <= person.age < row.age_max):
            continue
        special = row.life_stage in ("pregnancy", "lactation")
        if special != (stage != "general") or (special and row.life_stage != stage):
            continue
        return row
    return None


def _group(person: Person) -> str:
    stage = _stage(person)
    if stage != "general":
        return f"{stage}, age {person.age:g}"
    return f"{person.sex.value}s aged {person.age:g}"


def panel_bounds(
    person: Person,
    notes: list[str],
    *,
    minimums: bool = True,
    ai_minimums: bool = True,
    planned: Collection[Nutrient] = (),
) -> list[NutrientBound]:
    """Return minimums and food-applicable maximums for :data:`PANEL_MINIMUMS`.

    With ``minimums=False`` only the maximums (ULs) are returned, but for the
    ``planned`` nutrients, which keep their RDA or AI as a minimum (choline
    in pregnancy, :data:`MATERNAL_PLANNED`); with ``ai_minimums=False`` a nutrient whose
    intake value at the person's life stage is an AI (no RDA) gets no
    minimum either, unless it is ``planned``. Notes say where the table has no value for the person.
    """
    rows = _load(str(data_file(DRI_FULL_FILE)))
    bounds: dict[str, NutrientBound] = {}
    for nutrient in PANEL_MINIMUMS:
        intake = _pick(rows, nutrient.value, {"RDA", "AI"}, person)
        ul = _pick(rows, nutrient.value, {"UL"}, person)
        form = PANEL_UL_FORMS.get(nutrient)
        if intake is None:
            notes.append(
                f"no {nutrient.label} target: the DRI table has no RDA or AI for "
                f"{_group(person)}"
            )
            continue
        parts = [
            f"{_SOURCE}: {intake.kind} {intake.value:g} {unit_label(intake.unit)}/day for {_group(person)}"
        ]
        maximum = None
        if ul is not None and form is nutrient:
            maximum = ul.value
            parts.append(
                f"maximum = UL {ul.value:g} {unit_label(ul.unit)}/day (total intake, food included)"
            )
        elif ul is not None and form is None:
            parts.append(
                f"no maximum: the UL of {ul.value:g} {unit_label(ul.unit)}/day applies to "
                "synthetic forms SR28 does not separate"
            )
        elif ul is not None and form is not None:
            parts.append(f"its UL caps {form.label} instead (see that bound)")
            bounds[form.value] = NutrientBound(
                nutrient=form.value,
                unit=form.unit,
                maximum=ul.value,
                maximum_kind=BoundKind.UL,
                source=(
                    f"{_SOURCE}: {nutrient.label} UL {ul.value:g} {unit_label(ul.unit)}/day for "
                    f"{_group(person)}, which applies to {form.label} only"
                ),
            )
        minimum: float | None = intake.value
        chosen = nutrient in planned
        wanted = minimums or chosen
        if not wanted or (intake.kind == "AI" and not ai_minimums and not chosen):
            minimum = None
            parts[0] = f"minimum reported, not planned ({parts[0]})"
            if maximum is None:
                continue
        elif maximum is not None and intake.value > maximum:
            minimum = maximum
        bounds[nutrient.value] = NutrientBound(
            nutrient=nutrient.value,
            unit=nutrient.unit,
            minimum=minimum,
            maximum=maximum,
            minimum_kind=(
                None
                if minimum is None
                else BoundKind.RDA
                if intake.kind == "RDA"
                else BoundKind.AI
            ),
            maximum_kind=BoundKind.UL if maximum is not None else None,
            source="; ".join(parts),
        )
    order = [n.value for n in Nutrient]
    return sorted(bounds.values(), key=lambda b: order.index(b.nutrient))


def intake_value(person: Person, nutrient: Nutrient) -> tuple[str, float] | None:
    """Return the (kind, value) of the person's RDA or AI of ``nutrient``, or None."""
    row = _pick(
        _load(str(data_file(DRI_FULL_FILE))), nutrient.value, {"RDA", "AI"}, person
    )
    return None if row is None else (row.kind, row.value)


def ai_only(person: Person) -> list[str]:
    """Labels of the panel nutrients whose intake value for ``person`` is an AI."""
    rows = _load(str(data_file(DRI_FULL_FILE)))
    out = []
    for nutrient in PANEL_MINIMUMS:
        row = _pick(rows, nutrient.value, {"RDA", "AI"}, person)
        if row is not None and row.kind == "AI":
            out.append(nutrient.label)
    return out


# DRI nutrients SR28 does not measure at all (reference README): no food in the
# table has a value, so no total can be computed, let alone planned.
_NOT_IN_SR28 = ("iodine", "chromium", "molybdenum", "biotin", "chloride", "fluoride")


@lru_cache(maxsize=4)
def _unmeasured(path: str) -> tuple[_Row, ...]:
    """Return the RDA/AI rows of the nutrients in :data:`_NOT_IN_SR28`."""
    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for raw in csv.DictReader(fh):
            if raw.get("nutrient") not in _NOT_IN_SR28:
                continue
            if raw.get("kind") not in ("RDA", "AI"):
                continue
            try:
                lo, hi, value = (
                    float(raw[c]) for c in ("age_min_years", "age_max_years", "value")
                )
            except (TypeError, ValueError):
                continue  # read_dri_full reports malformed rows of planned nutrients
            rows.append(
                _Row(
                    raw["nutrient"],
                    raw["kind"],
                    raw["life_stage"],
                    raw["sex"],
                    lo,
                    hi,
                    value,
                    raw["unit"],
                )
            )
    return tuple(rows)


def not_in_table(person: Person) -> list[str]:
    """Return a note naming the DRI nutrients without any data, so not planned.

    SR28 has no values for iodine, chromium, molybdenum, biotin and chloride
    (and fluoride for a few drinks only), so a plan cannot total them: each
    is named with the person's RDA/AI rather than silently skipped.
    """
    rows = _unmeasured(str(data_file(DRI_FULL_FILE)))
    parts = []
    for name in _NOT_IN_SR28:
        row = _pick(rows, name, {"RDA", "AI"}, person)
        if row is not None:
            unit = unit_label(row.unit)
            parts.append(f"{name} ({row.kind} {row.value:g} {unit}/day)")
    if not parts:
        return []
    return [
        "not planned, no USDA data: "
        + ", ".join(parts)
        + " — SR28 has no values for these (fluoride: a few drinks only), so no "
        "total can be given; iodine comes mostly from iodized salt, dairy and "
        "seafood"
    ]


SPARSE_SHARE = 0.5
"""A panel minimum is not planned when more of the table's foods than this
share have no value for it: the planner would count them as 0 and chase the
few foods with data."""


def without_sparse_minimums(
    targets: NutrientTargets,
    table: FoodTable,
    allowed: Collection[str] | None = None,
) -> NutrientTargets:
    """Drop the panel minimums of nutrients with too much missing data, saying so.

    The share is counted over ``allowed`` (the foods the request's diet and
    allergies leave; every food of the table when None): a nutrient most of
    a vegan's foods lack cannot be planned for a vegan even when the
    omnivore's foods have it. Only minimums from the DRI panel are dropped
    (a caller's own bound and the focus nutrients stay); ULs stay too, as a
    cap on the foods with data is still a cap. Each dropped minimum gets a
    note with the count of foods missing the value ("too much missing data
    to plan"), so it is never skipped silently.
    """
    panel = {n.value for n in PANEL_MINIMUMS}
    keep = None if allowed is None else set(allowed)
    rows = np.array([keep is None or fid in keep for fid in table.ids], dtype=bool)
    count = int(rows.sum())
    bounds = []
    notes = list(targets.notes)
    for bound in targets.bounds:
        if (
            bound.nutrient in panel
            and bound.minimum is not None
            and bound.minimum_kind in (BoundKind.RDA, BoundKind.AI)
            and table.has_column(bound.nutrient)
            and count
        ):
            missing = int(np.isnan(table.numbers(bound.nutrient)[rows]).sum())
            if missing > SPARSE_SHARE * count:
                label = Nutrient(bound.nutrient).label
                which = (
                    "foods"
                    if count == len(table)
                    else "foods the request's diet and allergies allow"
                )
                notes.append(
                    f"{label} not planned, too much missing data to plan: "
                    f"{missing} of {count} {which} have no value for it (more "
                    f"than {SPARSE_SHARE:.0%}), so its total is a lower bound and "
                    "is reported only"
                )
                bound = bound.model_copy(update={"minimum": None, "minimum_kind": None})
                if bound.maximum is None:
                    continue
        bounds.append(bound)
    if len(notes) == len(targets.notes):
        return targets
    return targets.model_copy(update={"bounds": bounds, "notes": notes})


_FIBER_CEILING_ADULT_G = 50.0
_FIBER_CEILING_PER_1000_KCAL = 21.0


def fiber_ceiling(
    person: Person, minimum: float, kcal: float | None = None
) -> tuple[float, str]:
    """Return the fiber planning ceiling for ``person`` and its reason.

    Not a DRI: IOM 2005 sets no fiber UL. The ceiling is 1.5 x the AI (the AI
    is 14 g per 1,000 kcal, so 21 g per 1,000 kcal), and at least 50 g/day for
    adults, past which bloating and lower mineral absorption are commonly
    reported. It stops the 60-70 g days a minimum-only plan produced.

    The AI is 14 g per 1,000 kcal of the median intake, so for a person who
    must eat far more (``kcal``: the least energy the day must give) 1.5 x the
    AI is a much lower density: a very active vegetarian man of 30 (3,928 kcal
    at least) was held to 57 g, 14.5 g per 1,000 kcal (under ``limits`` a
    search for any plan of his day found none in 30 s with it, one in 23 s
    without it). The ceiling is never below 21 g per 1,000 kcal of ``kcal``.
    """
    value = round(1.5 * minimum, 1)
    why = (
        "planning ceiling, not a DRI (IOM 2005 sets no fiber UL): 1.5 x the AI, "
        "i.e. 21 g per 1,000 kcal"
    )
    if person.age >= 19 and value < _FIBER_CEILING_ADULT_G:
        value = _FIBER_CEILING_ADULT_G
        why = (
            "planning ceiling, not a DRI (IOM 2005 sets no fiber UL): 50 g/day for "
            "adults, beyond which bloating and lower mineral absorption are "
            "commonly reported"
        )
    scaled = round(_FIBER_CEILING_PER_1000_KCAL * (kcal or 0.0) / 1000.0, 1)
    if scaled > value:
        value = scaled
        why = (
            "planning ceiling, not a DRI (IOM 2005 sets no fiber UL): 21 g per "
            f"1,000 kcal (1.5 x the AI's 14 g) of the day's {kcal:,.0f} kcal"
        )
    return value, why


def sodium_floor(person: Person) -> tuple[float, str] | None:
    """Return the sodium AI (NASEM 2019) as a floor, or None without a value."""
    rows = _load(str(data_file(DRI_FULL_FILE)))
    row = _pick(rows, Nutrient.SODIUM.value, {"AI"}, person)
    if row is None:
        return None
    return row.value, (
        f"minimum = NASEM 2019 AI {row.value:g} mg/day for {_group(person)} "
        "(via foods/dri_full.csv)"
    )
