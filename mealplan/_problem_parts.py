"""Pieces of :func:`mealplan._problem.build_problem`, each a part of the model.

The meals of a day and their candidate foods, the nutrient bounds and AMDR
shares, the weekly caps, the supplements' objective charges, the parts a
regenerate call keeps, and the dishes among the candidates. Each takes the
builder's ``impose`` (which records a constraint group and says whether it is
on) where the part is a constraint group of its own.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from mealplan._absorption import ABSORBABLE_CALCIUM
from mealplan._errors import UnknownFoodError
from mealplan._life_stage_cap_rows import day_cap_rows
from mealplan._life_stage_caps import DayCapRow
from mealplan._models import (
    MealSpec,
    NutrientPeriod,
    NutrientTargets,
    PlanRequest,
)
from mealplan._nutrients import FOCUS_NUTRIENTS, Nutrient
from mealplan._problem_data import BoundRow, MacroRow, MealRow, Restrictions
from mealplan._problem_groups import ConstraintGroup, GroupKind
from mealplan._ul_standins import room_key

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from numpy.typing import NDArray

    from mealplan._catalog import FoodTable


def _week_rows(
    request: PlanRequest,
    table: FoodTable,
    candidates: list[str],
    unit_grams: NDArray[np.float64],
    extra: Restrictions,
    impose: Callable[[GroupKind], bool],
) -> tuple[DayCapRow, ...]:
    """Return the weekly caps of a multi-day plan, or a seed day's allowance.

    A 1-day request has none (its per-day caps hold), unless it is a day of
    a longer plan planned alone (``extra.week_allowance``).
    """
    if request.person is None or (request.days < 2 and not extra.week_allowance):
        return ()
    rows = day_cap_rows(table, candidates, unit_grams, request.person, scope="week")
    if not rows or not impose(GroupKind.WEEKLY_CAPS):
        return ()
    if request.days < 2:
        left = dict(extra.week_allowance)
        rows = tuple(replace(r, limit=left[r.cap_id]) for r in rows if r.cap_id in left)
    return rows


SUPPLEMENT_CHARGE = 0.2
"""Objective charge per supplement tablet, in servings: foods come first, and
a tablet is taken where it spares the day more than that (plus the charge
every food the article does not name carries)."""


def _supplement_charge(
    pills: NDArray[np.bool_],
    coef: Mapping[str, NDArray[np.float64]],
    bounds: tuple[BoundRow, ...],
    units_per_portion: float,
) -> dict[int, float]:
    """Charge each supplement tablet, a little more for a bigger dose.

    Beside :data:`SUPPLEMENT_CHARGE`, ``0.05 * log2(1 + m)`` servings, where
    ``m`` is how many times a tablet covers the minimums it counts for: the
    smallest dose that does the job wins (250 ug of B12 over 1,000 ug), by
    more than the solver's absolute tolerance.
    """
    out: dict[int, float] = {}
    for k in np.flatnonzero(pills):
        cover = sum(
            float(coef[b.key][k]) * units_per_portion / b.value
            for b in bounds
            if b.sense == ">=" and b.value > 0 and b.key in coef
        )
        out[int(k)] = SUPPLEMENT_CHARGE + 0.05 * math.log2(1.0 + cover)
    return out


def _charges(
    base: dict[int, float], extra: list[tuple[int, float]]
) -> dict[int, float]:
    """Add ``extra`` charges (the weekly seed's reuse cost) to ``base``."""
    out = dict(base)
    for k, w in extra:
        out[k] = out.get(k, 0.0) + w
    return out


def _meals(
    request: PlanRequest,
    table: FoodTable,
    rows: NDArray[np.int_],
    impose: Callable[[GroupKind], bool],
) -> tuple[MealRow, ...]:
    """Return the meals of each day, each with the candidates its slot allows."""
    everything = tuple(range(len(rows)))
    specs: list[MealSpec] | None = request.meals
    if specs is None or not impose(GroupKind.MEALS):
        return (MealRow("day", None, (0.0, 1.0), 0, 100, everything),)
    slots = table.tags("meal_slots") if table.has_column("meal_slots") else None
    meals = []
    for spec in specs:
        members = (
            everything
            if slots is None
            else tuple(k for k, i in enumerate(rows) if spec.slot.value in slots[i])
        )
        meals.append(
            MealRow(
                spec.name,
                spec.slot,
                spec.energy_share,
                spec.min_foods,
                spec.max_foods,
                members,
            )
        )
    return tuple(meals)


def _bounds(
    request: PlanRequest,
    targets: NutrientTargets,
    impose: Callable[[GroupKind, str | None], bool],
    coef_keys: Collection[str] = (),
) -> tuple[tuple[BoundRow, ...], tuple[MacroRow, ...]]:
    """Nutrient bounds and AMDR shares, each its own constraint group.

    A limit sums the stand-ins of unmeasured foods too where ``coef_keys``
    has its :func:`~mealplan._ul_standins.room_key`.
    """
    bounds: list[BoundRow] = []
    focus = {n.value for n in FOCUS_NUTRIENTS}
    average = request.nutrient_period is NutrientPeriod.AVERAGE and request.days > 1
    for b in targets.bounds:
        if (
            b.minimum is not None
            and b.minimum > 0
            and impose(GroupKind.MIN, b.nutrient)
        ):
            avg = average and b.nutrient in focus
            # Absorbable calcium counts each food's calcium as milk-equivalent
            # (its absorbed fraction over milk's), so the RDA stays the target.
            absorbable = (
                request.absorbable_calcium and b.nutrient == Nutrient.CALCIUM.value
            )
            bounds.append(
                BoundRow(
                    ConstraintGroup(GroupKind.MIN, b.nutrient),
                    b.nutrient,
                    ">=",
                    b.minimum,
                    avg,
                    request.daily_floor if avg else 0.0,
                    ABSORBABLE_CALCIUM if absorbable else "",
                )
            )
        if b.maximum is not None and impose(GroupKind.MAX, b.nutrient):
            bounds.append(
                BoundRow(
                    ConstraintGroup(GroupKind.MAX, b.nutrient),
                    b.nutrient,
                    "<=",
                    b.maximum,
                    column=room_key(b.nutrient)
                    if room_key(b.nutrient) in coef_keys
                    else "",
                )
            )
    macro: list[MacroRow] = []
    if request.macro_limits and targets.macro_shares:
        for col, (lo, hi) in sorted(targets.macro_shares.items()):
            if impose(GroupKind.MACRO, col):
                macro.append(
                    MacroRow(ConstraintGroup(GroupKind.MACRO, col), col, lo, hi)
                )
    return tuple(bounds), tuple(macro)


def _kept(
    extra: Restrictions,
    days: int,
    meals: tuple[MealRow, ...],
    index: Mapping[str, int],
) -> tuple[
    dict[tuple[int, int, int], float],
    frozenset[tuple[int, int]],
    dict[tuple[int, int], tuple[int, ...]],
]:
    """Resolve the fixed parts and must-differ scopes of ``extra`` to indices."""
    meal_index = {m.name: k for k, m in enumerate(meals)}

    def scope_meals(meal: str | None) -> list[int]:
        if meal is None or meal not in meal_index:
            return list(range(len(meals)))
        return [meal_index[meal]]

    fixed: dict[tuple[int, int, int], float] = {}
    scopes: frozenset[tuple[int, int]] = frozenset()
    if extra.free is not None:
        d0, free_meal = extra.free
        free = {(d0, m) for m in scope_meals(free_meal)}
        every = {(d, m) for d in range(days) for m in range(len(meals))}
        scopes = frozenset(every - free)
        for day, meal, fid, units in extra.fixed:
            # Without the meal structure every food sits in the one "day" meal.
            key_scope = (day, meal_index.get(meal or "day", 0))
            if key_scope in free:
                continue
            if fid not in index:
                msg = (
                    f"Food {fid!r} of the previous plan is not in the food "
                    "table; regenerate with the table the plan was made with."
                )
                raise UnknownFoodError(msg, fid)
            fixed[(*key_scope, index[fid])] = units
    must_differ: dict[tuple[int, int], tuple[int, ...]] = {}
    for (day, meal), foods in extra.must_differ:
        old = tuple(sorted({index[f] for f in foods if f in index}))
        if not old:
            continue
        if meal is None:
            must_differ[(day, -1)] = old
        elif meal in meal_index:
            must_differ[(day, meal_index[meal])] = old
    return fixed, scopes, must_differ


def _dish_indices(table: FoodTable, rows: NDArray[np.int_]) -> frozenset[int]:
    """Return the candidate indices of ``rows`` that are FNDDS dishes."""
    if not table.has_column("fndds_code"):
        return frozenset()
    codes = table.texts("fndds_code")
    return frozenset(k for k, i in enumerate(rows.tolist()) if codes[i])
