"""Diagnosis: why a request has no plan, and what to change.

:func:`diagnose` runs a deletion filter over the request's constraint groups
(each solve a proof or, under the deadline, an assumption that says so),
starting from a proven conflict where one is known (a base no day does
without, a nutrient too few foods can reach); :func:`raise_infeasible`
raises :class:`~mealplan.InfeasiblePlanError` with the
:class:`~mealplan.Diagnosis` and its verified advice (:mod:`mealplan._advice`).
Split from :mod:`mealplan._planner`, which calls it when a solve is infeasible.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from mealplan._advice import with_advice
from mealplan._catalog import FoodTable
from mealplan._conflict_words import safety_conflicts, safety_sentence
from mealplan._cover import conflict_start, shortfalls
from mealplan._cover import relaxation as cover_relaxation
from mealplan._deadline import Deadline
from mealplan._diagnose_words import conflict_words, label_of, message_of, unit_of
from mealplan._errors import InfeasiblePlanError
from mealplan._hot_lp import HotRelaxation
from mealplan._models import (
    Conflict,
    Diagnosis,
    NutrientPeriod,
    NutrientTargets,
    PlanRequest,
    SolverName,
)
from mealplan._norepeat import repeats, with_cuts
from mealplan._optimiser import Solution, SolveStatus, solve
from mealplan._problem import (
    ConstraintGroup,
    GroupKind,
    Problem,
    Restrictions,
    build_problem,
    default_max_days,
    row_only,
    without_rows,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Collection


__all__ = ["diagnose", "raise_infeasible", "separable"]


def raise_infeasible(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    *,
    restrictions: Restrictions | None = None,
    reject: Sequence[tuple[int | None, int | None, str]] = (),
    needed: Sequence[str] = (),
) -> NoReturn:
    advice = restrictions is None and not reject

    def conflicts() -> Diagnosis:
        # With advice to follow, the search ends early enough to leave the
        # advice its share of the request's own limit.
        # (A part of the request's deadline: its clock and its end.)
        search = deadline.sub(_SEARCH_SHARE) if advice else deadline
        return diagnose(
            req,
            targets,
            table,
            restrictions=restrictions,
            reject=reject,
            deadline=search,
            # The advice measures each change on the whole request; the
            # conflict-only optimum would only be overwritten.
            measure=not advice,
            needed=needed,
        )

    # The advice hook (mealplan._advice): one call. It re-plans the whole
    # request, so it applies to plan() only, not to a regenerated day.
    if advice:
        diagnosis = with_advice(req, table, conflicts, deadline=deadline)
    else:
        diagnosis = conflicts()
    raise InfeasiblePlanError(diagnosis.message, diagnosis)


def _solve_without(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    disabled: Collection[ConstraintGroup],
    restrictions: Restrictions | None,
    reject: Sequence[tuple[int | None, int | None, str]],
    goal: tuple[str, str],
    mip_gap: float,
    deadline: Deadline,
    node_limit: int | None = None,
    built: Callable[[Collection[ConstraintGroup]], Problem] | None = None,
) -> Solution:
    """Solve the request with some constraint groups switched off (diagnosis).

    ``built``: returns the hard problem with groups off (derived, not rebuilt).
    """
    if deadline.expired:
        # Before building: dozens of checks each building a model would
        # run the diagnosis seconds past the request's limit.
        return Solution(SolveStatus.NO_SOLUTION, solver_status="deadline")
    # The diagnosis asks about the hard constraints: no shortfall slacks.
    hard = dataclasses.replace(restrictions or Restrictions(), hard=True)
    problem = (
        built(disabled)
        if built is not None
        else build_problem(
            req, targets, table, disabled=disabled, reject=reject, restrictions=hard
        )
    )
    return solve(
        problem,
        solver=req.solver,
        mip_gap=mip_gap,
        goal=goal,
        deadline=deadline,
        node_limit=node_limit,
    )


def diagnose(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    *,
    restrictions: Restrictions | None = None,
    reject: Sequence[tuple[int | None, int | None, str]] = (),
    deadline: Deadline | None = None,
    measure: bool = True,
    needed: Sequence[str] = (),
) -> Diagnosis:
    """Find a smallest set of the request's constraint groups that conflict.

    ``needed``: the food ids of a base no day of a multi-day request has a
    plan without, allowed on fewer days than the plan has
    (:class:`~mealplan._weekly_seed.NoRotation`). Then why no day does
    without it is one day's conflict, found on the day's model with the base
    banned; with the variety rule it is a conflict of the whole plan (each
    day is that day, so each day holds the base), and the filter starts
    from it instead of from every group of the plan.

    With ``measure``, each conflict's relaxation says how far its bound can go
    with the other conflicting groups (one optimisation each); the advice
    does without, as it measures the change on the whole request.

    A deletion filter: every group is dropped in turn, and stays dropped if
    the rest is still infeasible. What remains is irreducible: removing any
    one of its groups makes the request feasible (each was checked), unless
    the deadline stopped a check; then ``minimal`` is false and the groups
    left unchecked are kept (their necessity assumed, not proven).
    """
    clock = deadline if deadline is not None else Deadline(req.time_limit)
    if restrictions is None and not reject and separable(req):
        # A multi-day plan whose single day already has no plan: the day's
        # conflict is the plan's (every group but the variety rules acts on
        # each day alone, and the day has no variety rules), and it is found
        # on a model a seventh the size.
        day = req.model_copy(update={"days": 1})
        full = _solve_without(
            day, targets, table, (), None, (), ("min", "none"), 0.05, clock
        )
        if full.status is SolveStatus.INFEASIBLE:
            found = diagnose(day, targets, table, deadline=clock, measure=measure)
            return found.model_copy(
                update={"message": message_of(found.conflicts, req)}
            )
    checker = _Checker(req, targets, table, restrictions, reject, clock)
    whole = checker.built(())
    groups = whole.groups
    daily = (
        _needed_start(req, targets, table, groups, needed, clock)
        if needed and restrictions is None and not reject and separable(req)
        else None
    )
    # Too few foods for a need (mealplan._cover): the filter starts from the
    # few groups that proof rests on, its checks mostly with no solve.
    cover = _cover_start(whole, groups, checker.check) if daily is None else daily
    kept, assumed = _deletion_filter(checker, groups, cover)
    conflict = _Found(
        req, targets, table, tuple(kept), tuple(groups), restrictions, reject
    )
    conflicts = [_conflict(g, conflict, clock, measure) for g in kept]
    conflicts = [
        c.model_copy(update={"proven": False}) if g in assumed else c
        for g, c in zip(kept, conflicts, strict=True)
    ]
    conflicts = _cover_words(
        conflicts, conflict, checker.built(set(groups) - set(kept))
    )
    # A life-stage safety rule is no group the search may drop: name it when
    # its foods would let the conflict plan.
    safety = (
        safety_conflicts(req, targets, table, kept, groups, clock)
        if restrictions is None and not reject and kept
        else []
    )
    if daily is not None:
        # Say why the variety rule conflicts: every day needs one base.
        why = _needed_words(req, table, needed)
        conflicts = [
            c.model_copy(update={"description": f"{c.description} ({why})"})
            if c.constraint == "variety"
            else c
            for c in conflicts
        ]
    message = message_of(conflicts, req)
    if safety:
        message += " " + safety_sentence(safety, table)
    return Diagnosis(
        message=message, conflicts=conflicts, minimal=not assumed, safety=safety
    )


class _Checker:
    """The deletion filter's checks: is the request infeasible with some groups off.

    Each set of column groups off is built once (a handful); each check's
    nutrient bounds, AMDR shares, food cap and budget are dropped from it
    (mealplan._problem.without_rows: the same problem, 10-40 ms less per
    check). A seed's penalty charges would not be told apart.
    """

    def __init__(
        self,
        req: PlanRequest,
        targets: NutrientTargets,
        table: FoodTable,
        restrictions: Restrictions | None,
        reject: Sequence[tuple[int | None, int | None, str]],
        clock: Deadline,
    ) -> None:
        self.req, self.targets, self.table = req, targets, table
        self.restrictions, self.reject, self.clock = restrictions, reject, clock
        self.hard = dataclasses.replace(restrictions or Restrictions(), hard=True)
        self.bases: dict[frozenset[ConstraintGroup], Problem] = {}
        self.screens: dict[frozenset[ConstraintGroup], HotRelaxation] = {}
        self.once: set[frozenset[ConstraintGroup]] = set()
        self.share = 1.0
        """Of the time left, what the next check may take (the deletion filter
        gives each group left an equal part, at least _CHECK_SHARE)."""
        self.timed = False
        """Whether the last check ran out of its time (not of its node limit)."""

    def columns(
        self, disabled: Collection[ConstraintGroup]
    ) -> frozenset[ConstraintGroup]:
        return (
            frozenset(disabled)
            if self.hard.penalty
            else frozenset(g for g in disabled if not row_only(g))
        )

    def built(self, disabled: Collection[ConstraintGroup]) -> Problem:
        """Return the request's problem with ``disabled`` off (see the class)."""
        cols = self.columns(disabled)
        if cols not in self.bases:
            self.bases[cols] = build_problem(
                self.req,
                self.targets,
                self.table,
                disabled=cols,
                reject=self.reject,
                restrictions=self.hard,
            )
        return without_rows(self.bases[cols], disabled)

    def screened(self, disabled: Collection[ConstraintGroup]) -> bool:
        """Whether the hot LP screen proves the check infeasible (mealplan._hot_lp)."""
        if (
            self.hard.penalty
            or self.req.solver is not SolverName.HIGHS
            or self.clock.expired
        ):
            return False
        problem = self.built(disabled)
        if problem.impossible or shortfalls(problem):
            return False  # solve() says so without a solver call
        cols = self.columns(disabled)
        if cols not in self.screens:
            # From a base's second check on: a base checked once (the woman
            # of 73's three, the vegan day's four, all LP-feasible) would pay
            # for its screen and then solve its LP again (CPU +10 %).
            if cols not in self.once:
                self.once.add(cols)
                return False
            self.screens[cols] = HotRelaxation(self.bases[cols])
        return self.screens[cols].infeasible(disabled, self.clock)

    def check(self, disabled: Collection[ConstraintGroup]) -> SolveStatus:
        """Return whether the request is feasible with ``disabled`` off.

        With the variety rule on, a plan that repeats a meal that may be
        empty (the no-repeat rule is lazy there: mealplan._norepeat) is cut
        off and the check asked again, as plan() does: two days that can
        only be alike have no plan, though the model without the cuts has.
        """
        self.timed = False
        if self.screened(disabled):
            return SolveStatus.INFEASIBLE
        # A check whose root alone outlasts its node limit (s00024's 2-day
        # checks: 11 s at the root of a 409-column restriction) must not take
        # the time of the checks after it: cut short, its group is kept,
        # assumed rather than proven. Its cuts' solves share that part.
        clock = self.clock if self.share >= 1.0 else self.clock.sub(self.share)
        solution = self._solve(disabled, self.built, clock)
        problem: Problem | None = None
        while (
            _VARIETY not in disabled
            and solution.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
            and solution.units
        ):
            base = problem if problem is not None else self.built(disabled)
            cut = with_cuts(base, repeats(base, solution.units))
            if len(cut.not_same) == len(base.not_same):
                break
            problem = cut
            solution = self._solve(disabled, _fixed(cut), clock)
        self.timed = solution.time_limited
        return solution.status

    def _solve(
        self,
        disabled: Collection[ConstraintGroup],
        built: Callable[[Collection[ConstraintGroup]], Problem],
        clock: Deadline,
    ) -> Solution:
        return _solve_without(
            self.req,
            self.targets,
            self.table,
            disabled,
            self.restrictions,
            self.reject,
            ("min", "none"),
            0.05,
            clock,
            # An effort limit, not a time limit: a check left open is the
            # same one at any load (kept, its necessity assumed).
            _CHECK_NODES,
            built,
        )


def _fixed(problem: Problem) -> Callable[[Collection[ConstraintGroup]], Problem]:
    """Return a ``built`` that gives ``problem`` (a cut one) whatever is off."""

    def built(_: Collection[ConstraintGroup]) -> Problem:
        return problem

    return built


def _deletion_filter(
    checker: _Checker,
    groups: Sequence[ConstraintGroup],
    cover: list[ConstraintGroup] | None,
) -> tuple[list[ConstraintGroup], set[ConstraintGroup]]:
    """Return the groups that conflict, and those whose necessity is only assumed.

    ``cover``: the groups to start from (a proof of too few foods, or one
    day's conflict), else every group.
    """
    kept = sorted(groups, key=lambda g: g.order)
    # First drop whole classes at once (all nutrient minimums, all AMDR
    # shares...): most are usually irrelevant, and one solve settles them.
    classes: dict[GroupKind, list[ConstraintGroup]] = {}
    for g in kept if cover is None else ():
        classes.setdefault(g.kind, []).append(g)
    kept = kept if cover is None else cover
    # A class's check takes a group's part: one left in place is checked
    # group by group below.
    checker.share = max(1.0 / (len(kept) + 1), _CHECK_SHARE)
    for members in classes.values():
        if len(members) > 1:
            trial = [g for g in kept if g not in members]
            if checker.check(set(groups) - set(trial)) is SolveStatus.INFEASIBLE:
                kept = trial
    assumed: set[ConstraintGroup] = set()
    again: list[ConstraintGroup] = []
    order = list(kept)
    for k, group in enumerate(order):
        checker.share = max(1.0 / (len(order) - k), _CHECK_SHARE)
        trial = [g for g in kept if g != group]
        status = checker.check(set(groups) - set(trial))
        if status is SolveStatus.INFEASIBLE:
            kept = trial
        elif status is SolveStatus.NO_SOLUTION:
            # Out of time: kept, its necessity assumed rather than proven.
            assumed.add(group)
            if checker.timed:
                again.append(group)
    for group in again:
        # Cut short by its part of the time (not by its node limit, which
        # gives the same answer at any load): asked again with what the
        # quicker checks after it left (all of it, one at a time). Necessity
        # proven on the smaller set holds: dropping a group after others
        # were dropped with it in place only removes constraints.
        checker.share = 1.0
        if checker.clock.expired:
            break
        trial = [g for g in kept if g != group]
        status = checker.check(set(groups) - set(trial))
        if status is SolveStatus.INFEASIBLE:
            kept = trial
        if status is not SolveStatus.NO_SOLUTION:
            assumed.discard(group)
    return kept, assumed


def _needed_start(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    groups: Sequence[ConstraintGroup],
    needed: Sequence[str],
    clock: Deadline,
) -> list[ConstraintGroup] | None:
    """Return a conflict of the plan from one day's: why no day does without ``needed``.

    One day with every form of the base banned has no plan (the seed proved
    it); the groups of that day's conflict keep every day from doing without
    the base, and the variety rule allows it on fewer days than the plan
    has: together they have no plan (a proof, with no solve of the plan's
    model). None: no such day conflict was found.
    """
    day = req.model_copy(update={"days": 1})
    within = diagnose(
        day,
        targets,
        table,
        reject=[(None, None, f) for f in needed],
        deadline=clock,
        measure=False,
    )
    names = {c.constraint for c in within.conflicts}
    by_name = {g.name: g for g in groups}
    variety = [g for g in groups if g.kind is GroupKind.VARIETY]
    if not names or not variety or not names <= set(by_name):
        return None
    return sorted({*(by_name[n] for n in names), *variety}, key=lambda g: g.order)


def _needed_words(req: PlanRequest, table: FoodTable, needed: Sequence[str]) -> str:
    """Say which food every day needs, against the days the variety rule allows."""
    names = {
        f: " ".join(n.split())  # one line, whatever a table holds
        for f, n in zip(table.ids, table.texts("name"), strict=True)
    }
    food = names.get(needed[0], needed[0]) if needed else "one food"
    limit = req.max_days_per_food or default_max_days(req.days)
    other = " (or another form of it)" if len(needed) > 1 else ""
    return (
        f"no single day has a plan without {food}{other}, which may be on "
        f"only {limit} of the {req.days} days"
    )


def _cover_start(
    whole: Problem,
    groups: Sequence[ConstraintGroup],
    check: Callable[[Collection[ConstraintGroup]], SolveStatus],
) -> list[ConstraintGroup] | None:
    """Return the groups of a too-few-foods proof (mealplan._cover), checked, or None.

    Else the groups the problem is impossible with before any solve, checked.

    ``whole``: the hard problem with every group on.
    """
    start = conflict_start(whole)
    if start is None and whole.impossible:
        # Groups impossible together before any solve (fish included past a
        # weekly cap: mealplan._week_caps.forced_conflicts), once checked.
        start = list(whole.impossible)
    if start is None or check(set(groups) - set(start)) is not SolveStatus.INFEASIBLE:
        return None
    return sorted(start, key=lambda g: g.order)


@dataclasses.dataclass(frozen=True)
class _Found:
    """A conflict the deletion filter found, and the request it was found in."""

    req: PlanRequest
    targets: NutrientTargets
    table: FoodTable
    kept: tuple[ConstraintGroup, ...]
    """The conflict's groups."""
    groups: tuple[ConstraintGroup, ...]
    """Every group of the request."""
    restrictions: Restrictions | None
    reject: Sequence[tuple[int | None, int | None, str]]


def _cover_words(
    conflicts: list[Conflict], found: _Found, problem: Problem
) -> list[Conflict]:
    """Say which need too few foods miss, when the conflict is that proof's.

    ``problem``: the hard problem with every group but the conflict's off.
    """
    table, kept = found.table, found.kept
    short = shortfalls(problem)
    named = {s.group.name: s for s in short if s.more_foods_help}
    if not short or not any(c.constraint in named for c in conflicts):
        return conflicts
    names = {
        f: " ".join(n.split())  # one line, whatever a table holds
        for f, n in zip(table.ids, table.texts("name"), strict=True)
    }
    out = []
    for c in conflicts:
        s = named.get(c.constraint)
        if s is not None and not c.relaxation.startswith("With the other"):
            text = cover_relaxation(
                s,
                unit_of(table, s.nutrient),
                label_of(s.nutrient),
                [names.get(f, f) for f in s.sources],
                [g.name for g in kept],
            )
            c = c.model_copy(update={"relaxation": text})
        out.append(c)
    return out


_VARIETY = ConstraintGroup.parse("variety")
"""The group of the no-repeat rule's cuts (mealplan._norepeat.cut_rows)."""

_CHECK_NODES = 2000
"""Branch-and-bound nodes a conflict check may take before its group is kept
unproven; LP-infeasible checks (most of them) need none."""

_CHECK_SHARE = 0.25
"""The least share of the time left one check may take: an equal part of
the groups left, but no less (with 1/30 each, the 3-foods day's checks were
cut short at load 13 and a need whose check was cut stayed in the conflict,
unproven, in place of vitamin D's)."""

_SEARCH_SHARE = 0.75
"""Share of the time left when the conflict search starts that it may use
before the advice (the rest is the advice's, within the request's limit).
s00024 (a woman of 88, 2 days, fish, shellfish and milk allergies, 30 s):
the search used it all and the advice ran past the limit (33-34 s)."""


def separable(req: PlanRequest) -> bool:
    """Whether each day of ``req`` is one day's request (no day-specific rules)."""
    return (
        req.days > 1
        and req.nutrient_period is NutrientPeriod.DAILY
        and not any(p.days for p in req.pins)
        and not any(b.days for b in req.bans)
    )


def _conflict(
    typed: ConstraintGroup,
    found: _Found,
    deadline: Deadline,
    measure: bool = True,
) -> Conflict:
    """Return the group's conflict, measured with the conflict's other groups only.

    ``measure`` False: the words alone (no solve; the first answer of a
    diagnosis under a short deadline).
    """
    req, targets, table = found.req, found.targets, found.table

    def best(goal: tuple[str, str]) -> float | None:
        if not measure:
            return None
        others = [g for g in found.kept if g != typed]
        disabled = set(found.groups) - set(others)
        sol = _solve_without(
            req,
            targets,
            table,
            disabled,
            found.restrictions,
            found.reject,
            goal,
            1e-3,
            deadline,
        )
        if (
            sol.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
            and sol.objective is not None
        ):
            return sol.objective / max(req.days, 1)
        return None

    return conflict_words(typed, req, targets, table, best)
