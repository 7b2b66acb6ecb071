"""Explain a plan: which bounds bind, and what tightening each would cost.

A bound *binds* when the plan's total sits at it (within a small tolerance:
amounts come in half portions, so a total rarely equals its bound exactly).
For each binding nutrient bound of a one-day plan, :func:`explain` re-solves
the request with that bound tightened by a stated step (+50 mg magnesium,
+100 mg calcium, +1 µg vitamin D, +0.5 µg vitamin B12, else 10 %) and reports
the change in cost a day when the plan is priced (cost objective or a budget),
else the change in the optimiser's objective: for the default objective, in
servings a day away from typical servings and the healthy eating pattern.

It also splits each nutrient's daily average by food, lists the article
passages that name every chosen food and each food's missing USDA values, and
says which totals are lower bounds (the data gaps). The result is part of the
JSON contract (:class:`~mealplan.Explanation`, ``mealplan schema explanation``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from mealplan._arguments import food_table
from mealplan._catalog import FoodTable, load_foods
from mealplan._errors import InfeasiblePlanError, MealPlanError
from mealplan._models import (
    ArticleCitation,
    Binding,
    BoundOverride,
    Contribution,
    Explanation,
    FoodExplanation,
    MarginalCost,
    MealPlan,
    NutrientExplanation,
    NutrientTotal,
    Objective,
)
from mealplan._nutrients import Nutrient
from mealplan._report import amount, money, nutrient_label

__all__ = [
    "DEFAULT_STEPS",
    "Binding",
    "Explanation",
    "MarginalCost",
    "explain",
]

DEFAULT_STEPS: dict[str, float] = {
    Nutrient.MAGNESIUM.value: 50.0,
    Nutrient.CALCIUM.value: 100.0,
    Nutrient.VITAMIN_D.value: 1.0,
    Nutrient.VITAMIN_B12.value: 0.5,
}
"""Absolute tightening steps; other nutrients are tightened by 10 % of the bound."""

_RELATIVE_STEP = 0.10
_BINDING_TOLERANCE = 0.02
_MAX_RESOLVES = 8


def _bindings(
    plan: MealPlan, totals: list[NutrientTotal], day: int | None
) -> list[Binding]:
    out = []
    for t in totals:
        bound = plan.targets.get(t.nutrient)
        label = nutrient_label(t.nutrient)
        where = "" if day is None or len(plan.days) == 1 else f" on day {day}"
        for side, value, kind in (
            ("minimum", t.minimum, bound.minimum_kind if bound else None),
            ("maximum", t.maximum, bound.maximum_kind if bound else None),
        ):
            if value is None or value <= 0:
                continue
            gap = (t.amount - value) / value
            if side == "maximum":
                gap = -gap
            if not -1e-6 <= gap <= _BINDING_TOLERANCE:
                continue
            word = "minimum" if side == "minimum" else "limit"
            how = "exactly at" if abs(gap) <= 1e-3 else "at"
            text = (
                f"{label} is {how} its {word}{where}: {amount(t.amount, t.unit)} "
                f"against {amount(value, t.unit)}"
                + (f" ({kind.value})" if kind is not None else "")
                + "."
            )
            out.append(
                Binding(
                    nutrient=t.nutrient,
                    side=side,
                    bound=value,
                    amount=t.amount,
                    unit=t.unit,
                    kind=kind.value if kind is not None else None,
                    day=day,
                    text=text[0].upper() + text[1:],
                )
            )
    return out


def _step(nutrient: str, bound: float, steps: Mapping[str, float]) -> float:
    if nutrient in steps:
        return float(steps[nutrient])
    return round(bound * _RELATIVE_STEP, 6)


_NOT_PROVEN = (
    "A tighter bound cannot improve a best plan: this plan is not proven the "
    "best (its search stopped within its gap), and the re-solve found a better "
    "one even with the tighter bound."
)


def _marginal(
    plan: MealPlan,
    b: Binding,
    steps: Mapping[str, float],
    foods: FoodTable | None,
) -> MarginalCost:
    from mealplan._advice import oracle_mode
    from mealplan._planner import plan as make_plan

    req = plan.request
    priced = req.objective is Objective.COST or req.budget_per_day is not None
    measure: Literal["cost_per_day", "objective"] = (
        "cost_per_day" if priced else "objective"
    )
    before = plan.cost_per_day if priced else plan.objective_value
    step = _step(b.nutrient, b.bound, steps)
    new = b.bound + step if b.side == "minimum" else max(0.0, b.bound - step)
    old = req.bounds.get(b.nutrient, BoundOverride())
    override = (
        old.model_copy(update={"minimum": new, "remove": False})
        if b.side == "minimum"
        else old.model_copy(update={"maximum": new, "remove": False})
    )
    changed = req.model_copy(
        update={
            "bounds": {**req.bounds, b.nutrient: override},
            "time_limit": min(req.time_limit, 10.0),
            "allow_shortfall": False,
        }
    )
    label = nutrient_label(b.nutrient)
    verb = "Raising" if b.side == "minimum" else "lowering"
    what = f"{verb} the {label} {b.side} by {amount(step, b.unit)} (to {amount(new, b.unit)})"
    feasible = True
    after: float | None = None
    try:
        # Only feasibility matters here: an infeasible re-solve skips the
        # diagnosis and its advice.
        with oracle_mode():
            result = make_plan(changed, foods)
        after = result.cost_per_day if priced else result.objective_value
    except InfeasiblePlanError:
        feasible = False
    change = None if after is None or before is None else round(after - before, 6)
    if not feasible:
        text = f"{what} would leave no feasible plan."
    elif change is None:
        text = f"{what} was feasible, but the change could not be measured."
    elif priced:
        if abs(change) < 0.005:
            text = f"{what} would not change the cost."
        else:
            direction = "cost" if change > 0 else "save"
            text = f"{what} would {direction} {money(abs(change))} a day."
    elif abs(change) < 0.005:
        text = f"{what} would not change the plan's departure from typical servings."
    else:
        further = "further from" if change > 0 else "closer to"
        text = (
            f"{what} would put the plan about {abs(change):.2f} servings a day "
            f"{further} typical servings and the healthy eating pattern "
            f"(objective {before:.2f} to {after:.2f})."
        )
    if feasible and change is not None and change <= -0.005:
        # A tighter bound cannot make an optimal plan better: a re-solve that
        # did better found what this plan's search stopped short of (a plan
        # is "feasible" within its gap), which "would save" alone reads as
        # the bound's doing.
        text += f" {_NOT_PROVEN}"
    return MarginalCost(
        nutrient=b.nutrient,
        side=b.side,
        step=step,
        unit=b.unit,
        new_bound=new,
        feasible=feasible,
        measure=measure,
        before=before,
        after=after,
        change=change,
        text=text,
    )


def _nutrients(plan: MealPlan, table: FoodTable) -> list[NutrientExplanation]:
    """Each nutrient's daily average, split by food (largest first)."""
    grams: dict[str, float] = {}
    names: dict[str, str] = {}
    for item in plan.items:
        grams[item.food_id] = grams.get(item.food_id, 0.0) + item.grams / len(plan.days)
        names[item.food_id] = item.name
    where = {fid: k for k, fid in enumerate(table.ids)}
    out = []
    for total in plan.average:
        values = (
            table.numbers(total.nutrient) if table.has_column(total.nutrient) else None
        )
        parts = []
        for fid, g in grams.items():
            k = where.get(fid)
            per_100g = None if values is None or k is None else float(values[k])
            if per_100g is None or math.isnan(per_100g):
                parts.append(
                    Contribution(food_id=fid, name=names[fid], amount=None, share=None)
                )
                continue
            amount_ = per_100g * g / 100.0
            if amount_ <= 0:
                continue
            share = amount_ / total.amount if total.amount > 0 else None
            parts.append(
                Contribution(
                    food_id=fid,
                    name=names[fid],
                    amount=round(amount_, 6),
                    share=None if share is None else round(share, 4),
                )
            )
        parts.sort(key=lambda c: (c.amount is None, -(c.amount or 0.0), c.food_id))
        out.append(
            NutrientExplanation(
                nutrient=total.nutrient,
                unit=total.unit,
                total=total.amount,
                minimum=total.minimum,
                maximum=total.maximum,
                contributions=parts,
                lower_bound=total.lower_bound,
            )
        )
    return out


def _foods(plan: MealPlan, table: FoodTable) -> list[FoodExplanation]:
    """Return the USDA record and article passages of every chosen food."""
    bound = [b.nutrient for b in plan.targets.bounds]
    where = {fid: k for k, fid in enumerate(table.ids)}
    columns = {n: table.numbers(n) for n in bound if table.has_column(n)}
    seen: dict[str, FoodExplanation] = {}
    for item in plan.items:
        fid = item.food_id
        if fid in seen:
            continue
        k = where.get(fid)
        mentions = table.mentions(fid) if fid in table else []
        missing = [
            n
            for n, values in columns.items()
            if k is not None and math.isnan(values[k])
        ]
        seen[fid] = FoodExplanation(
            food_id=fid,
            name=item.name,
            ndb_no=item.ndb_no,
            citations=[
                ArticleCitation(section=m.section, words=m.words) for m in mentions
            ],
            missing_nutrients=missing,
        )
    return sorted(seen.values(), key=lambda f: f.food_id)


def _gaps(plan: MealPlan) -> list[str]:
    gaps = []
    for t in plan.average:
        if t.lower_bound and (t.minimum is not None or t.maximum is not None):
            gaps.append(
                f"{nutrient_label(t.nutrient)[0].upper()}{nutrient_label(t.nutrient)[1:]}: "
                f"USDA has no value for {', '.join(t.foods_missing_data)}, so the "
                f"total of {amount(t.amount, t.unit)} a day is a lower bound."
            )
    unpriced = sorted({i.name for i in plan.items if i.cost is None})
    if unpriced and (
        plan.request.budget_per_day or plan.request.objective is Objective.COST
    ):
        gaps.append(f"No price for {', '.join(unpriced)}.")
    return gaps


def _objective_words(plan: MealPlan) -> str:
    value = plan.objective_value
    if plan.request.objective is Objective.COST:
        shown = (
            "" if plan.cost_per_day is None else f": {money(plan.cost_per_day)} a day"
        )
        return f"Lowest cost, in US$ a day{shown}."
    shown = "" if value is None else f"here {value:.2f}; "
    return (
        "Fewest servings away from one typical serving per food and from the "
        f"healthy eating pattern, in servings a day ({shown}lower is more typical)."
    )


def explain(
    plan: MealPlan,
    foods: FoodTable | None = None,
    *,
    steps: Mapping[str, float] | None = None,
    marginal: bool | None = None,
) -> Explanation:
    """Say which bounds bind and what tightening each would cost.

    Args:
        plan: The plan to explain.
        foods: The food table it was made with; the bundled one when None.
        steps: Nutrient column -> tightening step in its unit; defaults to
            :data:`DEFAULT_STEPS`, and 10 % of the bound for other nutrients.
        marginal: Re-solve to price each binding bound. None (default) does so
            for one-day plans only, which keeps the time bounded (one solve,
            a few seconds, per binding bound, at most eight).

    Returns:
        The explanation; ``text`` fields are ready-made sentences.

    """
    foods = food_table(foods, "explain")
    all_steps = {**DEFAULT_STEPS, **(steps or {})}
    if len(plan.days) == 1:
        binding = _bindings(plan, plan.days[0].totals, plan.days[0].day)
    else:
        binding = _bindings(plan, plan.average, None)
        for day in plan.days:
            binding += _bindings(plan, day.totals, day.day)
    notes: list[str] = []
    req = plan.request
    # A supplement tablet is not a food (max_foods does not count it), nor is
    # a fat shown as part of an item (its cooking fat or dressing).
    n_foods = len(
        {
            i.food_id
            for i in plan.days[0].items
            if i.kind != "supplement" and i.part_of is None
        }
    )
    if req.max_foods is not None and n_foods >= req.max_foods:
        notes.append(
            f"The plan uses all {req.max_foods} foods a day that max_foods allows."
        )
    if (
        req.budget_per_day is not None
        and plan.cost_per_day is not None
        and plan.cost_per_day >= req.budget_per_day * (1 - _BINDING_TOLERANCE)
    ):
        notes.append(
            f"The cost ({money(plan.cost_per_day)} a day) is at the budget of "
            f"{money(req.budget_per_day)}."
        )
    do_marginal = len(plan.days) == 1 if marginal is None else marginal
    costs: list[MarginalCost] = []
    if do_marginal:
        seen: set[tuple[str, str]] = set()
        for b in binding:
            key = (b.nutrient, b.side)
            if key in seen or len(seen) >= _MAX_RESOLVES:
                continue
            seen.add(key)
            try:
                costs.append(_marginal(plan, b, all_steps, foods))
            except MealPlanError as exc:
                notes.append(
                    f"Could not price the {nutrient_label(b.nutrient)} {b.side}: {exc}"
                )
    elif binding:
        notes.append(
            "Marginal costs are computed for one-day plans only (pass marginal=True "
            "to re-solve a multi-day plan)."
        )
    table = foods if foods is not None else load_foods()
    # A plan with supplements names them: the table gets their rows.
    from mealplan._supplements import with_supplements

    table = with_supplements(table, plan.request)
    return Explanation(
        objective=_objective_words(plan),
        binding=binding,
        marginal=costs,
        nutrients=_nutrients(plan, table),
        foods=_foods(plan, table),
        data_gaps=_gaps(plan),
        notes=notes,
    )
