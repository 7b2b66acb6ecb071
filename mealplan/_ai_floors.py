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

The default ``auto`` also adds floors of its own (:func:`default_floors`:
choline's AI in pregnancy and lactation, and the panel's RDAs and AIs under
a budget; :func:`auto_minimums`: the RDAs from age 1 and the AIs of
:data:`~mealplan._panel.AUTO_AI_PLANNED` from age 4), which the planner
lifts with a note (:func:`late_floor_notes`, :func:`lifted_floor_notes`)
when no plan meets them, so that a floor the caller did not ask for never
costs them their plan.

Only floors whose kind is AI are dropped: a caller's own minimum
(``bounds``, kind USER) and every RDA stay hard, and a floor the LP can
reach stays planned. When the request is still infeasible without the
unreachable floors, the planner's diagnosis explains the rest as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mealplan._models import BoundKind, Objective
from mealplan._nutrients import Nutrient, PanelMode, unit_label
from mealplan._optimiser import SolveStatus, solve
from mealplan._panel import (
    AUTO_AI_PLANNED,
    MATERNAL_NOTE,
    MATERNAL_PLANNED,
    PANEL_MINIMUMS,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from mealplan._deadline import Deadline
    from mealplan._models import (
        NutrientBound,
        NutrientTargets,
        PlanRequest,
        SolverName,
    )
    from mealplan._problem import Problem

__all__ = [
    "DEFAULT_FLOOR_FIRST_SECONDS",
    "DEFAULT_FLOOR_SEARCH_SECONDS",
    "DEFAULT_FLOOR_SHARE",
    "MATERNAL_FLOOR_SHARE",
    "RDA_RESERVE_MIN_SECONDS",
    "RDA_RESERVE_SHARE",
    "WEEK_FLOOR_SHARE",
    "WEEK_RDA_SEED_SHARE",
    "WEEK_WIDE_SEED_SHARE",
    "ai_floors",
    "auto_ais",
    "auto_minimums",
    "default_floors",
    "floors_out_of_reach",
    "late_floor_notes",
    "liftable_floors",
    "lifted_floor_notes",
    "rda_reserve",
    "without_floors",
]

DEFAULT_FLOOR_SEARCH_SECONDS = 3.0
"""Seconds the usual search after a first plan with the default's floors may take.

The first plan is in hand, so the search only improves it: unboxed, a
lactating vegetarian's day ran 6.9 s of CPU. Boxed, the slowest pregnant or
lactating day took 6.0 s of CPU in all (session 14); the first plan stands
when the search finds nothing better in the box."""

WEEK_FLOOR_SHARE = 0.5
"""Share of the time left that a plan of several days with the default's floors may take.

Such a plan has no separate first-plan step: its day-by-day seed is one.
The lactating vegan's default week had no plan in 10 s with choline's
floor (session 14); in half the time it fails the same way, the floor is
lifted with a note and the other half plans the week without it."""

DEFAULT_FLOOR_SHARE = 0.3
"""Share of the time left that a day's first plan with the default's AI floors may take.

The default ``auto`` plans choline's AI in pregnancy and lactation
(:data:`mealplan._panel.MATERNAL_PLANNED`). Most pregnant days plan with it
in 0.1-1.4 s of CPU, but a pregnant vegan with a peanut allergy took 7.3 s
(2.6 s without it), and at a 4 s limit (a loaded machine) it had no plan at
all where the plan without the floor had one: the search's gap tests
discard its early plans, while its first plan alone takes 0.3 s of solving
(session 14). So a day first asks for any plan with the floor, in this
share of the time left; when there is none, the floor is lifted with a note
and the rest of the time plans without it, as before the floor existed (a
floor the caller did not ask for never costs them their plan); when there
is one, the usual search runs with the rest and that first plan stands if
the search finds none or a worse one."""

MATERNAL_FLOOR_SHARE = 0.6
"""Share of the time left that a day's first plan with choline's AI alone may take.

In pregnancy and lactation (no budget: then the panel's RDAs are floors
too, and :data:`DEFAULT_FLOOR_SHARE` holds) choline's AI matters more than
the time it costs: a vegan woman of 31 in her third trimester found no first
plan with it in 3 s of a 10 s limit, so her plan held 227 of 450 mg, while
in 6 s she had one meeting it (457 mg, 8.2 s in all; session 32, where the
vegetarian, omnivore and lactating vegan days planned as before). The 4 s
left still plan the day without it when none comes (1-3 s on those days)."""

DEFAULT_FLOOR_FIRST_SECONDS = 10.0
"""Seconds at most that a day's first plan with the default's floors may take.

:data:`DEFAULT_FLOOR_SHARE` of a long time limit is long: a lactating vegan
girl of 14 with 120 s waited 36 s for a first plan with choline's floor that
never came, then planned without it in 6 s (session 17). Where that first
plan exists it comes in 0.1-1.4 s of CPU (session 14's pregnant and
lactating days), so a long limit buys the search after it, not more waiting;
at the default 10 s limit the share (3 s) is below this cap."""

RDA_RESERVE_SHARE = 0.15
"""Share of a day's time kept back to plan without the default's panel RDAs.

Under ``auto`` a day plans the panel's RDAs (iron, zinc, folate and the
rest) as hard minimums. Most days find a plan with them in well under a
second, but a lactating vegan of 14 found none in 10 s (exit 3: her day
with them took 44 s to a first plan, under ``limits`` 0.02 s; session 16).
So a day's search with them gets the time less this share; when it ends
with no plan, they are lifted with a note (:func:`late_floor_notes`) and the
share left plans the day without them: an RDA the caller did not ask for
never costs them their plan for want of time. A proven conflict still gets
the diagnosis, which names the nutrient."""

RDA_RESERVE_MIN_SECONDS = 3.0
"""Seconds at least (but never more than half the time left) kept back to plan
without the default's panel RDAs, where :data:`RDA_RESERVE_SHARE` is less.

At the default 10 s the share alone keeps 1.5 s, and a day's plan without
the RDAs can need about that from scratch: the vegetarian boy of 3's day
under ``limits`` needs 1.3-1.7 s of wall time (none at a 1 s limit), so when
his search under the RDAs found nothing in its 8.5 s, the 1.5 s left found
nothing either and 2 of 4 runs on a quiet machine ended without any plan
(SolverError, session 25). 3 s leaves the plan without them twice that."""


def rda_reserve(left: float) -> float:
    """Return the seconds of ``left`` kept back to plan without the default's RDAs."""
    return max(RDA_RESERVE_SHARE * left, min(RDA_RESERVE_MIN_SECONDS, left / 2))


WEEK_RDA_SEED_SHARE = 0.5
"""Share of the time left that a longer plan's seed under ``auto``'s RDAs may take.

A week searches to its time limit improving its seed (its first plan), so
only the seed is bounded. The vegan boy of 16's default week had no plan in
10 s under the RDAs (its seed takes 7.5 s there, 0.9 s under ``limits``),
nor the lactating vegan girl of 14's 3-day plan: with no seed by this share,
the RDAs are lifted with a note and the rest of the time plans without them
(session 16)."""

WEEK_WIDE_SEED_SHARE = 0.6
"""Share of the time then left for the seed with foods allowed on every day.

After the seed under the default variety rule used its share (half the
time) with no plan, the same RDAs are sought with the rule widened
(:func:`mealplan._floor_search._widened_week`); the rest of the time is
kept for lifting them if that finds no seed either. The widened seeds of
the default weeks took 0.35 s (the vegan girl of 8) and 0.21 s (the
lactating vegan of 32); the vegan boy of 16 had none, and his RDAs were
lifted in the time left (his seed without them: 0.13 s). A toddler's
day-plan takes 1.3-4 s under the RDAs: at 0.4 (2 s at 10 s) 18 of 24
toddlers' 3-day plans planned, at 0.6 (3 s) 21, none lifting an RDA, where
15 planned and 4 lifted before (session 38,
``benchmarks/weeks_widened_ab_latest.md``). With her choline
floor too, the lactating vegan's widened seed found none in 2 s, so a
mother's floor is lifted as before and only the RDAs' search widens."""

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


def default_floors(req: PlanRequest, targets: NutrientTargets) -> set[str]:
    """Return the floors ``targets`` holds because the default ``auto`` adds them.

    Choline's AI in pregnancy and lactation; with a daily budget or the cost
    objective, also every panel RDA (iron, zinc, folate and the rest) and
    the AIs ``auto`` plans (:func:`auto_minimums`): a $3-4 day under hard RDAs ran to the 10 s clock
    (``benchmarks/panel_auto_latest.md``), so under a budget they are
    planned where it allows and lifted with a note where it does not, never
    costing the plan. Never a bound the caller set themselves (theirs: hard,
    never lifted), nor the focus four's, protein's or energy's.
    """
    person = req.person
    if req.panel is not PanelMode.AUTO or person is None:
        return set()
    names: set[str] = set()
    if person.pregnancy or person.lactation:
        maternal = {n.value for n in MATERNAL_PLANNED}
        names |= {b.nutrient for b in ai_floors(targets) if b.nutrient in maternal}
    if req.budget_per_day is not None or req.objective is Objective.COST:
        names |= auto_minimums(req, targets)
    return names - set(req.bounds)


def liftable_floors(req: PlanRequest, targets: NutrientTargets) -> set[str]:
    """Return the floors the planner lifts, with a note, when no plan meets them.

    The default's floors (:func:`default_floors`: a mother's choline, and
    under a budget the RDAs and AIs ``auto`` adds) and, without a budget
    too, the AIs ``auto`` adds (:func:`auto_ais`). Not the RDAs without a
    budget: those are lifted only for want of time, never for a conflict.
    """
    return default_floors(req, targets) | auto_ais(req, targets)


def auto_minimums(req: PlanRequest, targets: NutrientTargets) -> set[str]:
    """Return the panel minimums ``targets`` plans because the default ``auto`` does.

    Iron, zinc, folate and the rest where the person's value is an RDA, and
    the AIs of :data:`~mealplan._panel.AUTO_AI_PLANNED` (:func:`auto_ais`);
    never a bound the caller set (``bounds``) nor one of an explicit panel
    mode.
    """
    panel = {n.value for n in PANEL_MINIMUMS}
    return _auto_bounds(req, targets, panel, BoundKind.RDA) | auto_ais(req, targets)


def auto_ais(req: PlanRequest, targets: NutrientTargets) -> set[str]:
    """Return the AI minimums ``targets`` plans because the default ``auto`` does.

    Those of :data:`~mealplan._panel.AUTO_AI_PLANNED` (manganese,
    pantothenic acid, linoleic and alpha-linolenic acid) that still carry
    their AI; never a bound the caller set.
    """
    ais = {n.value for n in AUTO_AI_PLANNED}
    return _auto_bounds(req, targets, ais, BoundKind.AI)


def _auto_bounds(
    req: PlanRequest, targets: NutrientTargets, nutrients: set[str], kind: BoundKind
) -> set[str]:
    """Minimums of ``nutrients`` of ``kind`` that ``auto`` (not the caller) set."""
    if req.panel is not PanelMode.AUTO or req.person is None:
        return set()
    names = {
        b.nutrient
        for b in targets.bounds
        if b.nutrient in nutrients and b.minimum is not None and b.minimum_kind is kind
    }
    return names - set(req.bounds)


def late_floor_notes(
    targets: NutrientTargets,
    names: set[str],
    seconds: float,
    *,
    kept: set[str] | None = None,
) -> list[str]:
    """Say that the default's floors were lifted for want of time, and how to keep them.

    ``kept``: floors of the same set that stay planned because the first plan
    without them met them anyway (the note says how many).
    """
    one = _one(targets, names)
    still = (
        f"; the other {len(kept)} such minimums, which the plan meets, stay planned"
        if kept
        else ""
    )
    return _lift_note(
        targets,
        names,
        (
            "no plan meeting every RDA and AI the default plans"
            if kept
            else f"no plan meeting {'it' if one else 'them all'}"
        )
        + f" was found within {seconds:.1f} s, so this plan is the best without "
        f"{'it and the shortfall is' if one else 'them and any shortfall is'} "
        f"reported{still}; raise time_limit, or set "
        f"{'it' if one else 'one'} with bounds to make it a hard minimum",
    )


def lifted_floor_notes(
    targets: NutrientTargets,
    names: set[str],
    *,
    budgeted: bool,
    kept: set[str] | None = None,
) -> list[str]:
    """Say that no plan within the other bounds meets the default's floors together.

    Proven by the solver (the request with them is infeasible, without them
    it has a plan), so the plan is the best without them; under a budget the
    budget is what to raise. ``kept``: floors of the same set that stay
    planned because a plan without any of them met them (what was proven
    is that not all of ``names | kept`` fit at once).
    """
    one = _one(targets, names)
    where = " (the budget among them)" if budgeted else ""
    fix = "raise the budget, or " if budgeted else ""
    if kept:
        return _lift_note(
            targets,
            names,
            f"no plan within the other bounds{where} meets every RDA and AI the "
            f"default plans at once; a first plan within them missed "
            f"{'this one' if one else 'these'}, so this plan is the best without "
            f"{'it' if one else 'them'} and any shortfall is reported; the "
            f"other {len(kept)} such minimums, which that plan met, stay "
            f"planned; {fix}set {'it' if one else 'one'} with bounds to make it "
            "a hard minimum",
        )
    return _lift_note(
        targets,
        names,
        f"no plan within the other bounds{where} meets "
        f"{'it' if one else 'every such minimum at once'}, so this plan is the "
        f"best without {'it' if one else 'them'} and any shortfall is "
        f"reported; {fix}set {'it' if one else 'one'} with bounds to make it "
        "a hard minimum",
    )


def _one(targets: NutrientTargets, names: set[str]) -> bool:
    return sum(b.nutrient in names for b in targets.bounds) == 1


def _lift_note(targets: NutrientTargets, names: set[str], why: str) -> list[str]:
    """One note naming every lifted floor ("iron RDA of 18 mg/day, ...") and why."""
    items = [
        f"{Nutrient(b.nutrient).label} {b.minimum_kind.value} of {b.minimum:g} "
        f"{unit_label(b.unit)}/day"
        for b in targets.bounds
        if b.nutrient in names and b.minimum is not None and b.minimum_kind is not None
    ]
    return [f"{', '.join(items)} not planned: {why}"] if items else []


def without_floors(targets: NutrientTargets, names: set[str]) -> NutrientTargets:
    """Return ``targets`` with the minimums of ``names`` lifted (maximums kept).

    The note that says the default plans choline in pregnancy goes with
    choline's floor.
    """
    bounds = []
    for bound in targets.bounds:
        if bound.nutrient in names:
            bound = bound.model_copy(
                update={
                    "minimum": None,
                    "minimum_kind": None,
                    # Lifted for one of several reasons (out of reach on
                    # the allowed foods, a budget that cannot buy it, no plan
                    # found in time): the note says which. "Out of reach"
                    # here contradicted a note that said time ran out.
                    "source": f"{bound.source}; minimum not planned (the plan's "
                    "notes say why)",
                }
            )
            if bound.maximum is None:
                continue
        bounds.append(bound)
    maternal = {n.value for n in MATERNAL_PLANNED}
    notes = [n for n in targets.notes if not (n == MATERNAL_NOTE and names & maternal)]
    return targets.model_copy(update={"bounds": bounds, "notes": notes})


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
        f"{label} AI of {bound.minimum:g} {unit_label(bound.unit)}/day not planned: it cannot "
        f"be met on the allowed foods, which give at most {reach:.4g} {unit_label(bound.unit)} "
        "a day within the other bounds (the LP relaxation's maximum, an upper "
        "bound on any plan), so the shortfall is reported instead; an AI is not "
        "a requirement (IOM 2000); set it with bounds to make it a hard minimum"
    )
