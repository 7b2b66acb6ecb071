"""The panel's AI floors, planned only where the allowed foods can meet them.

Issue 12 asks for "the sodium AI as a floor where it can be met". An AI is
not a requirement (an intake below it cannot be judged inadequate, IOM
2000), so a day whose allowed foods cannot reach one should still be
planned, with the floor reported, rather than refused. This module finds
those floors when a request with them has no plan: each AI-only panel
minimum (vitamin K, manganese, pantothenic acid, choline, linoleic and
alpha-linolenic acid, where the person's value is an AI) and the sodium AI
floor is checked with the LP relaxation of the same plan with every such
floor lifted, maximising that nutrient. The LP's optimum is an upper bound
on any plan's amount, so a floor above it is proven out of reach (no
number is invented: the reach is what the allowed foods give within the
other bounds). Those floors are dropped from the targets with a note saying
why and how far the foods reach; the plan's compact panel then reports the
shortfall against the AI like any unplanned minimum.

Only floors whose kind is AI are dropped: a caller's own minimum
(``bounds``, kind USER) and every RDA stay hard, and a floor the LP can
reach stays planned. When the request is still infeasible without the
unreachable floors, the planner's diagnosis explains the rest as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._models import BoundKind
from mealplan._nutrients import Nutrient
from mealplan._optimiser import SolveStatus, solve
from mealplan._panel import PANEL_MINIMUMS

if TYPE_CHECKING:
    from collections.abc import Callable

    from mealplan._deadline import Deadline
    from mealplan._models import NutrientBound, NutrientTargets, SolverName
    from mealplan._problem import Problem

__all__ = ["ai_floors", "floors_out_of_reach", "without_floors"]

_FLOOR_NUTRIENTS = frozenset(
    {*(n.value for n in PANEL_MINIMUMS), Nutrient.SODIUM.value}
)
"""Panel nutrients whose AI minimum may be an AI floor (sodium: its AI)."""

_TOLERANCE = 1e-6
"""Relative slack on the LP's reach, so a floor met exactly is not dropped."""


def ai_floors(targets: NutrientTargets) -> list[NutrientBound]:
    """Return the planned AI floors of ``targets`` (DRI AI minimums of the panel)."""
    return [
        b
        for b in targets.bounds
        if b.nutrient in _FLOOR_NUTRIENTS
        and b.minimum is not None
        and b.minimum_kind is BoundKind.AI
    ]


def without_floors(targets: NutrientTargets, names: set[str]) -> NutrientTargets:
    """Return ``targets`` with the minimums of ``names`` lifted (maximums kept)."""
    bounds = []
    for bound in targets.bounds:
        if bound.nutrient in names:
            bound = bound.model_copy(
                update={
                    "minimum": None,
                    "minimum_kind": None,
                    "source": f"{bound.source}; minimum not planned: out of reach "
                    "on the allowed foods (see the plan's notes)",
                }
            )
            if bound.maximum is None:
                continue
        bounds.append(bound)
    return targets.model_copy(update={"bounds": bounds})


def floors_out_of_reach(
    targets: NutrientTargets,
    build: Callable[[NutrientTargets], Problem],
    *,
    solver: SolverName | str,
    deadline: Deadline,
) -> tuple[NutrientTargets, list[str]] | None:
    """Return the targets without the AI floors no plan can reach, and notes.

    ``build`` makes the request's problem for given targets. None when there
    is nothing to drop: no AI floor, the plan is infeasible even without
    them (the conflict is elsewhere), or every floor is within reach (then
    they conflict only together, or with whole portions, and the diagnosis
    says so). The notes name each dropped floor, the AI and the most the
    allowed foods give per day within the other bounds.
    """
    floors = ai_floors(targets)
    if not floors or deadline.expired:
        return None
    # Each floor at 0, not removed: the problem then still sums the nutrient
    # (only bounded nutrients get a row of coefficients to maximise).
    names = {b.nutrient for b in floors}
    lifted = targets.model_copy(
        update={
            "bounds": [
                b.model_copy(update={"minimum": 0.0}) if b.nutrient in names else b
                for b in targets.bounds
            ]
        }
    )
    problem = build(lifted)
    days = max(problem.days, 1)
    dropped: set[str] = set()
    notes: list[str] = []
    for bound in floors:
        assert bound.minimum is not None  # ai_floors keeps bounds with one
        best = solve(
            problem,
            solver=solver,
            goal=("max", bound.nutrient),
            relax=True,
            deadline=deadline,
        )
        if best.status is SolveStatus.INFEASIBLE:
            return None  # infeasible without any AI floor: not theirs to fix
        if best.status is not SolveStatus.OPTIMAL or best.objective is None:
            # Out of time or no answer: a value short of the LP's optimum is
            # no upper bound, so no proof; drop nothing.
            return None
        reach = best.objective / days
        if reach < bound.minimum * (1 - _TOLERANCE):
            dropped.add(bound.nutrient)
            notes.append(_note(bound, reach))
    if not dropped:
        return None
    return without_floors(targets, dropped), notes


def _note(bound: NutrientBound, reach: float) -> str:
    """Say that a floor cannot be met, by how much, and that it is reported."""
    label = (
        Nutrient(bound.nutrient).label
        if bound.nutrient in {n.value for n in Nutrient}
        else bound.nutrient
    )
    assert bound.minimum is not None
    return (
        f"{label} AI of {bound.minimum:g} {bound.unit}/day not planned: it cannot "
        f"be met on the allowed foods, which give at most {reach:.4g} {bound.unit} "
        "a day within the other bounds (the LP relaxation's maximum, an upper "
        "bound on any plan), so the shortfall is reported instead; an AI is not "
        "a requirement (IOM 2000); set it with bounds to make it a hard minimum"
    )
