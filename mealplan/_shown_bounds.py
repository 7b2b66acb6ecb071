"""How a report shows a total's bounds: the plan's own, else the person's DRIs.

A bound the plan was not held to (a toddler's AI, the sodium AI, a lifted
floor) is shown at the person's DRI (``NutrientTotal.dri_minimum``,
``dri_maximum``) and marked as not planned, so its shortfall is seen rather
than read as "no bound". The sodium AI is the exception: from age 4, unless
the request says ``added_salt: false``, table salt is added after the solve
to reach it (:mod:`mealplan._salt`), so it is shown as the plan's own aim,
not as "not planned" (its status is still judged against it). The HTML
report's table and chart (:mod:`mealplan._html`, :mod:`mealplan._html_chart`)
and the text and markdown reports' totals table
(:mod:`mealplan._report_totals`) read it, so the three say the same of one
total.
"""

from __future__ import annotations

from dataclasses import dataclass

from mealplan._models import MealPlan, NutrientStatus, NutrientTotal
from mealplan._nutrients import Nutrient
from mealplan._salt import salt_target

__all__ = ["ShownBounds", "shown_bounds"]


@dataclass(frozen=True)
class ShownBounds:
    """A total as the reports show it: against its planned bounds, else the DRIs."""

    total: NutrientTotal
    minimum: float | None
    minimum_kind: str | None
    """"RDA", "AI", "EER"...; None for a planned bound of no DRI kind (a
    caller's own targets), which each report words its own way."""
    maximum: float | None
    maximum_kind: str | None
    """"UL", "CDRR"...; None as ``minimum_kind``."""
    status: str
    minimum_planned: bool
    """Whether the minimum shown is one the plan was held to or salted to
    (True when none is shown)."""
    maximum_planned: bool
    """Whether the maximum shown is one the plan was held to (True when none
    is shown)."""

    @property
    def planned(self) -> bool:
        """Whether the plan was held to (or salted to) every bound shown."""
        return self.minimum_planned and self.maximum_planned

    @property
    def reference(self) -> float | None:
        """What a bar's length is a share of: the minimum, else the maximum."""
        return self.minimum if self.minimum else self.maximum


def _kinds(plan: MealPlan, nutrient: str) -> tuple[str | None, str | None]:
    bound = plan.targets.get(nutrient)
    if bound is None:
        return None, None
    lo = bound.minimum_kind.value if bound.minimum_kind else None
    hi = bound.maximum_kind.value if bound.maximum_kind else None
    return lo, hi


def shown_bounds(plan: MealPlan, t: NutrientTotal) -> ShownBounds:
    """Return ``t`` with the bounds and status a report shows for it (see the module)."""
    lo_kind, hi_kind = _kinds(plan, t.nutrient)
    lo, hi = t.minimum, t.maximum
    lo_planned = hi_planned = True
    if lo is None and t.dri_minimum is not None:
        lo, lo_kind = t.dri_minimum, t.dri_minimum_kind or "DRI"
        salted = t.nutrient == Nutrient.SODIUM.value and (
            plan.sodium_ai_by_salt
            if plan.sodium_ai_by_salt is not None
            # A plan saved before the field: its request alone says.
            else salt_target(plan.request) is not None
        )
        lo_planned = salted
    if hi is None and t.dri_maximum is not None:
        hi, hi_kind, hi_planned = t.dri_maximum, "UL", False
    status = t.status
    judged = (lo is not None and t.minimum is None) or (
        hi is not None and t.maximum is None
    )
    if judged and status in (NutrientStatus.MET, NutrientStatus.NO_BOUND):
        # The planned bounds (if any) are met: where it stands against the
        # DRIs shown in their place is the news (dri_status judges both DRIs).
        short = t.minimum is None and t.dri_status is NutrientStatus.SHORT
        over = t.maximum is None and t.dri_status is NutrientStatus.OVER
        status = (
            NutrientStatus.SHORT
            if short
            else NutrientStatus.OVER
            if over
            else NutrientStatus.MET
        )
    return ShownBounds(
        t,
        lo,
        lo_kind,
        hi,
        hi_kind,
        status.value,
        lo_planned,
        hi_planned,
    )
