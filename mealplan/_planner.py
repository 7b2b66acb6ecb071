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
from typing import TYPE_CHECKING, Any

from mealplan import _plan_search as plan_search
from mealplan._absorption import absorbable_targets
from mealplan._ai_floors import (
    DEFAULT_FLOOR_FIRST_SECONDS,
    DEFAULT_FLOOR_SEARCH_SECONDS,
    DEFAULT_FLOOR_SHARE,
    MATERNAL_FLOOR_SHARE,
    WEEK_FLOOR_SHARE,
    WEEK_RDA_SEED_SHARE,
    auto_ais,
    auto_minimums,
    default_floors,
    floors_out_of_reach,
    late_floor_notes,
    liftable_floors,
    lifted_floor_notes,
    rda_reserve,
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
from mealplan._deadline import Deadline
from mealplan._errors import (
    SolverError,
    UnknownNutrientError,
)
from mealplan._exclusions import check_taste_words
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
from mealplan._panel import MATERNAL_PLANNED, without_sparse_minimums
from mealplan._prenatal_room import prenatal_folic_acid_room
from mealplan._problem import (
    Problem,
)
from mealplan._request_parse import parse_request
from mealplan._sources import (
    widen_variety_for_sole_sources,
)
from mealplan._supplements import (
    supplement_notes,
    supplement_targets,
    with_supplements,
)
from mealplan._targets import apply_overrides, targets_for
from mealplan._vegetarian_iron import vegetarian_iron

if TYPE_CHECKING:
    from collections.abc import Callable


from mealplan._diagnose import raise_infeasible
from mealplan._results import assemble

__all__ = ["parse_request", "plan", "resolve_targets"]
"""The plan notes' word for each quantised portion mode."""


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
        targets, problem, solution, needed_notes, floor_notes = _with_default_floors(
            req, targets, table, deadline, wider, defaults
        )
    else:
        targets, problem, solution, needed_notes, floor_notes = _search_or_lift_rdas(
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
                [*self.floors, *(more or [])],
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
        again = plan_search.search(req, checked, table, box, wider)
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


def _with_default_floors(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
    names: set[str],
) -> tuple[NutrientTargets, Problem, Solution, list[str], list[str]]:
    """Plan with the floors the default adds, never losing the plan to them.

    The floors (:func:`~mealplan._ai_floors.default_floors`): choline's AI in
    pregnancy and lactation, the panel's RDAs under a budget. A day: first
    any plan with the floors (its first plan, ``mip_gap`` 1) in a share of
    the time; none in time, or none at all (proven infeasible: a budget
    that cannot buy them), and the floors are lifted with a note and the
    rest of the time plans without them. Then the usual search with the
    floors, boxed; out of time without a plan, or with a worse one, the
    first plan stands (:data:`~mealplan._ai_floors.DEFAULT_FLOOR_SHARE`).
    Several days: the usual search with the floors in half the time; none,
    and the floors are lifted for the other half
    (:data:`~mealplan._ai_floors.WEEK_FLOOR_SHARE`).
    """
    # A day asks for its first plan, then searches for a better one, boxed;
    # a longer plan (whose day-by-day seed is its first plan) gets its own
    # search. In a share of the time either way.
    budgeted = req.budget_per_day is not None or req.objective is Objective.COST
    maternal = not budgeted and names <= {n.value for n in MATERNAL_PLANNED}
    first_share = MATERNAL_FLOOR_SHARE if maternal else DEFAULT_FLOOR_SHARE
    share = deadline.part(
        min(first_share * deadline.left(), DEFAULT_FLOOR_FIRST_SECONDS)
        if req.days == 1
        else WEEK_FLOOR_SHARE * deadline.left()
    )
    try:
        found = (
            plan_search.first_then_best(
                req,
                targets,
                table,
                share,
                deadline,
                wider,
                search_seconds=DEFAULT_FLOOR_SEARCH_SECONDS,
            )
            if req.days == 1
            else plan_search.search(req, targets, table, share, wider)
        )
    except SolverError:
        if deadline.expired:
            raise
        notes = late_floor_notes(targets, names, deadline.elapsed())
        return _without_default_floors(req, targets, table, deadline, names, notes)
    if found[1].status is SolveStatus.INFEASIBLE:
        # Proven: no plan within the other bounds (a budget, most often)
        # meets the default's floors together; they were never the caller's.
        if budgeted and len(names) > 1:
            # Not all at once: a budget that cannot buy vitamin C can still
            # buy iron and zinc. A plan within it without the floors shows
            # which it meets anyway; those stay planned, only the rest are
            # lifted (the budget's floors are all the panel's, so the plan
            # without them is quick to find).
            return _keep_what_a_plan_meets(
                req,
                targets,
                table,
                deadline,
                names,
                [],
                lambda unmet, kept: lifted_floor_notes(
                    targets, unmet, budgeted=True, kept=kept
                ),
            )
        notes = lifted_floor_notes(targets, names, budgeted=budgeted)
        return _without_default_floors(req, targets, table, deadline, names, notes)
    return (targets, *found, [])


def _without_default_floors(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    names: set[str],
    notes: list[str],
) -> tuple[NutrientTargets, Problem, Solution, list[str], list[str]]:
    """Plan the request in the time left with the default's floors lifted."""
    targets = without_floors(targets, names)
    wider, _ = widen_variety_for_sole_sources(req, targets, table)
    return _search_or_lift_rdas(req, targets, table, deadline, wider, notes)


def _search_or_lift_rdas(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
    notes: list[str],
) -> tuple[NutrientTargets, Problem, Solution, list[str], list[str]]:
    """Search with the default's panel RDAs, never losing the plan to them for time.

    A day's search gets the time less
    :func:`~mealplan._ai_floors.rda_reserve` (its CPU box ends most days long
    before); a longer plan's first plan (its seed) gets
    :data:`~mealplan._ai_floors.WEEK_RDA_SEED_SHARE` of it, and its search the
    rest. Ended with no plan, the RDAs and AIs the default added are lifted
    and the rest of the time plans without them: its first plan, then the
    usual search keeping the floors that first plan met; the note names the
    ones lifted (:func:`~mealplan._ai_floors.late_floor_notes`). Proven infeasible, the
    result stands (the diagnosis names the conflict). ``notes``: the floor notes so
    far, returned with any new one.
    """
    names = auto_minimums(req, targets)
    if not names or req.solver is not SolverName.HIGHS:
        return (
            targets,
            *plan_search.search(req, targets, table, deadline, wider),
            notes,
        )
    try:
        if req.days == 1:
            left = deadline.left()
            share = deadline.part(left - rda_reserve(left))
            return (
                targets,
                *plan_search.search(req, targets, table, share, wider),
                notes,
            )
        # A week's search runs to its time limit improving its seed, so only
        # the seed (its first plan) gets a share: a week whose seed comes in
        # time loses nothing (a seed first and the usual search after it
        # made gaps worse on 4 of 14 default weeks, session 16).
        seed_by = deadline.part(WEEK_RDA_SEED_SHARE * deadline.left())
        found = plan_search.search(
            req, targets, table, deadline, wider, seed_by=seed_by
        )
        return (targets, *found, notes)
    except SolverError:
        if deadline.expired:
            raise
    seconds = deadline.elapsed()
    return _keep_what_a_plan_meets(
        req,
        targets,
        table,
        deadline,
        names,
        notes,
        lambda unmet, kept: late_floor_notes(targets, unmet, seconds, kept=kept),
    )


def _keep_what_a_plan_meets(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    names: set[str],
    notes: list[str],
    lift_notes: Callable[[set[str], set[str]], list[str]],
) -> tuple[NutrientTargets, Problem, Solution, list[str], list[str]]:
    """Plan without the floors ``names``, then keep planned those its plan meets.

    ``lift_notes(unmet, kept)``: the note naming the floors lifted and why.
    """
    lifted = without_floors(targets, names)
    wider, _ = widen_variety_for_sole_sources(req, lifted, table)
    # The share left is small: first any plan (a lactating vegan of 14 has
    # one in 0.02 s of solving, where the usual search took 0.4-1.1 s).
    first = plan_search.first_plan(req, lifted, table, deadline, wider)
    if first[1].status is SolveStatus.INFEASIBLE:
        return (lifted, *first, notes)
    # The floors that first plan meets anyway stay planned: the search after
    # it keeps them (the first plan meets them, so it still stands if that
    # search finds nothing better), and only the others are lifted, with the
    # note; not every RDA at once (issue 12: a lifted day held 'limits' only).
    unmet = names - _floors_met(req, lifted, table, first, targets, names)
    kept = without_floors(targets, unmet)
    # The kept floors' own sole sources may widen the variety rule, and the
    # first plan's widening (a week's seed may add some) stays, so that plan
    # meets the problem the search after it starts from.
    wider = _wider_of(first[0], widen_variety_for_sole_sources(req, kept, table)[0])
    first = (plan_search.build_wider(req, kept, table, wider), first[1], first[2])
    found = plan_search.then_best(req, kept, table, first, deadline, wider)
    return (kept, *found, [*notes, *lift_notes(unmet, names - unmet)])


def _wider_of(problem: Problem, wider: Mapping[str, int]) -> dict[str, int]:
    """Return ``wider`` with ``problem``'s own wider variety limits (the larger)."""
    out = dict(wider)
    for index, days in problem.max_days_for.items():
        food = problem.food_ids[index]
        out[food] = max(out.get(food, 0), days)
    return out


def _floors_met(
    req: PlanRequest,
    lifted: NutrientTargets,
    table: FoodTable,
    found: tuple[Problem, Solution, list[str]],
    targets: NutrientTargets,
    names: set[str],
) -> set[str]:
    """Return the floors of ``names`` (minimums of ``targets``) the plan meets every day."""
    plan = assemble(req, lifted, table, found[0], found[1])
    floors = {
        b.nutrient: b.minimum
        for b in targets.bounds
        if b.nutrient in names and b.minimum is not None
    }
    met = set(floors)
    for day in plan.days:
        totals = {t.nutrient: t.amount for t in day.totals}
        met = {n for n in met if n in totals and totals[n] >= floors[n]}
    return met
