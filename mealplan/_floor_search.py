"""The default's floors searched for, never losing the plan to them.

The default ``auto`` adds floors the caller never asked for: the panel's
RDAs and some AIs (:func:`~mealplan._ai_floors.auto_minimums`), choline's AI
in pregnancy and lactation and the RDAs under a budget
(:func:`~mealplan._ai_floors.default_floors`). :func:`with_default_floors`
and :func:`search_or_lift_rdas` plan with them in a share of the request's
time; a plan without them (with a note naming those lifted) stands only
when none with them is found in time or none exists. A longer plan under
the default variety rule first lets foods recur on more days
(:func:`_widened_week`) before it lifts any. Split from :mod:`mealplan._planner`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mealplan import _plan_search as plan_search
from mealplan._ai_floors import (
    DEFAULT_FLOOR_FIRST_SECONDS,
    DEFAULT_FLOOR_SEARCH_SECONDS,
    DEFAULT_FLOOR_SHARE,
    MATERNAL_FLOOR_SHARE,
    WEEK_FLOOR_SHARE,
    WEEK_RDA_SEED_SHARE,
    WEEK_WIDE_SEED_SHARE,
    auto_minimums,
    late_floor_notes,
    lifted_floor_notes,
    rda_reserve,
    without_floors,
)
from mealplan._errors import SolverError
from mealplan._models import NutrientTargets, Objective, PlanRequest, SolverName
from mealplan._optimiser import Solution, SolveStatus
from mealplan._panel import MATERNAL_PLANNED
from mealplan._problem import Problem
from mealplan._results import assemble
from mealplan._sources import widen_variety_for_sole_sources

if TYPE_CHECKING:
    from collections.abc import Callable

    from mealplan._catalog import FoodTable
    from mealplan._deadline import Deadline

__all__ = [
    "search_or_lift_rdas",
    "searched_as",
    "widened_rule",
    "with_default_floors",
]

_Found = tuple[NutrientTargets, Problem, Solution, list[str], list[str]]
"""The targets planned, the plan's problem and solution, its notes and floor notes."""


def with_default_floors(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
    names: set[str],
) -> _Found:
    """Plan with the floors the default adds, never losing the plan to them.

    The floors (:func:`~mealplan._ai_floors.default_floors`): choline's AI in
    pregnancy and lactation, the panel's RDAs under a budget. A day: first
    any plan with the floors (its first plan, ``mip_gap`` 1) in a share of
    the time; none in time, or none at all (proven infeasible: a budget
    that cannot buy them), and the floors are lifted with a note and the
    rest of the time plans without them. Then the usual search with the
    floors, boxed; out of time without a plan, or with a worse one, the
    first plan stands (:data:`~mealplan._ai_floors.DEFAULT_FLOOR_SHARE`).
    Several days: the usual search with the floors in half the time
    (:data:`~mealplan._ai_floors.WEEK_FLOOR_SHARE`); no seed by then, and,
    under the default variety rule, a seed with foods allowed on every day
    by the end of that half (:func:`_widened_week`, its search then to the
    request's limit); none either, and the floors are lifted for the rest.
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
            # A longer plan with no seed in the share goes on to lift the
            # floors at once: a whole-plan search from nothing rarely finds
            # one, and lifting them takes its time (a lactating vegan's
            # week spent 3.1 s on a day-by-day seed after her rotation's
            # conflict, session 39).
            else plan_search.search(req, targets, table, share, wider, seed_by=share)
        )
    except SolverError:
        if deadline.expired:
            raise
        # A longer plan lets foods recur before it lifts the floors, as for
        # the RDAs (_widened_week): a lactating vegan's week met her choline
        # AI with foods allowed on every day, in the floors' share.
        # Its seed by the end of the floors' share; found, the search then
        # improves it to the request's limit, as any week's does.
        widened = _widened_week(req, targets, table, deadline, wider, seed_by=share)
        if widened is not None:
            return (targets, *widened, [])
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
) -> _Found:
    """Plan the request in the time left with the default's floors lifted."""
    targets = without_floors(targets, names)
    wider, _ = widen_variety_for_sole_sources(req, targets, table)
    return search_or_lift_rdas(req, targets, table, deadline, wider, notes)


def search_or_lift_rdas(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
    notes: list[str],
) -> _Found:
    """Search with the default's panel RDAs, never losing the plan to them for time.

    A day's search gets the time less
    :func:`~mealplan._ai_floors.rda_reserve` (its CPU box ends most days long
    before); a longer plan's first plan (its seed) gets
    :data:`~mealplan._ai_floors.WEEK_RDA_SEED_SHARE` of it, and its search the
    rest. A longer plan with no seed by then under the default variety rule
    is planned again with foods allowed on every day (:func:`_widened_week`).
    Ended with no plan, the RDAs and AIs the default added are lifted
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
    widened = _widened_week(req, targets, table, deadline, wider)
    if widened is not None:
        return (targets, *widened, notes)
    return _keep_what_a_plan_meets(
        req,
        targets,
        table,
        deadline,
        names,
        notes,
        lambda unmet, kept: late_floor_notes(targets, unmet, seconds, kept=kept),
    )


def _widened_week(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
    *,
    seed_by: Deadline | None = None,
) -> tuple[Problem, Solution, list[str]] | None:
    """Plan a longer plan's RDAs again with foods allowed on every day, or None.

    Under the default variety rule (a food on at most half the days) the
    seed of two day-plans in rotation needs two days without a food in
    common, each meeting the whole panel: a vegan girl of 8's week found
    none in its share (5 s), the RDAs were lifted and the week went short
    of 18 mg of iron a day, where with foods allowed on every day its seed
    came in 0.4 s and the week met every RDA (``benchmarks/weeks_default.py``:
    RDAs lifted on 5 of 14 default weeks before, 2 after; session 38). A
    nutrient need outranks variety, so the rule yields first, with a note
    naming the foods that recur beyond it; no meal still repeats the day
    before. Only the default rule yields (a caller's own
    ``max_days_per_food`` is theirs), in
    :data:`~mealplan._ai_floors.WEEK_WIDE_SEED_SHARE` of the time left so
    that lifting still has time after it (``seed_by``: the seed's own
    deadline instead, for the floors' share). Returns the problem (its rule
    widened: :func:`widened_rule`), solution and variety notes; None: no
    seed in that share either. The plan's note is written as it is
    assembled (:func:`~mealplan._sources.widened_week_note`).
    """
    if req.days < 2 or req.max_days_per_food is not None or deadline.expired:
        return None
    loose = req.model_copy(update={"max_days_per_food": req.days})
    if seed_by is None:
        seed_by = deadline.part(WEEK_WIDE_SEED_SHARE * deadline.left())
    if seed_by.expired:
        return None
    try:
        problem, solution, needed = plan_search.search(
            loose, targets, table, deadline, wider, seed_by=seed_by
        )
    except SolverError:
        if deadline.expired:
            raise
        return None
    return problem, solution, needed


def widened_rule(req: PlanRequest, problem: Problem) -> bool:
    """Whether ``problem`` is ``req``'s with its default variety rule yielded."""
    return (
        req.days > 1
        and req.max_days_per_food is None
        and problem.max_days_per_food == req.days
    )


def searched_as(req: PlanRequest, problem: Problem) -> PlanRequest:
    """Return the request ``problem`` was searched under (its rule yielded, or as is)."""
    if widened_rule(req, problem):
        return req.model_copy(update={"max_days_per_food": req.days})
    return req


def _keep_what_a_plan_meets(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    names: set[str],
    notes: list[str],
    lift_notes: Callable[[set[str], set[str]], list[str]],
) -> _Found:
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
