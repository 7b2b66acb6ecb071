"""The text and markdown reports' totals table: each total against its bounds.

Split from :mod:`mealplan._report`. A total is shown against the bounds the
plan was held to, else the person's DRIs marked "not planned", by the rule
the HTML report reads too (:mod:`mealplan._shown_bounds`).
"""

from __future__ import annotations

from collections.abc import Sequence

from mealplan._models import MealPlan, NutrientStatus, NutrientTotal
from mealplan._nutrients import FOCUS_NUTRIENTS, Nutrient
from mealplan._panel_report import REPORTED_ONLY
from mealplan._report_parts import Table, amount, near_limit_words, nutrient_label
from mealplan._shown_bounds import shown_bounds

__all__ = ["totals_table"]

_ORDER = (
    *FOCUS_NUTRIENTS,
    Nutrient.ENERGY,
    Nutrient.PROTEIN,
    Nutrient.FAT,
    Nutrient.CARBOHYDRATE,
    Nutrient.FIBER,
    Nutrient.POTASSIUM,
    Nutrient.SODIUM,
)
"""The rows that lead the table, in this order; the rest follow as the totals list them."""


def _bound_text(value: float | None, unit: str, kind: str | None, planned: bool) -> str:
    """Return a totals-table bound: "7.00 g (AI, not planned)" for a DRI only.

    ``kind`` None: a planned bound of no DRI kind (a caller's own targets),
    shown as its amount alone.
    """
    if value is None:
        return "—"
    if planned and kind is None:
        return amount(value, unit)
    return f"{amount(value, unit)} ({kind}{'' if planned else ', not planned'})"


def totals_table(plan: MealPlan, totals: Sequence[NutrientTotal]) -> Table:
    """Return the day's (or the average's) totals table.

    Each total is shown against the bounds the plan was held to, else the
    person's DRIs marked "not planned" (:func:`mealplan._shown_bounds.shown_bounds`,
    as the HTML report shows it): a toddler's sodium read "met" against its
    CDRR in the table while the panel below called it short of the AI.
    """
    by_name = {t.nutrient: t for t in totals}
    order: list[str] = [str(n.value) for n in _ORDER if n.value in by_name]
    order += [n for n in by_name if n not in order]
    rows: list[list[str]] = []
    for name in order:
        t = by_name[name]
        if t.status is NutrientStatus.NO_BOUND and t.lower_bound and t.amount == 0:
            continue  # no chosen food has data for it: nothing to say
        planned = plan.targets.get(name)
        if name in REPORTED_ONLY and (planned is None or planned.minimum is None):
            continue  # shown in the compact panel below the table
        s = shown_bounds(plan, t)
        total = ("≥ " if t.lower_bound else "") + amount(t.amount, t.unit)
        status = s.status if s.status != NutrientStatus.NO_BOUND.value else "—"
        status += near_limit_words(t, planned.maximum_kind if planned else None)
        if t.status is NutrientStatus.SHORT:
            status += f" by {amount(t.shortfall, t.unit)}"
        elif t.status is NutrientStatus.OVER:
            status += f" by {amount(t.excess, t.unit)}"
        elif s.status != t.status.value and not s.planned:
            status += " (not planned)"
        # A planned minimum's percentage is the total's own (absorbable
        # calcium's, say); a DRI shown in its place is the total's share of it.
        pct = (
            f"{t.percent_of_minimum:.0f}%"
            if t.percent_of_minimum is not None
            else f"{100 * t.amount / s.minimum:.0f}%"
            if s.minimum
            else "—"
        )
        label = nutrient_label(name)
        rows.append(
            [
                label[:1].upper() + label[1:],
                total,
                _bound_text(s.minimum, t.unit, s.minimum_kind, s.minimum_planned),
                _bound_text(s.maximum, t.unit, s.maximum_kind, s.maximum_planned),
                pct,
                status,
            ]
        )
    return Table(
        ["Nutrient", "Total", "Target", "Upper limit", "% of target", "Status"],
        rows,
        {1, 4},
    )
