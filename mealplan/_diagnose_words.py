"""The words of a diagnosis: each conflict's description, its relaxation, the message.

:func:`conflict_words` says what a constraint group of a conflict requires
("at least 27 mg of iron a day (RDA)") and how to relax it, measuring where
a measure helps ("at most 14.6 µg is reachable; lower the minimum to ...")
with the ``best`` the caller gives (a solve with the conflict's other groups
only, :mod:`mealplan._diagnose`); :func:`message_of` makes the diagnosis's
one sentence. Nothing here solves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from mealplan._absorption import ABSORBABLE_CALCIUM, DEFAULT_FRACTION
from mealplan._conflict_words import conflict_head
from mealplan._models import BoundKind, Conflict, NutrientTargets, PlanRequest
from mealplan._nutrients import Nutrient
from mealplan._problem import (
    FILTER_GROUPS,
    ConstraintGroup,
    GroupKind,
    default_max_days,
)
from mealplan._report import nutrient_label
from mealplan._structure_blocks import conflict_text

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable

__all__ = [
    "SUPPLEMENTED",
    "Best",
    "conflict_words",
    "fmt",
    "label_of",
    "message_of",
    "unit_of",
]

Best = Callable[[tuple[str, str]], "float | None"]
"""The best value of a goal, per day, with the conflict's other groups only
(``("max", nutrient)``, ``("min", "cost")``...; None: not measured)."""

SUPPLEMENTED = frozenset(
    ("vitamin_d_ug", "vitamin_b12_ug", "magnesium_mg", "calcium_mg")
)
"""Nutrients with a bundled supplement (foods/supplements.csv)."""


def unit_of(table: FoodTable, nutrient: str) -> str:
    """Return the unit of ``nutrient`` as prose writes it (µg, not ug)."""
    unit = table.nutrients.get(nutrient, nutrient.rsplit("_", 1)[-1])
    return "µg" if unit == "ug" else unit  # column suffixes are ASCII; prose is not


def label_of(nutrient: str) -> str:
    """Return ``nutrient`` in words."""
    # Panel nutrients outside the enum read as words too ("iodine").
    return nutrient_label(nutrient)


def fmt(x: float) -> str:
    """Return an amount with three significant digits, or whole above 100."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def conflict_words(
    typed: ConstraintGroup,
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    best: Best,
) -> Conflict:
    """Return what the group ``typed`` requires and how to relax it."""
    if typed.kind in (GroupKind.MIN, GroupKind.MAX):
        return _bound_words(typed, req, targets, table, best)
    if typed.kind is GroupKind.MACRO:
        return _macro_words(typed, targets)
    return _group_words(typed, req, best)


def _bound_words(
    typed: ConstraintGroup,
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    best: Best,
) -> Conflict:
    """Return the words of a nutrient minimum or maximum, with the measured reach."""
    group = typed.name
    side = "min" if typed.kind is GroupKind.MIN else "max"
    nutrient = typed.nutrient or ""
    bound = targets.get(nutrient)
    assert bound is not None
    unit = unit_of(table, nutrient)
    label = "energy" if nutrient == Nutrient.ENERGY.value else label_of(nutrient)
    kind = bound.minimum_kind if side == "min" else bound.maximum_kind
    kind_s = f" ({kind.value})" if isinstance(kind, BoundKind) else ""
    if side == "min":
        value = bound.minimum or 0.0
        desc = f"at least {fmt(value)} {unit} of {label} a day{kind_s}"
        absorbable = req.absorbable_calcium and nutrient == Nutrient.CALCIUM.value
        if absorbable:
            # The bound counts absorbable calcium (milk-equivalent mg).
            desc = (
                f"at least {fmt(value * DEFAULT_FRACTION)} mg of absorbable "
                f"calcium a day ({fmt(value)} mg at milk's 32.1 % absorption"
                f"{kind_s.replace(' (', ', ').rstrip(')')})"
            )
        reach = best(("max", ABSORBABLE_CALCIUM if absorbable else nutrient))
        if reach is None:
            relax = f"Lower the {label} minimum or relax the other constraints listed."
        elif reach <= 1e-9:
            relax = (
                f"No allowed food contains any {label}; allow "
                + ("fortified foods or " if not req.allow_fortified else "")
                + f"other foods, or take a {label} supplement on a doctor's advice"
                + (
                    " (supplements: true; --supplements)."
                    if not req.supplements and nutrient in SUPPLEMENTED
                    else "."
                )
            )
        else:
            relax = (
                f"With the other constraints listed, at most {fmt(reach)} {unit} "
                f"is reachable; lower the minimum to {fmt(reach)} {unit} or relax "
                "one of the others."
            )
    else:
        value = bound.maximum or 0.0
        desc = f"at most {fmt(value)} {unit} of {label} a day{kind_s}"
        need = best(("min", nutrient))
        relax = (
            f"With the other constraints listed, at least {fmt(need)} {unit} is "
            f"needed; raise the maximum to {fmt(need)} {unit} or relax one of the others."
            if need is not None
            else f"Raise the {label} maximum or relax the other constraints listed."
        )
    return Conflict(constraint=group, description=desc, relaxation=relax)


def _macro_words(typed: ConstraintGroup, targets: NutrientTargets) -> Conflict:
    """Return the words of an AMDR energy share."""
    group = typed.name
    nutrient = typed.nutrient or ""
    lo, hi = (targets.macro_shares or {}).get(nutrient, (0.0, 1.0))
    return Conflict(
        constraint=group,
        description=f"{label_of(nutrient)} between {lo:.0%} and {hi:.0%} of energy (AMDR)",
        relaxation="Set macro_limits to false to drop the AMDR energy shares.",
    )


def _group_words(typed: ConstraintGroup, req: PlanRequest, best: Best) -> Conflict:
    """Return the words of a filter, rule or limit (diet, budget, max_foods...)."""
    group = typed.name
    texts = {
        "diet": (
            f"a {req.diet.value} diet",
            "Allow a less strict diet (vegetarian adds dairy and eggs; pescatarian adds fish).",
        ),
        "allergies": (
            f"no foods containing {', '.join(a.value for a in req.allergies)}",
            "Check with your doctor whether every listed allergy is needed.",
        ),
        "exclude": (
            f"excluding {', '.join(repr(e) for e in req.exclude)}",
            "Remove one of the exclusions.",
        ),
        "fortified": (
            "no fortified foods",
            "Allow fortified foods (allow_fortified=true) or a supplement.",
        ),
        "priced": (
            "only foods with a known price (needed for the budget or cost objective)",
            "Drop the budget and use the typical objective, or add prices to the food table.",
        ),
        "include": (
            f"including {', '.join(repr(i) for i in req.include)} every day",
            "Drop a food from include, or make sure the filters allow it.",
        ),
        "pins": (
            "the pinned foods",
            "Drop a pin, or make sure the filters and its meal allow the food.",
        ),
        "bans": ("the banned foods", "Lift one of the bans."),
        "meals": (
            "the meal structure (energy share and number of foods per meal)",
            "Widen the meals' energy shares or food counts, or set meals to null.",
        ),
        "variety": (
            f"each food on at most {req.max_days_per_food or default_max_days(req.days)} days, no meal repeated on consecutive days",
            "Raise max_days_per_food or allow more foods.",
        ),
        "portion_limits": (
            "realistic portion caps per food",
            "Set portion_limits to false to allow larger amounts.",
        ),
        "weekly_caps": (
            "the FDA/EPA weekly fish limit for the life stage, at most one "
            "serving of its Good Choices such as halibut or albacore among it "
            "(foods/life_stage_caps.csv, fda.gov/fishadvice)",
            "Include or pin less fish, or plan fewer days: the weekly fish "
            "limit is a safety rule and is never lifted.",
        ),
        "daily_fish_caps": (
            "the FDA/EPA fish limit a day for the life stage, at most one "
            "serving of fish and shellfish (1-4 oz by age for a child, 4 oz in "
            "pregnancy and lactation; "
            "foods/life_stage_caps.csv, fda.gov/fishadvice)",
            "Include or pin less fish, or meet the need from other foods: the "
            "daily fish limit is a safety rule and is never lifted.",
        ),
    }
    if group == "budget":
        cheapest = best(("min", "cost"))
        relax = (
            f"With the other constraints listed, the cheapest plan costs ${cheapest:.2f} a day; "
            f"raise budget_per_day to at least ${math.ceil(cheapest * 100) / 100:.2f}."
            if cheapest is not None
            else "Raise budget_per_day."
        )
        return Conflict(
            constraint=group,
            description=f"a budget of ${req.budget_per_day:.2f} a day",
            relaxation=relax,
        )
    if group == "max_foods":
        fewest = best(("min", "foods"))
        relax = (
            f"With the other constraints listed, at least {math.ceil(fewest - 1e-6)} foods a day are "
            f"needed; raise max_foods to {math.ceil(fewest - 1e-6)}."
            if fewest is not None
            else "Raise max_foods."
        )
        return Conflict(
            constraint=group,
            description=f"at most {req.max_foods} foods a day"
            ", not counting the cooking fat or dressing of an item",
            relaxation=relax,
        )
    if typed.kind is GroupKind.STRUCTURE:
        desc, relax = conflict_text(typed, req)
        return Conflict(constraint=group, description=desc, relaxation=relax)
    desc, relax = texts.get(group, (group, f"Relax {group}."))
    return Conflict(constraint=group, description=desc, relaxation=relax)


def message_of(conflicts: Sequence[Conflict], req: PlanRequest) -> str:
    """Return the diagnosis's one-sentence message for its conflicts."""
    if not conflicts:
        return (
            "No plan meets the request, but no single group of its constraints could be "
            "named; raise time_limit or relax the request."
        )
    head = conflict_head(conflicts, req)
    if head is not None:
        need = next(c for c in conflicts if c.constraint.startswith("min:"))
        return f"{head} {need.relaxation}"
    filters = [c for c in conflicts if c.constraint in FILTER_GROUPS]
    others = [c for c in conflicts if c.constraint not in FILTER_GROUPS]
    span = "day" if req.days == 1 else f"{req.days}-day plan"
    if filters and len(others) == 1:
        c = others[0]
        who = " and ".join(f.description for f in filters)
        return f"A {span} with {who} cannot meet {c.description}: {c.relaxation}"
    parts = "; ".join(c.description for c in conflicts)
    return f"No {span} meets these constraints together: {parts}. {conflicts[0].relaxation}"
