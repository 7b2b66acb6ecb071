"""How a nutrient bound of a conflict can be relaxed: the smallest change first.

:func:`lower_minimum` and :func:`raise_maximum` search the smallest change of
one nutrient's minimum or maximum that makes the whole request plannable,
with :class:`~mealplan._oracle.Oracle` as the judge (a galloping or
bisection search; the most or least of the nutrient a plan reaches starts
it). Safety limits (UL, CDRR, and the caffeine limit) are never raised. The
other groups are :mod:`mealplan._relax`.
"""

from __future__ import annotations

import math
from typing import Any

from mealplan._absorption import (
    ABSORBABLE_CALCIUM,
    DEFAULT_FRACTION,
    absorbable_calcium,
)
from mealplan._models import BoundKind, MealPlan
from mealplan._nutrients import Nutrient
from mealplan._relax_base import Context, Found, _bisect, suggest
from mealplan._report import amount, nutrient_label

__all__ = [
    "SETTLED_GOAL_CAP",
    "bound_flag",
    "bound_patch",
    "lower_minimum",
    "nice",
    "raise_maximum",
]

_ENERGY_RAISE = 1.25
"""An energy maximum is raised by at most a quarter: more is not a diet change."""
_USER_MAX_RAISE = 4.0
"""A user's own maximum with no safety limit behind it is raised at most 4-fold."""
_GOAL_CAP = 1.0
"""Seconds for the most-of-a-nutrient (least-of-it) plan that starts a bound's search."""
SETTLED_GOAL_CAP = 0.4
"""The same once the advice holds a verified change proven the smallest: the
search is then for an alternative, and where its plan is not found at once
it is rarely found at all (issue 15's hard day, the woman of 73 with at most
4 foods: no plan with 4 foods at any lower energy need, nor a proof there is
none, in 60 s of wall time and 19 s of CPU; its 1 s attempt answered
nothing at any load)."""


def _goal_cap(ctx: Context) -> float:
    return SETTLED_GOAL_CAP if ctx.settled else _GOAL_CAP


_BELOW_DRI = 1.0
"""Added to the size of a change that lowers a nutrient need below its DRI."""


def _absorbable(ctx: Context, nutrient: str, side: str) -> bool:
    """Whether the bound counts absorbable calcium (milk-equivalent mg), not total."""
    return (
        ctx.request.absorbable_calcium
        and nutrient == Nutrient.CALCIUM.value
        and side == "minimum"
    )


def _goal_key(ctx: Context, nutrient: str, side: str) -> str:
    """Return the model key of the bound's own sum (what a witness's goal optimises)."""
    return ABSORBABLE_CALCIUM if _absorbable(ctx, nutrient, side) else nutrient


def _reached(ctx: Context, plan: MealPlan, nutrient: str, side: str) -> float | None:
    """Return the bound every day of ``plan`` meets: its lowest (highest) daily total.

    An absorbable-calcium minimum is met in milk-equivalent mg (absorbed
    calcium over milk's fraction), which is what the bound counts; the total
    would overstate (spinach) or understate (kale) what a plan reaches.
    """
    if _absorbable(ctx, nutrient, side):
        totals = [
            absorbable_calcium(ctx.table, d.items)[0] / DEFAULT_FRACTION
            for d in plan.days
        ]
    else:
        try:
            totals = [d.total(nutrient).amount for d in plan.days]
        except KeyError:
            return None
    return min(totals) if side == "minimum" else max(totals)


def nice(x: float, *, up: bool) -> float:
    """Round to 2 significant digits (3 from 100), away from infeasibility."""
    if x <= 0:
        return 0.0
    digits = 2 if x < 100 else 3
    scale = 10 ** (math.floor(math.log10(x)) - digits + 1)
    rounded = (math.ceil if up else math.floor)(x / scale - 1e-9 * (-1 if up else 1))
    return float(f"{rounded * scale:.10g}")


def bound_patch(ctx: Context, nutrient: str, side: str, value: float) -> dict[str, Any]:
    """Return the request patch that sets the bound (energy by kcal_min/kcal_max)."""
    if nutrient == Nutrient.ENERGY.value and ctx.request.person is not None:
        return {"kcal_min" if side == "minimum" else "kcal_max": value}
    return {"bounds": {nutrient: {side: value}}}


def bound_flag(ctx: Context, nutrient: str, side: str, value: float) -> tuple[str, str]:
    """Return the request field and the CLI flag that set the bound."""
    req = ctx.request
    if nutrient == Nutrient.ENERGY.value and req.person is not None:
        lo = value if side == "minimum" else req.kcal_min
        hi = value if side == "maximum" else req.kcal_max
        text = f"{'' if lo is None else f'{lo:g}'}-{'' if hi is None else f'{hi:g}'}"
        return "kcal_min" if side == "minimum" else "kcal_max", f"--kcal {text}"
    opt = "--min" if side == "minimum" else "--max"
    return f"bounds.{nutrient}.{side}", f"{opt} {nutrient}={value:g}"


def lower_minimum(ctx: Context, nutrient: str) -> Found:
    """Return the smallest lowering of ``nutrient``'s minimum that plans."""
    bound = ctx.targets[nutrient]
    old = bound.minimum or 0.0
    unit = bound.unit
    label = nutrient_label(nutrient)
    person = ctx.request.person
    if (
        nutrient == Nutrient.ENERGY.value
        and person is not None
        and (person.age < 19 or person.pregnancy or person.lactation)
    ):
        # Eating less than the energy a child grows on, or a pregnancy or
        # breastfeeding needs, is no fix to offer (IOM 2005; the dietitian
        # review of session 34 read "eat at least 578 kcal a day instead of
        # 1,046" for a vegan 3-year-old).
        return Found(
            note="Eating less than the estimated energy need is not advised "
            "for a growing child or in pregnancy or breastfeeding; relax "
            "another constraint, or ask a dietitian."
        )

    exact = False

    def check(x: float, goal: tuple[str, str] = ("min", "none")) -> float | bool | None:
        nonlocal exact
        value = nice(x, up=False)
        patch = bound_patch(ctx, nutrient, "minimum", value)
        # The most-of-it plan is proven fast or not at all: the bisection's
        # checks (mostly an infeasible LP each) finish the job otherwise.
        result = ctx.oracle.run(
            patch, goal, _goal_cap(ctx) if goal[0] == "max" else None
        )
        if isinstance(result, MealPlan):
            reach = _reached(ctx, result, nutrient, "minimum")
            # One day's most-of-the-nutrient plan, proven, is the answer.
            exact = goal[0] == "max" and ctx.request.days == 1
            exact = exact and result.status.value == "optimal"
            return max(value, reach) if reach is not None else True
        return result

    floor = old * 0.01 if nutrient == Nutrient.ENERGY.value else 0.0
    # The plan with the most of the nutrient: on one day, its amount is the
    # lowest minimum that still plans (no bisection left to do).
    ok = check(floor, ("max", _goal_key(ctx, nutrient, "minimum")))
    if ok is False:
        return Found(note=f"No lower {label} minimum alone gives a plan.")
    if ok is None:
        return Found(
            timed_out=True,
            note=f"The time limit ran out before a lower {label} minimum was checked.",
        )
    start = floor if ok is True else min(float(ok), old)
    if exact:
        value, converged = start, True
    else:
        value, converged = _bisect(check, start, old, tol=old * 0.02)
    value = nice(value, up=False)
    kind = bound.minimum_kind
    dri = kind in (BoundKind.RDA, BoundKind.AI)
    share = f" ({value / old:.0%} of the {kind.value})" if dri and kind else ""
    text = (
        f"get at least {amount(value, unit)} of {label} a day instead of "
        f"{amount(old, unit)}{share}"
        + (
            "; the rest would have to come from a supplement, on a doctor's advice"
            if dri
            else ""
        )
    )
    if value <= 0:
        text = f"drop the {label} minimum of {amount(old, unit)} a day" + (
            "; all of it would have to come from a supplement, on a doctor's advice"
            if dri
            else ""
        )
    if nutrient == Nutrient.ENERGY.value:
        text = f"eat at least {value:,.0f} kcal a day instead of {old:,.0f}"
    if _absorbable(ctx, nutrient, "minimum"):
        text = _absorbable_text(value, old, kind.value if dri and kind else None)
    field_, flag = bound_flag(ctx, nutrient, "minimum", value)
    size = (old - value) / old + (_BELOW_DRI if dri else 0.0)
    patch = bound_patch(ctx, nutrient, "minimum", value)
    return Found(
        suggest(
            ctx,
            [f"min:{nutrient}"],
            text,
            field_,
            flag,
            patch,
            size,
            True,
            smallest=converged,
        )
    )


def _absorbable_text(value: float, old: float, dri: str | None) -> str:
    """Advice on an absorbable-calcium minimum, in absorbed mg (the binding sum).

    The field stays ``bounds.calcium_mg.minimum`` in milk-equivalent mg (the
    RDA's scale), so the words give both.
    """
    absorbed, was = value * DEFAULT_FRACTION, old * DEFAULT_FRACTION
    text = (
        f"get at least {amount(absorbed, 'mg')} of absorbable calcium a day instead "
        f"of {amount(was, 'mg')} (a calcium minimum of {amount(value, 'mg')} "
        f"milk-equivalent instead of {amount(old, 'mg')}"
        + (f", {value / old:.0%} of the {dri}" if dri and old else "")
        + ")"
    )
    if value <= 0:
        text = f"drop the absorbable calcium minimum of {amount(was, 'mg')} a day"
    if dri:
        text += "; the rest would have to come from a supplement, on a doctor's advice"
    return text


def raise_maximum(ctx: Context, nutrient: str) -> Found:
    """Return the smallest raise of ``nutrient``'s maximum that plans (no safety limit)."""
    bound = ctx.targets[nutrient]
    old = bound.maximum or 0.0
    label = nutrient_label(nutrient)
    kind = bound.maximum_kind
    if kind in (BoundKind.UL, BoundKind.CDRR, BoundKind.LIMIT):
        return Found(
            note=f"The {label} limit is a safety limit ({kind.value}, "
            f"{amount(old, bound.unit)} a day) and is never raised."
        )
    safe = ctx.safety.get(nutrient)
    cap: float | None = None
    if (
        safe is not None
        and safe.maximum is not None
        and safe.maximum_kind
        in (
            BoundKind.UL,
            BoundKind.CDRR,
            BoundKind.LIMIT,
        )
    ):
        cap = safe.maximum
    elif nutrient == Nutrient.ENERGY.value:
        cap = min(old * _ENERGY_RAISE, 10000.0)
    else:
        cap = old * _USER_MAX_RAISE if old > 0 else None
    if cap is None or cap <= old:
        return Found(
            note=f"The {label} maximum cannot be raised within its safety limit."
        )

    exact = False

    def check(x: float, goal: tuple[str, str] = ("min", "none")) -> float | bool | None:
        nonlocal exact
        value = min(nice(x, up=True), cap)
        patch = bound_patch(ctx, nutrient, "maximum", value)
        result = ctx.oracle.run(
            patch, goal, _goal_cap(ctx) if goal[0] == "min" else None
        )
        if isinstance(result, MealPlan):
            reach = _reached(ctx, result, nutrient, "maximum")
            exact = goal[0] == "min" and ctx.request.days == 1
            exact = exact and result.status.value == "optimal"
            return min(value, reach) if reach is not None else True
        return result

    # The plan with the least of the nutrient: on one day, the answer.
    ok = check(cap, ("min", nutrient))
    if ok is False:
        return Found(
            note=f"Raising the {label} maximum alone, up to {amount(cap, bound.unit)}, "
            "does not give a plan."
        )
    if ok is None:
        return Found(
            timed_out=True,
            note=f"The time limit ran out before a higher {label} maximum was checked.",
        )
    start = cap if ok is True else max(float(ok), old)
    if exact:
        value, converged = start, True
    else:
        value, converged = _bisect(check, start, old, tol=max(old, 1.0) * 0.02)
    value = min(nice(value, up=True), cap)
    if nutrient == Nutrient.ENERGY.value:
        text = f"eat up to {value:,.0f} kcal a day instead of {old:,.0f}"
    else:
        text = f"allow up to {amount(value, bound.unit)} of {label} a day (from {amount(old, bound.unit)})"
    field_, flag = bound_flag(ctx, nutrient, "maximum", value)
    patch = bound_patch(ctx, nutrient, "maximum", value)
    return Found(
        suggest(
            ctx,
            [f"max:{nutrient}"],
            text,
            field_,
            flag,
            patch,
            (value - old) / max(old, 1e-9),
            True,
            smallest=converged,
        )
    )
