"""Plan: the public entry point of the planner.

:func:`plan` resolves a request's targets, builds the model as data
(:mod:`mealplan._problem`), solves it (:mod:`mealplan._optimiser`) and
returns a :class:`~mealplan.MealPlan` whose totals are recomputed from the
food table, not read back from the solver (:mod:`mealplan._results`). When
no plan exists it raises :class:`~mealplan.InfeasiblePlanError` with a
:class:`~mealplan.Diagnosis` found by a deletion filter over the request's
constraint groups (:mod:`mealplan._diagnose`). ``regenerate()`` lives in
:mod:`mealplan._regenerate`.

Default objective (``typical``): among plans meeting every bound, the one
whose foods depart least from one default serving each (a food eaten in one
portion costs nothing, 2 portions or half a portion cost 1 or 0.5), with a
small bonus for the foods the source article recommends. It needs no prices,
and it favours days made of ordinary servings over the nutrient-dense oddities
(a spoon of dried egg, cod liver oil) that minimising grams or portions picks.
Ties are broken by fixed tiny per-food weights, so a request always gives the
same plan.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mealplan import _plan_search as plan_search
from mealplan._absorption import absorbable_targets
from mealplan._ai_floors import (
    auto_ais,
    default_floors,
    floors_out_of_reach,
    late_floor_notes,
    liftable_floors,
    lifted_floor_notes,
    without_floors,
)
from mealplan._arguments import food_table
from mealplan._catalog import FoodTable
from mealplan._catalog_load import bundled_for, bundled_note
from mealplan._checked_floors import (
    CHECKED_LEAST_SECONDS,
    CHECKED_SECONDS,
    CHECKED_SHARE,
    checked_floors,
    displaced_notes,
    unsought_notes,
    with_floors,
)
from mealplan._day_plans import remembering
from mealplan._deadline import Deadline
from mealplan._diagnose import raise_infeasible
from mealplan._errors import (
    SolverError,
    UnknownNutrientError,
)
from mealplan._exclusions import check_taste_words
from mealplan._floor_search import (
    search_or_lift_rdas,
    searched_as,
    widened_rule,
    with_default_floors,
)
from mealplan._life_stage_advice import vegan_note
from mealplan._models import (
    BoundOverride,
    MealPlan,
    NutrientBound,
    NutrientTargets,
    Objective,
    PlanRequest,
    SolverName,
)
from mealplan._nutrients import Diet, Nutrient
from mealplan._optimiser import Solution, SolveStatus
from mealplan._panel import without_sparse_minimums
from mealplan._prenatal_room import prenatal_folic_acid_room
from mealplan._problem import (
    Problem,
)
from mealplan._request_parse import parse_request
from mealplan._results import assemble
from mealplan._sources import widen_variety_for_sole_sources, widened_week_note
from mealplan._supplements import (
    supplement_notes,
    supplement_targets,
    with_supplements,
)
from mealplan._targets import apply_overrides, targets_for
from mealplan._vegetarian_iron import vegetarian_iron

__all__ = ["parse_request", "plan", "resolve_targets"]

# A checked re-plan (a first plan short of choline's or vitamin K's AI,
# planned again with it as a floor) gives the guided start's gap tests this
# much CPU, not the first plan's 2 s (_guided_start._GAP_TESTS_CPU_SECONDS,
# set on toddler days, which have no checked floors). Many of load.py's 48
# days are planned again (10 of its 24 women's, all for choline). A
# re-plan's tests pass within 0.2-0.6 s or not at all, and the days whose
# tests failed spent the whole 2 s on them (the vegetarian woman of 27:
# 8.3 s in all). Skipping them (0 s) cost the quick days 0.7-0.9 s each
# (the widest restriction then runs its stall) and gave two worse plans;
# 0.5 s, one (a vegan woman of 49, whose tests pass between 0.5 and 1 s).
# Measured: benchmarks/checked_gap_tests_ab_latest.md.
CHECKED_GAP_TESTS_CPU_SECONDS = 1.0


def resolve_targets(request: PlanRequest, table: FoodTable) -> NutrientTargets:
    """Return the daily targets a request implies, overrides applied."""
    overrides: dict[str, BoundOverride] = dict(request.bounds)
    if request.targets is not None:
        targets = request.targets
        if request.kcal_min is not None or request.kcal_max is not None:
            overrides.setdefault(
                Nutrient.ENERGY.value,
                BoundOverride(minimum=request.kcal_min, maximum=request.kcal_max),
            )
    else:
        assert request.person is not None  # guaranteed by PlanRequest
        targets = targets_for(
            request.person,
            kcal_min=request.kcal_min,
            kcal_max=request.kcal_max,
            margin=request.margin,
            panel=request.panel,
            budgeted=request.budget_per_day is not None
            or request.objective is Objective.COST,
        )
        # Before the overrides: a caller's own iron bound wins.
        targets = vegetarian_iron(targets, request.diet, request.person)
        targets = prenatal_folic_acid_room(targets, request.person)
        if request.diet is Diet.VEGAN:
            notes = [*targets.notes, *vegan_note(request.person)]
            targets = targets.model_copy(update={"notes": notes})
    if overrides:
        targets = apply_overrides(targets, overrides, known_nutrients=table.nutrients)
    if request.absorbable_calcium:
        targets = absorbable_targets(targets)
    # Missing data is judged on the foods this eater may have (diet, allergies).
    allowed = (
        table.allowed(diet=request.diet, allergies=request.allergies)
        if request.diet is not Diet.OMNIVORE or request.allergies
        else None
    )
    targets = without_sparse_minimums(targets, table, allowed)
    if request.supplements and table.has_column("magnesium_supplemental_mg"):
        targets = supplement_targets(targets, request)
    for bound in targets.bounds:
        if bound.nutrient not in table.nutrients:
            msg = (
                f"Target on {bound.nutrient!r} names no column of the food table; "
                f"use one of {sorted(table.nutrients)} or add the column."
            )
            raise UnknownNutrientError(msg, bound.nutrient)
    return targets


def least_targets(request: PlanRequest, table: FoodTable) -> NutrientTargets:
    """Return the targets any plan of ``request`` must meet.

    :func:`resolve_targets` without the default's own floors that :func:`plan`
    lifts, with a note, rather than leave the request without a plan
    (:func:`~mealplan._ai_floors.liftable_floors`). The diagnosis's advice
    asks "is there a plan?" on these, so its smallest change (a budget to
    the cent, say) is the one at which :func:`plan` returns one.
    """
    targets = resolve_targets(request, table)
    return without_floors(targets, liftable_floors(request, targets))


def plan(
    request: PlanRequest | Mapping[str, Any] | str,
    foods: FoodTable | None = None,
) -> MealPlan:
    """Plan meals that meet every constraint of ``request``.

    Args:
        request: A :class:`PlanRequest`, or its dict / JSON form.
        foods: The food table; the bundled one when None.

    Returns:
        The plan, with totals recomputed from the food table.

    Raises:
        RequestError: The request is invalid.
        UnknownFoodError: A food id in include, pins or bans is not in the table.
        InfeasiblePlanError: No plan meets every constraint; ``.diagnosis`` says why.
        SolverError: The solver failed or found no plan within the time limit.

    Examples:
        >>> import mealplan
        >>> p = mealplan.plan({"person": {"age": 35, "sex": "female"}})
        >>> p.status.value in {"optimal", "feasible"}
        True

    """
    # The request's clock starts now: loading the table and resolving the
    # targets count against its time limit too (wall time, as a caller sees it).
    began = time.monotonic()
    # Its longer plan's seeds share the day-plans they find (mealplan._day_plans).
    with remembering():
        return _plan(request, foods, began)


def _plan(
    request: PlanRequest | Mapping[str, Any] | str,
    foods: FoodTable | None,
    began: float,
) -> MealPlan:
    """Plan ``request`` (see :func:`plan`), its clock started at ``began``."""
    req = parse_request(request)
    table = food_table(foods, "plan")
    # No table given: the bundled one, with its dishes under HiGHS only.
    table_note = bundled_note(req.solver, table)
    table = table if table is not None else bundled_for(req.solver)
    # Optional supplements (off by default) join the table as their own rows.
    table = with_supplements(table, req)
    check_taste_words(table, req.likes, req.dislikes)
    targets = resolve_targets(req, table)
    asked = targets  # what the plan would be held to, before any floor is lifted
    # One clock for every solve of this request, the diagnosis included.
    deadline = Deadline(req.time_limit, started=began)
    # A need with only one or two sources widens the default variety rule
    # for those sources alone.
    wider, variety_notes = widen_variety_for_sole_sources(req, targets, table)
    floor_notes: list[str] = []
    defaults = default_floors(req, targets)
    if defaults:
        targets, problem, solution, needed_notes, floor_notes = with_default_floors(
            req, targets, table, deadline, wider, defaults
        )
    else:
        targets, problem, solution, needed_notes, floor_notes = search_or_lift_rdas(
            req, targets, table, deadline, wider, []
        )
    while solution.status is SolveStatus.INFEASIBLE and (
        relieved := _relieve_floors(req, targets, table, deadline)
    ):
        # Each pass lifts at least one floor, so this ends.
        targets, more = relieved
        floor_notes = [*floor_notes, *more]
        wider, variety_notes = widen_variety_for_sole_sources(req, targets, table)
        problem, solution, needed_notes = plan_search.search(
            req, targets, table, deadline, wider
        )
    if solution.status is SolveStatus.INFEASIBLE:
        raise_infeasible(req, targets, table, deadline)
    # The default's checked floors (vitamin K's and choline's AIs): the plan
    # is assembled with them in its targets and checked; only a plan short of
    # them is planned again (mealplan._checked_floors).
    extra = checked_floors(req, targets, table)
    parts = _Assembly(
        req, asked, table, table_note, supplement_notes(req, table), floor_notes
    )
    found = (problem, solution, needed_notes)
    result = parts.plan(with_floors(targets, extra), found, variety_notes)
    if not extra or _meets(result, extra):
        return result
    return _planned_again(parts, targets, extra, result, found, variety_notes, deadline)


@dataclass(frozen=True)
class _Assembly:
    """What every assembly of one request's plan shares: the request and its notes."""

    req: PlanRequest
    asked: NutrientTargets
    """What the plan would be held to, before any floor is lifted."""
    table: FoodTable
    table_note: str | None
    supplements: list[str]
    floors: list[str]

    def plan(
        self,
        targets: NutrientTargets,
        found: tuple[Problem, Solution, list[str]],
        variety: list[str],
        more: list[str] | None = None,
    ) -> MealPlan:
        """Assemble the plan of ``found`` under ``targets``, with ``more`` floor notes."""
        problem, solution, needed = found
        # The default variety rule yielded for the RDAs: said on the plan's
        # own foods (a plan made again has its own).
        widened = (
            widened_week_note(self.req, problem, solution.units, self.table)
            if widened_rule(self.req, problem)
            else None
        )
        return assemble(
            self.req,
            targets,
            self.table,
            problem,
            solution,
            extra_notes=_notes(
                self.table_note,
                variety,
                needed,
                self.supplements,
                [*self.floors, *([widened] if widened else []), *(more or [])],
            ),
            unplanned_minimums=_unplanned(self.asked, targets),
        )


def _planned_again(
    parts: _Assembly,
    targets: NutrientTargets,
    extra: list[NutrientBound],
    first: MealPlan,
    found: tuple[Problem, Solution, list[str]],
    variety: list[str],
    deadline: Deadline,
) -> MealPlan:
    """Plan ``first`` again with the checked floors of ``extra`` it is short of.

    Only those: with every checked floor at once (vitamin K's and choline's)
    the search is the slower one, and a day short of vitamin K alone found
    none in its box (session 37). The floors ``first`` met stay floors of the
    plan returned where it meets them too; those it does not are reported,
    with a note (:func:`~mealplan._checked_floors.displaced_notes`).
    """
    short = [b for b in extra if not _meets(first, [b])]
    held = [b for b in extra if b not in short]
    now, found, again_notes, more = _checked(
        parts.req, targets, with_floors(targets, short), parts.table, deadline, found
    )
    variety = variety if again_notes is None else again_notes
    planned = [b for b in short if now.get(b.nutrient) == b]

    def _holding(kept: list[NutrientBound]) -> NutrientTargets:
        # In the order of ``extra``, as a plan that met them all has them
        # (regenerating a plan recognises its targets by that order).
        return with_floors(targets, [b for b in extra if b in planned or b in kept])

    result = parts.plan(_holding(held), found, variety, more)
    lost = [b for b in held if not _meets(result, [b])]
    if not lost:
        return result
    notes = displaced_notes(
        with_floors(targets, extra),
        {b.nutrient for b in lost},
        {b.nutrient for b in short},
    )
    kept = [b for b in held if b not in lost]
    return parts.plan(_holding(kept), found, variety, [*more, *notes])


def _unplanned(asked: NutrientTargets, held: NutrientTargets) -> list[str]:
    """Return the nutrients ``asked`` has a minimum for that ``held`` lost (lifted)."""
    kept = {b.nutrient for b in held.bounds if b.minimum is not None}
    return sorted(
        b.nutrient
        for b in asked.bounds
        if b.minimum is not None and b.nutrient not in kept
    )


def _notes(
    table_note: str | None,
    variety: list[str],
    needed: list[str],
    supplements: list[str],
    floors: list[str],
) -> list[str]:
    """Return the planner's own notes of a plan, in their order."""
    return [
        *([table_note] if table_note else []),
        *variety,
        *needed,
        *supplements,
        *floors,
    ]


def _meets(plan: MealPlan, bounds: list[NutrientBound]) -> bool:
    """Whether every day of ``plan`` meets the minimum of each of ``bounds``."""
    for day in plan.days:
        totals = {t.nutrient: t.amount for t in day.totals}
        for bound in bounds:
            amount = totals.get(bound.nutrient)
            if bound.minimum is not None and (amount is None or amount < bound.minimum):
                return False
    return True


def _checked(
    req: PlanRequest,
    targets: NutrientTargets,
    checked: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    found: tuple[Problem, Solution, list[str]],
) -> tuple[
    NutrientTargets, tuple[Problem, Solution, list[str]], list[str] | None, list[str]
]:
    """Plan again with the default's checked floors, the plan ``found`` being short.

    ``checked``: ``targets`` with those floors. In a box of the time left; a
    plan then stands with them, else the first plan (``found``) with a note
    naming them and why (:mod:`mealplan._checked_floors`). Returns the
    targets, the plan's problem, solution and notes, the variety notes of a
    plan made again (None: the first plan stands), and the floor notes to add.
    """
    names = {
        b.nutrient
        for b in checked.bounds
        if b.minimum is not None and targets.get(b.nutrient) != b
    }
    if req.solver is not SolverName.HIGHS:
        late = late_floor_notes(checked, names, deadline.elapsed())
        return targets, found, None, late
    if deadline.left() < CHECKED_LEAST_SECONDS:
        # A week's search ran to its time limit: none left to plan again.
        unsought = unsought_notes(checked, names, deadline.elapsed())
        return targets, found, None, unsought
    box_seconds = min(CHECKED_SHARE * deadline.left(), CHECKED_SECONDS)
    box = deadline.part(box_seconds)
    wider, variety_notes = widen_variety_for_sole_sources(req, checked, table)
    try:
        # Under the rule the first plan was searched under (it may have yielded).
        again = plan_search.search(
            searched_as(req, found[0]),
            checked,
            table,
            box,
            wider,
            gap_tests_cpu=CHECKED_GAP_TESTS_CPU_SECONDS,
        )
        if again[1].time_limited and not deadline.expired:
            # The box ended the search (a plan of several days whose seed
            # stands), not the request's time limit: the note says which.
            again = (
                again[0],
                replace(
                    again[1],
                    time_limited=False,
                    boxed=True,
                    checked_box_seconds=round(box_seconds, 1),
                ),
                again[2],
            )
    except SolverError:
        # No plan with them in the box: the first plan (in hand) stands.
        late = late_floor_notes(checked, names, deadline.elapsed())
        return targets, found, None, late
    if again[1].status is SolveStatus.INFEASIBLE:
        budgeted = req.budget_per_day is not None or req.objective is Objective.COST
        notes = lifted_floor_notes(checked, names, budgeted=budgeted)
        return targets, found, None, notes
    return checked, again, list(variety_notes), []


def _relieve_floors(
    req: PlanRequest, targets: NutrientTargets, table: FoodTable, deadline: Deadline
) -> tuple[NutrientTargets, list[str]] | None:
    """Return the targets of an infeasible request without the AI floors to blame.

    First the AI floors the allowed foods cannot reach (issue 12: "the
    sodium AI as a floor where it can be met"; an AI is not a requirement),
    with notes giving their reach; else the AIs the default ``auto`` adds
    (:func:`~mealplan._ai_floors.auto_ais`), which are its own floors, not
    the caller's: each within reach, but no plan within the other bounds
    meets them together or in whole portions, so they are lifted with a note
    and the RDAs stay. None when no floor is left to lift: what conflicts is
    the diagnosis's to explain.
    """
    reached = floors_out_of_reach(
        targets,
        plan_search.reach_builder(req, table),
        solver=req.solver,
        deadline=deadline,
    )
    if reached is not None:
        return reached
    ais = auto_ais(req, targets)
    if not ais:
        return None
    notes = lifted_floor_notes(targets, ais, budgeted=False)
    return without_floors(targets, ais), notes
