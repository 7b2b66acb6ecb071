"""The compact panel of a report: the DRI panel's nutrients a plan does not plan.

:func:`compact_panel` compares each panel nutrient without a planned minimum
with the person's RDA/AI and food-applicable UL (:mod:`mealplan._panel`):
shortfalls and excesses called out by name and amount, the rest listed as
met, totals missing data marked as lower bounds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan import _saturated_fat as saturated_fat
from mealplan._caffeine import CAFFEINE_WORDS
from mealplan._dri_reference import dri_references
from mealplan._models import NutrientStatus
from mealplan._nutrients import Nutrient
from mealplan._panel import PANEL_MINIMUMS, fiber_ceiling
from mealplan._report_parts import amount, nutrient_label
from mealplan._ul_standins import REPORTED_UNDER_AGE, planned_room

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from mealplan._models import NutrientTotal, Person

__all__ = [
    "NEAR_LIMIT",
    "REPORTED_ONLY",
    "compact_panel",
    "missing_notes",
    "short_minimums",
]


REPORTED_ONLY = frozenset(
    {
        *(n.value for n in PANEL_MINIMUMS),
        Nutrient.RETINOL.value,
        Nutrient.FOLIC_ACID.value,
        Nutrient.VITAMIN_E_ADDED.value,
        Nutrient.WATER.value,
        Nutrient.SATURATED_FAT.value,
        Nutrient.SUGARS.value,
    }
)
"""Columns a report shows in the compact panel when the plan has no bound on them."""


def compact_panel(
    person: Person | None,
    totals: Sequence[NutrientTotal],
    minimums: Iterable[str],
    fmt: Callable[[float, str], str],
) -> list[str]:
    """Return the compact-panel lines for a day's (or the average's) totals.

    Each panel nutrient without a planned minimum (``minimums`` names those
    with one) is compared with the person's RDA/AI and food-applicable UL:
    shortfalls and excesses are called out by name and amount, the rest
    listed as met; a total missing data is marked ``≥`` (a lower bound).
    """
    if person is None:
        return []
    skip = set(minimums)
    # The fiber ceiling scales with the energy eaten (fiber_ceiling).
    energy = next(
        (t.amount for t in totals if t.nutrient == Nutrient.ENERGY.value), None
    )
    refs = dri_references(person)
    short: list[str] = []
    over: list[str] = []
    met: list[str] = []
    gaps: list[str] = []
    for total in totals:
        name = total.nutrient
        if name == Nutrient.FIBER.value and total.maximum is None and total.minimum:
            ceiling, _ = fiber_ceiling(person, total.minimum, energy)
            if total.amount > ceiling:
                over.append(
                    f"fiber {fmt(total.amount, total.unit)}, over the planning "
                    f"ceiling of {fmt(ceiling, total.unit)} (1.5 x the AI, or 21 g "
                    "per 1,000 kcal eaten; not a DRI)"
                )
            continue
        if name == Nutrient.SATURATED_FAT.value and name not in skip:
            said = _saturated_fat(person, total, energy, fmt)
            if said is not None:
                (over if said[0] else met).append(said[1])
            continue
        sodium = name == Nutrient.SODIUM.value
        if (name not in REPORTED_ONLY and not sodium) or name in skip:
            continue
        ref = refs.get(name)
        label = Nutrient(name).label if name in _VALUES else name
        shown = ("≥ " if total.lower_bound else "") + fmt(total.amount, total.unit)
        if total.lower_bound and total.foods_missing_data:
            gaps.append(label)
        if ref is None:
            continue
        maybe = _limit_doubt(name, total, ref.maximum, person)
        if ref.maximum is not None and total.amount > ref.maximum:
            over.append(
                f"{label} {shown}, over the UL of {fmt(ref.maximum, total.unit)}"
            )
        elif ref.minimum is not None and total.amount < ref.minimum:
            kind = ref.minimum_kind.value if ref.minimum_kind else "target"
            pct = 100 * total.amount / ref.minimum if ref.minimum else 0
            short.append(
                f"{label} {shown} of {fmt(ref.minimum, total.unit)} {kind} ({pct:.0f}%)"
            )
        elif sodium:
            continue  # sodium has its own row; only a shortfall is news
        elif ref.minimum is not None:
            kind = ref.minimum_kind.value if ref.minimum_kind else "target"
            cap = (
                ""
                if ref.maximum is None
                else f", UL {fmt(ref.maximum, total.unit)}{maybe}"
            )
            met.append(f"{label} {shown} ({kind} {fmt(ref.minimum, total.unit)}{cap})")
        elif ref.maximum is not None:
            met.append(f"{label} {shown} (UL {fmt(ref.maximum, total.unit)}{maybe})")
    lines = []
    if short:
        lines.append(
            "Short of the RDA/AI (not required by this plan): " + "; ".join(short) + "."
        )
    if over:
        lines.append("Over a limit: " + "; ".join(over) + ".")
    if met:
        lines.append("Met: " + "; ".join(met) + ".")
    if gaps:
        lines.append(
            "Lower bounds (some foods have no USDA value): " + ", ".join(gaps) + "."
        )
    return lines


_VALUES = frozenset(n.value for n in Nutrient)


def _saturated_fat(
    person: Person,
    total: NutrientTotal,
    energy: float | None,
    fmt: Callable[[float, str], str],
) -> tuple[bool, str] | None:
    """Return (over, words) for a day's saturated fat against the 10 % limit.

    The Dietary Guidelines for Americans 2020-2025 advise less than 10 % of
    energy from saturated fat from age 2; the dietitian review of session 34
    read 10.4-12 % unshown. Shown for every diet, whether or not the
    objective charged it (:mod:`mealplan._saturated_fat`). None under 2, or
    without energy.
    """
    if person.age < saturated_fat.FROM_AGE or not energy:
        return None
    share = saturated_fat.KCAL_PER_G * total.amount / energy
    shown = ("≥ " if total.lower_bound else "") + fmt(total.amount, total.unit)
    over = share >= saturated_fat.SHARE
    words = (
        f"saturated fat {shown}, {100 * share:.1f}% of energy "
        f"({'over' if over else 'under'} the Dietary Guidelines' limit of 10% "
        "from age 2)"
    )
    return over, words


def short_minimums(
    person: Person | None,
    days: Iterable[Sequence[NutrientTotal]],
    names: Iterable[str],
) -> frozenset[str]:
    """Return which of ``names`` fall below the person's RDA/AI on some day.

    For the summary's sentence on minimums a plan was not held to: a budget
    day that lifted seventeen RDAs and met fifteen of them anyway read as if
    all seventeen were short (the dietitian review of session 32).
    """
    wanted = set(names)
    if person is None:
        return frozenset(wanted)
    minimum = {
        n: b.minimum for n, b in dri_references(person).items() if b.minimum is not None
    }
    # Met only when every day's total is known to reach the reference; a
    # nutrient without one, or without a total, is said with the shortfalls.
    met = {n for n in wanted if n in minimum}
    seen: set[str] = set()
    for totals in days:
        for total in totals:
            if total.nutrient in met:
                seen.add(total.nutrient)
                if total.amount < minimum[total.nutrient]:
                    met.discard(total.nutrient)
    return frozenset(wanted - (met & seen))


NEAR_LIMIT = 0.5
"""A lower-bound total at this share of its UL or more may be over it (said so)."""


def _limit_doubt(
    name: str, total: NutrientTotal, maximum: float | None, person: Person | None
) -> str:
    """Return what a lower-bound total leaves in doubt of its UL ("" for nothing).

    A lower bound near a UL does not show the UL is kept: said so, unless
    the plan kept room for its unmeasured foods (mealplan._ul_standins). Far
    below it (added vitamin E >= 2.81 of 1,000 mg, the UV mushrooms
    unmeasured) there is no doubt worth a word, as in :func:`missing_notes`.
    """
    if maximum is None or not (total.lower_bound and total.foods_missing_data):
        return ""
    allowance = total.unmeasured_allowance
    if allowance is not None and planned_room(name, person):
        return ", room kept for its unmeasured foods" if allowance > 0 else ""
    if allowance is not None:  # reported, not planned: the estimate decides
        over = total.amount + allowance > maximum * (1 + 1e-6)
        return ", over it with its unmeasured foods (estimate)" if over else ""
    if total.amount >= NEAR_LIMIT * maximum:
        return ", may be over it: data missing"
    return ""


def _room_words(
    t: NutrientTotal, maximum: float, allowance: float, person: Person | None
) -> str:
    """Return what the unmeasured foods' stand-ins say of a limit (mealplan._ul_standins)."""
    limit = amount(maximum, t.unit)
    if allowance <= 0:
        return (
            "; at similar measured foods' values (foods/ul_standins.csv) they "
            f"add none, so it stays within its upper limit of {limit}"
        )
    added = amount(allowance, t.unit)
    with_them = amount(t.amount + allowance, t.unit)
    if planned_room(t.nutrient, person):
        # The plan counted them at reviewed stand-ins under the limit.
        return (
            f"; at similar measured foods' values they add about {added} "
            f"(foods/ul_standins.csv), about {with_them} in all, an estimate "
            f"the plan kept within its upper limit of {limit}"
        )
    under = REPORTED_UNDER_AGE.get(t.nutrient)
    when = f"under age {under:g} " if under is not None else ""
    verdict = (
        f"over its upper limit of {limit}"
        if t.amount + allowance > maximum * (1 + 1e-6)
        else f"within its upper limit of {limit}"
    )
    return (
        f"; at similar measured foods' values they add about {added} "
        f"(foods/ul_standins.csv): about {with_them} in all, an estimate "
        f"{verdict}, which counts food, water and supplements together (IOM "
        f"2001), so a supplement with it would add to that; {when}this estimate "
        "is reported, not planned"
    )


def missing_notes(
    totals: Sequence[NutrientTotal], person: Person | None = None
) -> list[str]:
    """Return a note for each bounded total that is a lower bound (data missing).

    ``person`` says which limits the plan kept room under (without one,
    explicit targets: every limit, as the planner did).
    """
    out = []
    for t in totals:
        if t.status is NutrientStatus.NO_BOUND:
            continue
        if t.lower_bound and t.foods_missing_data:
            names = ", ".join(t.foods_missing_data)
            label = nutrient_label(t.nutrient)
            # Near a UL, a lower bound does not show the limit is kept (a
            # 3-year-old's retinol read "Met" at ≥ 599 of a 600 µg UL). Far
            # below it the limit is stated with the known share, not as a
            # likely excess (a boy of 5's choline, ≥ 167 mg, read "may be
            # higher, and over its upper limit of 1,000 mg": the dietitian
            # review of session 33).
            limit = ""
            caffeine = t.nutrient == Nutrient.CAFFEINE.value
            if t.maximum is not None and t.unmeasured_allowance is not None:
                limit = _room_words(t, t.maximum, t.unmeasured_allowance, person)
            elif t.maximum is not None and (
                t.amount >= NEAR_LIMIT * t.maximum
                # A named caffeine source (tea, coffee) may bring all of it.
                or caffeine
            ):
                limit = f", and over its upper limit of {amount(t.maximum, t.unit)}"
            elif t.maximum is not None:
                limit = (
                    f"; its upper limit is {amount(t.maximum, t.unit)}, of which "
                    f"the known total is {t.amount / t.maximum:.0%}"
                )
            if caffeine and not any(
                CAFFEINE_WORDS.search(n) for n in t.foods_missing_data
            ):
                # The planner lets a person with a caffeine limit have only
                # foods whose names name no caffeine source when unmeasured
                # (mealplan._caffeine): a mushroom's missing value is no
                # warning of caffeine, so the limit is not raised here.
                limit = (
                    ", though none of them names a caffeine source (coffee, tea, "
                    "cola, cocoa, chocolate, an energy drink)"
                )
            out.append(
                f"{label[:1].upper() + label[1:]} is a lower bound (≥): the food table "
                f"has no {label} value for {names}, so the true total may be "
                f"higher{limit}."
            )
    return out
