"""Sole sources: when the default variety rule would leave a need unmet.

The default ``max_days_per_food`` lets a food appear on half the days. When a
nutrient the plan must meet every day has only one or two real sources among
the foods a request allows (vitamin B12 in a vegan week: the only vegan B12
source of the table is a fortified coconut-milk beverage), that default makes
the week impossible on the days those foods may not appear. Then, and only
when the request leaves ``max_days_per_food`` at its default, those sources
(and only they) may recur on up to ``ceil(days / sources)`` days, and the plan
says so; every other food keeps the default. The rule that a meal is not
repeated on consecutive days still holds.

A *source* is a food that can give a quarter of the daily need within its
usual portion cap. Under the meal structure the variety rule counts bases
(every form of mushroom is one), so sources are counted by base too; and when
no single source meets the need within its cap, a day needs several of them:
the sources are widened whenever their number times the default limit cannot
cover that many sources on every day (a vegan's vitamin D: UV mushrooms and a
fortified beverage, both needed each day).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from mealplan._meal_structure import base_of
from mealplan._models import MealPlan, NutrientPeriod, NutrientTargets, PlanRequest
from mealplan._nutrients import FOCUS_NUTRIENTS
from mealplan._report import nutrient_label

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from mealplan._catalog import FoodTable
    from mealplan._problem import Problem

__all__ = [
    "WIDENED_WEEK",
    "kept_variety",
    "widen_for_needed",
    "widen_variety_for_sole_sources",
    "widened_week_note",
    "yielded_for_time",
]

_SOURCE_SHARE = 0.25
_DEFAULT_CAP = 3.0  # portions, as the planner's default cap


def _others_keep(default: int) -> str:
    """Return the end every widening note shares: the default the rest keep."""
    return (
        f"instead of {default} (max_days_per_food); every other food keeps "
        f"the limit of {default} days."
    )


class _Sources(NamedTuple):
    foods: list[str]
    per_day: int
    """How many variety keys a day needs to meet the need."""
    keys: int
    """Variety keys among ``foods`` (foods, or bases under the structure)."""
    essential: bool = False
    """A day's other sources cannot meet the need without these at their caps."""


_MILK_SLOT = "\x00milk-type drink"
"""The daily slot every milk-type drink shares (one a day, structure:milk)."""


def _milk_drinks(
    table: FoodTable, allowed: list[str], base: Mapping[str, str]
) -> set[str]:
    """Return the allowed milk-type drinks, which share one drink a day.

    ``base`` is the structure's base of each food (empty without the meal
    structure, which is what holds a day to one milk-type drink).
    """
    if not base or not table.has_column("roles"):
        return set()
    from mealplan._meal_structure import role_sets
    from mealplan._structure import is_milk_drink

    roles = dict(zip(table.ids, role_sets(table), strict=True))
    return {f for f in allowed if is_milk_drink(roles[f], base.get(f) or f)}


def _sources(
    req: PlanRequest, targets: NutrientTargets, table: FoodTable
) -> dict[str, list[_Sources]]:
    """Return nutrient -> groups of its sources, each with keys and a day's need."""
    allowed = table.allowed(
        diet=req.diet,
        allergies=req.allergies,
        exclude=req.exclude,
        allow_fortified=req.allow_fortified,
    )
    ids = table.ids
    where = {fid: k for k, fid in enumerate(ids)}
    rows = np.array([where[f] for f in allowed], dtype=int)
    caps = (
        table.numbers("max_portions")[rows]
        if table.has_column("max_portions")
        else np.full(len(rows), _DEFAULT_CAP)
    )
    caps = np.where(np.isnan(caps), _DEFAULT_CAP, caps)
    if not req.portion_limits:
        caps = np.maximum(caps, _DEFAULT_CAP)
    grams = np.array([table.default_portion(f)[1] for f in allowed], dtype=float)
    base = base_of(table) if req.structure else {}
    milk = _milk_drinks(table, allowed, base)
    out: dict[str, list[_Sources]] = {}
    for nutrient in (n.value for n in FOCUS_NUTRIENTS):
        bound = targets.get(nutrient)
        if bound is None or not bound.minimum or not table.has_column(nutrient):
            continue
        per_100g = np.nan_to_num(table.numbers(nutrient)[rows], nan=0.0)
        most = per_100g * grams * caps / 100.0
        hits = np.flatnonzero(most >= _SOURCE_SHARE * bound.minimum)
        foods = [allowed[k] for k in hits]
        # The most one daily slot gives a day: a variety key (a food, or a
        # base), except that every milk-type drink shares one slot, as a day
        # holds one of them (a vegetarian boy of 8: six milks looked like six
        # vitamin D sources beside the UV mushrooms, where a day has one milk
        # and still needs the mushrooms).
        slot_of: dict[str, str] = {}
        supply: dict[str, float] = {}
        for k in hits:
            fid = allowed[k]
            slot = _MILK_SLOT if fid in milk else base.get(fid) or fid
            slot_of[fid] = slot
            supply[slot] = max(supply.get(slot, 0.0), float(most[k]))
        if not supply:
            out[nutrient] = [_Sources(foods, 0, 0)]
            continue
        # The fewest slots that meet the need at their caps, largest first.
        running = itertools.accumulate(sorted(supply.values(), reverse=True))
        per_day = next(
            (i for i, got in enumerate(running, 1) if got >= bound.minimum),
            len(supply),
        )
        # A slot without which the others cannot meet the need at their caps
        # is needed every day: each such slot's foods are a group of their own.
        total = sum(supply.values())
        essential = sorted(k for k, v in supply.items() if total - v < bound.minimum)
        if essential and len(essential) < len(supply):
            groups = [[f for f in foods if slot_of[f] == e] for e in essential]
            out[nutrient] = [
                _Sources(g, 1, len({base.get(f) or f for f in g}), essential=True)
                for g in groups
            ]
            continue
        keys = len({base.get(f) or f for f in foods})
        out[nutrient] = [_Sources(foods, max(per_day, 1), keys)]
    return out


def widen_variety_for_sole_sources(
    req: PlanRequest, targets: NutrientTargets, table: FoodTable
) -> tuple[dict[str, int], list[str]]:
    """Return the sole sources' wider variety limits (food id -> days) and notes.

    Only a multi-day request with the default ``max_days_per_food`` and
    nutrients met every day gets any; every other food keeps the default.
    """
    from mealplan._problem import default_max_days

    if (
        req.days <= 1
        or req.max_days_per_food is not None
        or req.nutrient_period is not NutrientPeriod.DAILY
    ):
        return {}, []
    default = default_max_days(req.days)
    wider: dict[str, int] = {}
    notes: list[str] = []
    for nutrient, groups in _sources(req, targets, table).items():
        for group in groups:
            if group.foods and group.keys * default < req.days * group.per_day:
                _widen(req, nutrient, group, default, wider, notes)
    return wider, notes


def _widen(
    req: PlanRequest,
    nutrient: str,
    group: _Sources,
    default: int,
    wider: dict[str, int],
    notes: list[str],
) -> None:
    """Widen one group of sole sources of ``nutrient`` into ``wider``, with its note."""
    foods = group.foods
    days = min(req.days, math.ceil(req.days * group.per_day / group.keys))
    for food in foods:
        wider[food] = max(wider.get(food, default), days)
    label = nutrient_label(nutrient)
    these = "it" if len(foods) == 1 else "they"
    named = ", ".join(sorted(foods))
    # An essential group is not the only source: the others (one milk-type
    # drink a day among them) fall short of a day's need without it.
    opening = (
        f"Without {named}, the other allowed sources of {label} cannot meet a "
        "day's need within their portion caps (one milk-type drink a day)"
        if group.essential
        else f"Only {len(foods)} allowed food(s) can supply {label} ({named})"
    )
    notes.append(
        f"{opening}, so {these} may appear on up to {days} of the {req.days} days "
        + _others_keep(default)
    )


def widen_for_needed(
    req: PlanRequest, key: str, forms: Sequence[str], wider: Mapping[str, int]
) -> tuple[dict[str, int], str] | None:
    """Return ``wider`` with ``forms`` allowed on every day, and its note.

    ``forms`` are the food ids of ``key`` (a food, or a base under the meal
    structure), a key that no day of the request can do
    without, proven by the weekly seed (``mealplan._weekly_seed.NoRotation``:
    a day's model without them is infeasible). Under the default variety rule
    that makes the request infeasible by the rule alone, which issue 16 rules
    out for a default request: a vegan 2-year-old's week needs avocado every
    day for the fat of the AMDR. So the default yields for those foods alone
    and the plan says so. None when the caller set ``max_days_per_food`` (the
    limit is theirs: the diagnosis names it), or the foods already may appear
    every day (nothing to widen: the proof stands).
    """
    from mealplan._problem import default_max_days

    if req.max_days_per_food is not None or not forms:
        return None
    if all(wider.get(f, 0) >= req.days for f in forms):
        return None
    out = dict(wider)
    for fid in forms:
        out[fid] = req.days
    default = default_max_days(req.days)
    shown = ", ".join(sorted(forms)[:4]) + (", ..." if len(forms) > 4 else "")
    what = key if list(forms) == [key] else f"{key} (any of {shown})"
    note = (
        f"No day of this plan meets its needs without {what} (proven: a day "
        f"without it has no plan), so it may appear on all {req.days} days "
        + _others_keep(default)
    )
    return out, note


def kept_variety(
    plan: MealPlan, targets: NutrientTargets, table: FoodTable
) -> tuple[dict[str, int], list[str]]:
    """Return the wider variety limits ``plan`` was made under, and their notes.

    For a regenerated day or meal: the sole sources (recomputed), and every
    base the plan already has on more days than the default allows, which
    only a base no day does without gets (:func:`widen_for_needed`; proven
    when the plan was made, and too costly to prove again on a tap), or any
    food of a plan the default rule yielded for in time
    (:func:`widened_week_note`, which its notes say). Without
    them the days kept would break the default rule by themselves (a
    vegetarian week with the UV mushrooms on all 7 days had no regenerated
    lunch at all). A caller's own ``max_days_per_food`` is never widened.
    """
    from mealplan._problem import default_max_days

    req = plan.request
    wider, notes = widen_variety_for_sole_sources(req, targets, table)
    if req.max_days_per_food is not None or req.days <= 1:
        return wider, notes
    yielded = yielded_for_time(plan)
    default = default_max_days(req.days)
    base = base_of(table) if req.structure else {}
    days: dict[str, set[int]] = {}
    for item in plan.items:
        days.setdefault(base.get(item.food_id) or item.food_id, set()).add(item.day)
    out = dict(wider)
    # A sole source's forms are widened food by food; its base counts once.
    by_base: dict[str, int] = {}
    for fid, n in wider.items():
        key = base.get(fid) or fid
        by_base[key] = max(by_base.get(key, 0), n)
    kept: dict[str, int] = {}
    for fid in table.ids:
        key = base.get(fid) or fid
        n = len(days.get(key, ()))
        if n > max(default, by_base.get(key, 0), out.get(fid, 0)):
            out[fid] = n
            kept[key] = n
    for key, n in sorted(kept.items()):
        why = (
            f"This plan has {key} on {n} of its {req.days} days (no plan under "
            "the default rule came in time)"
            if yielded
            else f"No day of this plan meets its needs without {key} (proven "
            "when the plan was made: a day without it has no plan)"
        )
        notes.append(
            f"{why}, so it keeps the {n} of the {req.days} days it has "
            + _others_keep(default)
        )
    return out, notes


WIDENED_WEEK = "so this plan lets foods recur on more days"
"""The words of :func:`widened_week_note` that say the default rule yielded."""


def yielded_for_time(plan: MealPlan) -> bool:
    """Whether ``plan`` says the default variety rule yielded for its RDAs in time."""
    return any(WIDENED_WEEK in n for n in plan.notes)


def widened_week_note(
    req: PlanRequest,
    problem: Problem,
    units: Mapping[tuple[int, int, int], float],
    table: FoodTable,
) -> str | None:
    """Return the note of a plan made with foods allowed on every day, or None.

    The default variety rule yielded for the RDAs and AIs the default plans
    (:func:`mealplan._floor_search._widened_week`); the note names each food
    (its base under the meal structure) the plan has on more days than the
    default allows, with its days (a regenerated day's plan says it again
    with its own). None: the plan keeps the default anyway.
    """
    from mealplan._problem import default_max_days

    default = default_max_days(req.days)
    base = base_of(table) if req.structure else {}
    days: dict[str, set[int]] = {}
    for d, _, f in units:
        fid = problem.food_ids[f]
        days.setdefault(base.get(fid) or fid, set()).add(d)
    over = sorted((key, len(on)) for key, on in days.items() if len(on) > default)
    if not over:
        return None
    named = ", ".join(f"{key} ({n} days)" for key, n in over)
    return (
        f"No plan of {req.days} days meeting every RDA and AI the default plans "
        f"with each food on at most {default} of them was found in time, "
        f"{WIDENED_WEEK} rather than lift any: {named}; no meal repeats the "
        "day before. Set max_days_per_food to keep a stricter rule (minimums "
        "not met in time are then lifted, with a note)."
    )
