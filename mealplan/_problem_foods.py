"""The candidate foods of a planning model and the amounts each may take.

Pieces of :func:`mealplan._problem.build_problem`: which foods the request's
filters keep (:func:`allowed_foods`), each candidate's unit and its least and
most units a day under the portion caps (:func:`amounts`), and its nutrients
per unit (:func:`coefficients`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mealplan._absorption import ABSORBABLE_CALCIUM, milk_equivalents
from mealplan._errors import RequestError
from mealplan._fish_day_caps import fish_day_rows
from mealplan._life_stage_cap_rows import day_cap_rows
from mealplan._life_stage_cap_rows import item_cap_grams as life_stage_item_grams
from mealplan._life_stage_caps import DayCapRow
from mealplan._meal_structure import item_cap_grams, never_items, role_sets
from mealplan._models import (
    NutrientBound,
    NutrientTargets,
    Objective,
    PlanRequest,
    PortionMode,
)
from mealplan._nutrients import Diet, Nutrient
from mealplan._problem_data import Restrictions, _frozen
from mealplan._problem_groups import ConstraintGroup, GroupKind, Impose
from mealplan._problem_parts import _week_rows
from mealplan._safety import safety_filter
from mealplan._salt import salt_ids
from mealplan._structure import (
    energy_scale,
    is_drink,
    large_eater_scale,
    served_portions,
)
from mealplan._supplements import is_supplement, offered_supplements
from mealplan._ul_standins import allowance_per_100g, planned_room, room_key

if TYPE_CHECKING:
    from collections.abc import Collection

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable

__all__ = [
    "DEFAULT_MAX_PORTIONS",
    "Amounts",
    "allowed_foods",
    "amounts",
    "coefficients",
]

# Without a curated max_portions, no food may exceed this many default
# portions a day: realistic for staples, and it keeps big-M values small.
DEFAULT_MAX_PORTIONS = 3.0

# With portion limits off, a food is still capped by energy (or 3 kg for
# foods without energy) so the MILP's big-M stays finite.
_UNCAPPED_GRAMS = 3000.0


def _large_eater_portions(
    stated: NDArray[np.float64], scale: float, fixed: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Return the foods' ``max_portions`` for a day ``scale`` past LARGE_EATER_KCAL.

    A food's own servings hold up to 3,000 kcal a day and grow in proportion
    above it, served by the half portion (mealplan._structure.LARGE_EATER_KCAL).
    The ``fixed`` foods keep theirs: a supplement tablet stays one tablet, and
    a food counted in whole pieces (``whole_units``: 2 bananas, a bagel, 2
    chicken thighs) or a drink is served as it comes, where a third banana at
    breakfast read as a stunt (:func:`served_as_they_come`); a larger eater
    eats more of the foods measured by the cup or the ounce.
    """
    grown = np.array([served_portions(float(v), scale) for v in stated])
    return np.where(fixed, stated, grown)


_PACKED = re.compile(r"^1 (?:container|can)\b", re.IGNORECASE)
"""A default portion of one container or can: the food comes in it."""


def served_as_they_come(table: FoodTable, rows: NDArray[np.int_]) -> NDArray[np.bool_]:
    """Return which candidates keep their servings for a large eater.

    Foods counted in whole pieces (``whole_units``) or served by the
    container or can (a yogurt, a pudding, a can of sardines: a very active
    boy of 16 was given 3 containers of fruit yogurt at breakfast once they
    grew), and drinks (a beverage, a plant milk or a milk: a glass is a
    glass; a juice's cup is the Dietary Guidelines' limit of juice at 2,000
    kcal, where the same boy was given 1½ cups each of orange and prune
    juice).
    """
    n = len(rows)
    pieces = (
        table.flags("whole_units")[rows]
        if table.has_column("whole_units")
        else np.zeros(n, dtype=bool)
    )
    ids = table.ids
    packed = np.array(
        [bool(_PACKED.match(table.default_portion(ids[int(i)])[0])) for i in rows],
        dtype=bool,
    )
    every = role_sets(table)
    bases = table.texts("base") if table.has_column("base") else [""] * len(table)
    drinks = np.array(
        [is_drink(every[int(i)], bases[int(i)]) for i in rows], dtype=bool
    )
    out: NDArray[np.bool_] = pieces | packed | drinks
    return out


def _no_salt_asked(request: PlanRequest, salt: set[str]) -> None:
    """Raise RequestError if ``include`` or a pin names the table's salt."""
    named = [("include", f) for f in request.include]
    named += [("pins", p.food) for p in request.pins]
    for where, food in named:
        if food in salt:
            msg = (
                f"{food!r} in {where} is table salt, which the plan never "
                "chooses as a food: it adds measured salt where a day falls "
                f"short of the sodium AI (added_salt); remove it from {where}."
            )
            raise RequestError(msg, [{"loc": where, "msg": msg}])


def allowed_foods(
    request: PlanRequest,
    table: FoodTable,
    prices: NDArray[np.float64],
    impose: Impose,
    *,
    safety_probe: bool = False,
) -> tuple[set[str], int, NDArray[np.bool_]]:
    """Return the foods the request's filters keep, and what it took.

    Also how many priced-out foods a cost objective or a budget left out, and
    which rows of the table are supplements. Each filter the request sets is
    a constraint group (``impose``); life-stage safety is none.
    ``safety_probe``: the safety rules' foods kept (the diagnosis' what-if,
    :attr:`Restrictions.safety_probe`).
    """
    # Which foods each user-facing filter group removes.
    all_ids = list(table.ids)
    allowed = set(all_ids)
    # Life-stage safety is not a group the diagnosis may switch off; only its
    # probe asks what the rules' foods would do, and plans nothing with them.
    if not safety_probe:
        allowed -= safety_filter(request, table)
    # Table salt is never a food of the model: it is added after the solve,
    # measured, where a day falls short of the sodium AI (mealplan._salt).
    salt = salt_ids(table)
    _no_salt_asked(request, salt)
    allowed -= salt
    # Supplement rows: only those the request allows and the life stage's ULs fit.
    supplement = is_supplement(table)
    if supplement.any():
        offered = offered_supplements(request, table)
        allowed -= {
            fid
            for fid, s in zip(all_ids, supplement, strict=True)
            if s and fid not in offered
        }
    if request.diet is not Diet.OMNIVORE and impose(GroupKind.DIET):
        allowed &= set(table.allowed(diet=request.diet))
    if request.allergies and impose(GroupKind.ALLERGIES):
        allowed &= set(table.allowed(allergies=request.allergies))
    if request.exclude and impose(GroupKind.EXCLUDE):
        allowed &= set(table.allowed(exclude=request.exclude))
    if not request.allow_fortified and impose(GroupKind.FORTIFIED):
        allowed &= set(table.allowed(allow_fortified=False))
    if request.dislikes and impose(GroupKind.EXCLUDE):
        allowed &= set(table.allowed(exclude=request.dislikes))
    never = never_items(table) & allowed if request.structure else set()
    if never and impose(GroupKind.STRUCTURE, "items"):
        allowed -= never
    needs_prices = request.objective is Objective.COST or request.budget_per_day
    unpriced_left_out = 0
    if needs_prices and impose(GroupKind.PRICED):
        priced = {fid for fid, p in zip(all_ids, prices, strict=True) if p == p}
        unpriced_left_out = len(allowed - priced)
        allowed &= priced
    if request.bans:
        impose(GroupKind.BANS)
    return allowed, unpriced_left_out, supplement


@dataclass(frozen=True)
class Amounts:
    """Each candidate's variable: its unit, and its least and most units a day."""

    portion_grams: NDArray[np.float64]
    units_per_portion: float
    integer: bool
    unit_grams: NDArray[np.float64]
    limits: bool
    """Whether the portion limits are imposed (and not switched off)."""
    cap_scale: float
    """How much the caps stated at 2,000 kcal grow for this eater."""
    min_units: NDArray[np.float64]
    max_units: NDArray[np.float64]
    pills: NDArray[np.bool_]
    """Which candidates are supplements (whole tablets only)."""
    day_caps: tuple[DayCapRow, ...]
    fish_day_caps: tuple[DayCapRow, ...]
    week_caps: tuple[DayCapRow, ...]


def amounts(
    request: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    rows: NDArray[np.int_],
    candidates: list[str],
    supplement: NDArray[np.bool_],
    off: frozenset[ConstraintGroup],
    extra: Restrictions,
    impose: Impose,
) -> Amounts:
    """Return the candidates' units and their caps (portion, children's, weekly)."""
    # Portion units: a half or whole default portion, or a whole portion as a
    # continuous amount. Scaling variables by the portion keeps the MILP well
    # conditioned whatever the portion's size.
    portion_grams = np.array(
        [table.default_portion(fid)[1] for fid in candidates], dtype=float
    )
    mode = request.portion_mode
    integer = mode is not PortionMode.CONTINUOUS
    units_per_portion = {PortionMode.HALF: 2.0, PortionMode.QUARTER: 4.0}.get(mode, 1.0)
    unit_grams = portion_grams / units_per_portion

    energy = table.numbers(Nutrient.ENERGY.value)[rows]
    limits = request.portion_limits and impose(GroupKind.PORTION_LIMITS)
    max_portions = table.numbers("max_portions")[rows]
    max_portions = np.where(np.isnan(max_portions), DEFAULT_MAX_PORTIONS, max_portions)
    kcal_cap = targets.get(Nutrient.ENERGY.value)
    # Caps stated at 2,000 kcal grow for larger eaters and shrink for a
    # child's smaller ones (portion_caps.csv; mealplan._structure.energy_scale).
    age = None if request.person is None else request.person.age
    cap_scale = (
        energy_scale(kcal_cap.minimum, kcal_cap.maximum, age) if kcal_cap else 1.0
    )
    large = large_eater_scale(kcal_cap.minimum, kcal_cap.maximum) if kcal_cap else 1.0
    if large > 1.0:
        # Only a large eater's day reads the foods' portions and roles here:
        # every other build (the diagnosis makes dozens) skips it.
        max_portions = _large_eater_portions(
            max_portions, large, supplement[rows] | served_as_they_come(table, rows)
        )
    uncapped_grams = _uncapped_grams(kcal_cap, energy, off)
    if limits:
        max_units = max_portions * units_per_portion
    else:
        max_units = np.maximum(uncapped_grams / unit_grams, units_per_portion)
        if request.portion_limits:
            # Switched off (diagnosis): never tighter than the limits it drops.
            max_units = np.maximum(max_units, max_portions * units_per_portion)
    if limits and request.structure:
        # The per-item caps of foods/portion_caps.csv (a food whose smallest
        # unit is over its cap gets no amount at all).
        max_units = np.minimum(
            max_units, item_cap_grams(table, candidates, cap_scale) / unit_grams
        )
        if integer:
            max_units = np.floor(max_units + 1e-9)
    elif integer:
        max_units = np.maximum(np.floor(max_units + 1e-9), 1.0)
    day_caps: tuple[DayCapRow, ...] = ()
    if limits and request.person is not None:
        # Children's servings (foods/life_stage_caps.csv), with or without
        # the meal structure: a food whose smallest unit is over its cap gets
        # no amount at all; whole-day caps over a group become rows.
        child = (
            life_stage_item_grams(table, candidates, request.person, request.diet)
            / unit_grams
        )
        child = np.floor(child * (1 + 1e-9) + 1e-9) if integer else child
        max_units = np.minimum(max_units, child)
        day_caps = day_cap_rows(
            table, candidates, unit_grams, request.person, fish=False
        )
    # FDA/EPA's fish a day: a safety rule, with or without the portion caps.
    fish_day_caps = fish_day_rows(request, table, candidates, unit_grams, impose)
    week_caps = _week_rows(request, table, candidates, unit_grams, extra, impose)
    min_units = np.ones(len(candidates)) if integer else np.zeros(len(candidates))
    pills = supplement[rows] if len(rows) else np.zeros(0, dtype=bool)
    if pills.any():
        # Whole tablets only, at most the row's units a day (its max_portions).
        max_units = np.where(pills, max_portions * units_per_portion, max_units)
        min_units = np.where(pills, units_per_portion, min_units)
    return Amounts(
        portion_grams=portion_grams,
        units_per_portion=units_per_portion,
        integer=integer,
        unit_grams=unit_grams,
        limits=limits,
        cap_scale=cap_scale,
        min_units=min_units,
        max_units=max_units,
        pills=pills,
        day_caps=day_caps,
        fish_day_caps=fish_day_caps,
        week_caps=week_caps,
    )


def _uncapped_grams(
    kcal_cap: NutrientBound | None,
    energy: NDArray[np.float64],
    off: frozenset[ConstraintGroup],
) -> NDArray[np.float64]:
    """Return each candidate's most grams a day without portion limits.

    What the day's energy maximum (``kcal_cap``) allows of it alone, or
    :data:`_UNCAPPED_GRAMS` for a food without energy; at most 5 kg.
    """
    energy_cap = (
        kcal_cap.maximum if kcal_cap is not None and kcal_cap.maximum else 10000.0
    )
    if ConstraintGroup(GroupKind.MAX, Nutrient.ENERGY.value) in off:
        # The energy maximum switched off (diagnosis) no longer caps a food.
        energy_cap = 10000.0
    # A denormal energy (1e-310 kcal per 100 g) overflows to inf: capped below.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        uncapped_grams = np.where(
            energy > 0, energy_cap / energy * 100.0, _UNCAPPED_GRAMS
        )
    capped: NDArray[np.float64] = np.minimum(
        np.nan_to_num(uncapped_grams, nan=_UNCAPPED_GRAMS), 5000.0
    )
    return capped


def coefficients(
    request: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    rows: NDArray[np.int_],
    candidates: list[str],
    unit_grams: NDArray[np.float64],
    charged: Collection[str] = (),
) -> dict[str, NDArray[np.float64]]:
    """Return each bound nutrient per unit of each candidate (missing: 0).

    ``charged``: the columns the objective's charges read too (saturated
    fat and energy, a soft minimum's nutrient).
    """
    nutrient_cols = {b.nutrient for b in targets.bounds}
    if request.macro_limits and targets.macro_shares:
        nutrient_cols |= set(targets.macro_shares)
        nutrient_cols.add(Nutrient.ENERGY.value)
    if request.meals is not None:
        nutrient_cols.add(Nutrient.ENERGY.value)
    nutrient_cols |= set(charged)
    coef: dict[str, NDArray[np.float64]] = {}
    for col in sorted(nutrient_cols):
        values = table.numbers(col)[rows]
        coef[col] = _frozen(np.nan_to_num(values, nan=0.0) * unit_grams / 100.0)
    if request.room_for_unmeasured:
        # Under a limit an unmeasured food counts at its reviewed stand-in
        # (mealplan._ul_standins), so a total shown as a lower bound cannot
        # sit at the limit with the unmeasured part on top.
        for b in targets.bounds:
            room = (
                allowance_per_100g(table, rows, b.nutrient)
                if b.maximum is not None and planned_room(b.nutrient, request.person)
                else None
            )
            if room is not None and room.any():  # all 0: the plain sum
                measured = np.nan_to_num(table.numbers(b.nutrient)[rows], nan=0.0)
                coef[room_key(b.nutrient)] = _frozen(
                    (measured + room) * unit_grams / 100.0
                )
    if request.absorbable_calcium and Nutrient.CALCIUM.value in coef:
        coef[ABSORBABLE_CALCIUM] = _frozen(
            coef[Nutrient.CALCIUM.value] * milk_equivalents(table, candidates)
        )
    return coef
