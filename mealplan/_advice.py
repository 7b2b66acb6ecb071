"""Advice for a request that has no plan, verified on the whole request.

The diagnosis names a set of the request's constraint groups in conflict. For
each group, :func:`advise` searches the smallest change of that group alone
that makes the *whole* request plannable, judged by the oracle
(:class:`~mealplan._oracle.Oracle`: the very problem :func:`mealplan.plan`
builds for the patched request, solved for a plan meeting every constraint,
so the advice holds for exactly what the user will run next):

- a number is found by one optimisation where one answers it (the cheapest
  whole plan for the budget, the fewest foods for max_foods, the most of a
  nutrient for a one-day minimum), otherwise (max_days_per_food, a week's
  nutrient bound, the energy range) moved by a galloping or bisection search
  between its value and the furthest value allowed, which is never beyond a
  safety limit (a UL or CDRR is never raised, a user's own maximum only up to
  the UL) nor outside what the API accepts;
- a list (exclude, include, pins, bans) is shrunk by a deletion filter to the
  fewest entries to drop;
- a switch (portion_limits, macro_limits, allow_fortified, diet) is tried.

Allergies and life-stage food-safety rules are never relaxed. Each group's
search gets an equal share of the time left. When no single group helps, a minimal
combination of groups that gives a plan is reported instead, each of its
changes made as small as it can be with the others in place.
Every suggestion carries a JSON merge patch (RFC 7386, :func:`merge_patch`)
and the CLI flags that apply it; it is *verified* when a plan was found with
the patch applied. Oracle solves are budgeted against a deadline: a search
cut short keeps the best verified value (``smallest=False``), or reports its
candidate as unverified.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mealplan._advice_supplements import supplement_advice, too_young_note
from mealplan._conflict_words import conflict_head, safety_sentence
from mealplan._errors import MealPlanError
from mealplan._models import (
    BoundKind,
    Conflict,
    Diagnosis,
    NutrientBound,
    PlanRequest,
    Suggestion,
)
from mealplan._oracle import ORACLE, Oracle, merge_patch, oracle_mode
from mealplan._relax import (
    LISTS,
    Context,
    Found,
    full_relaxation,
    relax_group,
    suggest,
)

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable
    from mealplan._deadline import Deadline


__all__ = ["advise", "merge_patch", "oracle_mode", "with_advice"]


def _joined(patches: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Join merge patches into one that applies them all (nulls kept)."""
    out: dict[str, Any] = {}
    for patch in patches:
        for key, value in patch.items():
            old = out.get(key)
            if isinstance(old, Mapping) and isinstance(value, Mapping):
                out[key] = _joined([old, value])
            else:
                out[key] = value
    return out


def _combination(ctx: Context, groups: Sequence[str]) -> Suggestion | None:
    """Return the smallest combination of relaxed groups that gives a plan.

    First every relaxable group is relaxed as far as the advice allows; if
    that gives a plan, a deletion filter takes groups back out, the least
    welcome change (a lower nutrient need) tried first, while a plan remains:
    what is left is a minimal set, each of its groups needed. Then each
    group's own change is made as small as it can be with the others'
    changes in place, one group at a time, by the same search as for a group
    alone; the last search's plan verifies the whole combination.
    """
    full = {g: p for g in groups if (p := full_relaxation(ctx, g)) is not None}
    names = sorted(full, key=_useful_first, reverse=True)
    if len(names) < 2:
        return None
    everything = ctx.oracle.feasible(_joined([full[g][0] for g in names]))
    if not everything:
        return None
    needed = list(names)
    for g in names:
        if len(needed) <= 1:
            break
        trial = [h for h in needed if h != g]
        if ctx.oracle.feasible(_joined([full[h][0] for h in trial])) is True:
            needed = trial
    # Shrink each group's change with the others' (already shrunk) in place.
    chosen: dict[str, Suggestion] = {}
    for g in sorted(needed, key=_useful_first):
        others = [
            chosen[h].patch if h in chosen else full[h][0] for h in needed if h != g
        ]
        found = _within(ctx, _joined(others), g)
        if found is None:
            return _fully(ctx, needed, full)
        chosen[g] = found
    patch = _joined([chosen[g].patch for g in needed])
    ok = ctx.oracle.feasible(patch)
    if ok is not True:
        return _fully(ctx, needed, full)
    ordered = sorted(needed, key=_useful_first)
    return suggest(
        ctx,
        ordered,
        _together([chosen[g].description for g in ordered]),
        ", ".join(dict.fromkeys(chosen[g].field for g in ordered)),
        " ".join(chosen[g].flag for g in ordered if chosen[g].flag),
        patch,
        sum(chosen[g].size for g in ordered) + 1.0,
        True,
        smallest=all(chosen[g].smallest for g in ordered),
    )


_ALTERNATIVE_CAP = 0.5
"""Seconds one oracle solve of a day's advice may take once a verified change
is in hand: the groups after it look for alternatives, and a re-plan that is
not found at once is rarely found in a share (the 3-foods day's plan with no
portion caps: 10 s of CPU; it ran to its 1.5 s share and stayed unverified)."""

_MORE_CONFLICTS = 3
"""Further conflicts looked for once the first is relaxed (each one search)."""


def _other_conflicts(ctx: Context, groups: Sequence[str]) -> list[str]:
    """Return the groups of the conflicts that remain with ``groups`` relaxed.

    A request can hold separate conflicts (a $1 budget and a vegan day
    without fortified foods): the diagnosis names one; with all of its groups
    relaxed as far as the advice allows, the patched request is diagnosed
    again, and so on while it still has no plan. The groups found are new
    candidates for the combination.
    """
    from mealplan._deadline import Deadline
    from mealplan._diagnose import diagnose
    from mealplan._planner import least_targets, parse_request

    found = list(groups)
    for _ in range(_MORE_CONFLICTS):
        full = [p[0] for g in found if (p := full_relaxation(ctx, g)) is not None]
        patch = _joined(full)
        if not full or ctx.oracle.feasible(patch) is not False:
            break
        try:
            request = parse_request(merge_patch(ctx.oracle.base, patch))
            targets = least_targets(request, ctx.table)
        except MealPlanError:
            break
        left = ctx.oracle.left()
        if left <= 0:
            ctx.oracle.timed_out = True
            break
        with oracle_mode():
            again = diagnose(
                request, targets, ctx.table, deadline=Deadline(left), measure=False
            )
        new = [c.constraint for c in again.conflicts if c.constraint not in found]
        if not new:
            break
        found += new
    return found[len(groups) :]


def _together(words: Sequence[str]) -> str:
    # One group left after the filter (its own search ran out of time).
    return words[0] if len(words) == 1 else "together: " + " and ".join(words)


def _within(ctx: Context, others: dict[str, Any], group: str) -> Suggestion | None:
    """Return the smallest verified change of ``group`` with ``others`` applied."""
    from mealplan._planner import least_targets, parse_request

    base = merge_patch(ctx.oracle.base, others)
    try:
        request = parse_request(base)
        targets = {b.nutrient: b for b in least_targets(request, ctx.table).bounds}
    except MealPlanError:
        return None
    oracle = type(ctx.oracle)(
        request,
        ctx.table,
        ctx.oracle.deadline,
        until=ctx.oracle.until,
        # The same table: a whole request answered before is not solved again.
        cache=ctx.oracle.cache,
    )
    sub = Context(request, ctx.table, targets, ctx.safety, oracle)
    found = relax_group(sub, group).suggestion
    ctx.oracle.timed_out = ctx.oracle.timed_out or oracle.timed_out
    if found is None or not found.verified:
        return None
    return found


def _fully(
    ctx: Context,
    needed: Sequence[str],
    full: Mapping[str, tuple[dict[str, Any], str, str]],
) -> Suggestion:
    """Return the combination with every group relaxed as far as allowed (verified)."""
    ordered = sorted(needed, key=_useful_first)
    return suggest(
        ctx,
        ordered,
        _together([full[g][1] for g in ordered]),
        ", ".join(sorted({k for g in ordered for k in full[g][0]})),
        " ".join(full[g][2] for g in ordered),
        _joined([full[g][0] for g in ordered]),
        float(len(ordered)) + 1.0,
        True,
        smallest=False,
    )


def _safety_bounds(request: PlanRequest) -> dict[str, NutrientBound]:
    """Return the person's own DRI bounds, before any override (safety limits)."""
    from mealplan._targets import targets_for

    if request.person is not None:
        return {b.nutrient: b for b in targets_for(request.person).bounds}
    if request.targets is not None:
        return {b.nutrient: b for b in request.targets.bounds}
    return {}


def advise(
    request: PlanRequest,
    table: FoodTable,
    diagnosis: Diagnosis,
    *,
    deadline: float,
) -> Diagnosis:
    """Return ``diagnosis`` with verified suggestions, smallest change first.

    Args:
        request: The request that has no plan.
        table: The food table it was planned on.
        diagnosis: Its diagnosis (the conflict groups).
        deadline: ``time.monotonic()`` value by which the advice must be done.

    """
    from mealplan._planner import least_targets

    targets = {b.nutrient: b for b in least_targets(request, table).bounds}
    ctx = Context(
        request,
        table,
        targets,
        _safety_bounds(request),
        Oracle(request, table, deadline),
    )
    groups = [c.constraint for c in diagnosis.conflicts]
    found: dict[str, Found] = {}
    order = sorted(groups, key=_useful_first)
    # "Allow a supplement" first, where a nutrient one supplies blocks: a
    # re-plan or two, and the smallest change when it plans (the person's
    # own choices all kept). The conflict's row then names it.
    # Half the time: a quick re-plan for a day, the first suggestion where
    # it plans; a week's re-plan needs seconds (what it leaves goes on).
    ctx.oracle.share(2)
    pills = supplement_advice(ctx, groups)
    cut: dict[str, bool] = {"supplements": ctx.oracle.timed_out}
    # A DRI minimum a verified tablet meets needs no search for a lower need
    # (its advice would be "the rest from a supplement"; a week's bisection
    # takes seconds); a user's own minimum still gets one.
    for pill in pills:
        (group,) = pill.constraints if len(pill.constraints) == 1 else ("",)
        bound = ctx.targets.get(group.partition(":")[2])
        if pill.verified and bound is not None and _dri_minimum(bound):
            found[group] = Found()
    order = [g for g in order if g not in found]
    # The priced-foods filter under a budget needs no search (the budget's
    # advice covers it): no share of the time (the $1 week's budget got a
    # quarter of what was left instead of a third, too little for its week).
    free = {"priced"} if request.budget_per_day is not None else set()
    for k, group in enumerate(order):
        # Each group gets an equal share of the time left (one more share
        # is kept for a combination), so one hard search cannot starve the rest.
        ctx.oracle.share(len([g for g in order[k:] if g not in free]) + 1)
        was, ctx.oracle.timed_out = ctx.oracle.timed_out, False
        ctx.settled = _settled(found, pills)
        ctx.oracle.cap = _ALTERNATIVE_CAP if _in_hand(request, found, pills) else None
        found[group] = relax_group(ctx, group)
        cut[group], ctx.oracle.timed_out = (
            ctx.oracle.timed_out,
            was or ctx.oracle.timed_out,
        )
    ctx.oracle.cap = None
    if cut["supplements"] and not pills and not _verified(found):
        # Its share ran out (a week's re-plan): again, with a share of what
        # the groups left, before the groups that ran out too.
        ctx.oracle.share(1 + sum(_cut_short(found[g]) for g in order))
        ctx.oracle.timed_out = False
        pills = supplement_advice(ctx, groups)
        cut["supplements"] = ctx.oracle.timed_out
    _retry(ctx, order, found, cut, pills)
    tablet = {s.constraints[0]: Found(s) for s in pills if len(s.constraints) == 1}
    # Then the proofs that wait for spare time (the budget's floor to the
    # cent), sharing what the groups left.
    refines = [f for f in found.values() if f.refine is not None]
    for k, f in enumerate(refines):
        ctx.oracle.share(len(refines) - k)
        assert f.refine is not None
        f.suggestion = f.refine() or f.suggestion
    ctx.oracle.share(1)
    suggestions = [f.suggestion for f in found.values() if f.suggestion is not None]
    suggestions += pills
    notes = [f.note for g in groups if (f := found[g]).note is not None]
    if (young := too_young_note(request, groups)) is not None:
        notes.append(young)
    # A combination only once every group alone was settled: while a group's
    # own search ran out of time, relaxing several at once says nothing
    # about whether one would do.
    if groups and not ctx.oracle.timed_out and not any(s.verified for s in suggestions):
        combo = _combination(ctx, groups)
        more = [] if combo is not None else _other_conflicts(ctx, groups)
        if more:
            # A second conflict, apart from the first: no change of the first
            # alone can plan, and the combination spans both.
            notes.append(
                "Relaxing this conflict alone is not enough: another one remains ("
                + ", ".join(more)
                + ")."
            )
            combo = _combination(ctx, [*groups, *more])
        if combo is not None:
            notes.append(
                "No single constraint can be relaxed alone to give a plan; a combination can."
            )
            suggestions.append(combo)
        elif not ctx.oracle.timed_out:
            notes.append(
                "No single constraint, nor any combination of them, could be relaxed "
                "to give a plan."
            )
    if ctx.oracle.timed_out:
        notes.append(
            "The time limit ran out during the advice: suggestions marked unverified were "
            "not re-planned, and some may not be the smallest change (raise time_limit)."
        )
    suggestions.sort(key=lambda s: (not s.verified, s.size, s.constraints))
    conflicts = [
        _relaxed(c, tablet.get(c.constraint) or found.get(c.constraint))
        for c in diagnosis.conflicts
    ]
    return diagnosis.model_copy(
        update={
            "conflicts": conflicts,
            "suggestions": suggestions,
            "advice_notes": notes,
            "message": _message(diagnosis, request, suggestions, table),
        }
    )


def _verified(found: Mapping[str, Found]) -> bool:
    return any(
        f.suggestion is not None and f.suggestion.verified for f in found.values()
    )


def _in_hand(
    request: PlanRequest, found: Mapping[str, Found], pills: Sequence[Suggestion]
) -> bool:
    """Whether a one-day request's advice already holds a verified change.

    A week's re-plan needs seconds, so its alternatives keep their share.
    """
    return request.days == 1 and (_verified(found) or any(p.verified for p in pills))


def _settled(found: Mapping[str, Found], pills: Sequence[Suggestion]) -> bool:
    """Whether a verified change proven the smallest is in hand."""
    done = [f.suggestion for f in found.values() if f.suggestion is not None]
    return any(s.verified and s.smallest for s in [*done, *pills])


def _cut_short(found: Found) -> bool:
    # A switch out of time comes back as an unverified suggestion.
    s = found.suggestion
    return found.timed_out or (s is not None and not s.verified)


def _dri_minimum(bound: NutrientBound) -> bool:
    return bound.minimum_kind in (BoundKind.RDA, BoundKind.AI)


def _retry(
    ctx: Context,
    order: Sequence[str],
    found: dict[str, Found],
    cut: dict[str, bool],
    pills: Sequence[Suggestion],
) -> None:
    """Give a group whose share ran out the time the quicker groups left.

    An equal share is often far too much for one group (an infeasible LP
    answers at once) and too little for another (a week's budget): a group
    that ran out of time searches again with what is left (the oracle keeps
    every answer it finished, so it picks up where it stopped).
    """
    if _verified(found) or any(s.verified for s in pills):
        # A verified change is in hand: the rest of the limit is not spent
        # on hard re-plans (the 3-foods day's portion caps took 20 s of CPU).
        return
    again = [g for g in order if _cut_short(found[g])]
    for group in again:
        # All that is left, likeliest advice first: a search cut short
        # starts over (nothing it did carries), so one that finishes beats
        # two cut short again.
        ctx.oracle.share(1)
        ctx.oracle.timed_out = False
        found[group] = relax_group(ctx, group)
        cut[group] = ctx.oracle.timed_out
    ctx.oracle.timed_out = any(cut.values())


_FIRST = ("budget", "fortified", "max_foods", "priced", *LISTS)
_THEN = ("diet", "variety", "macro:", "meals", "portion_limits")


def _useful_first(group: str) -> tuple[int, str]:
    """Order the searches so a short deadline still gets the likeliest advice.

    The user's own choices that cost nothing in health come first (budget,
    fortified foods, food counts, lists), then the diet and realism rules,
    and last the nutrient bounds (each a bisection, and lowering a need is
    the least welcome change).
    """
    if group.startswith(_FIRST):
        return (0, group)
    if group.startswith(_THEN):
        return (1, group)
    return (2, group)


def _relaxed(conflict: Conflict, found: Found | None) -> Conflict:
    if found is None:
        return conflict
    if found.suggestion is not None:
        s = found.suggestion
        tail = "" if s.verified else " (not verified: the time limit ran out)"
        how = f"; flag {s.flag}" if s.flag else f"; field {s.field}"
        text = f"{s.description[0].upper()}{s.description[1:]}{how}{tail}."
        return conflict.model_copy(update={"relaxation": text})
    if found.note is not None and not found.timed_out:
        return conflict.model_copy(update={"relaxation": found.note})
    return conflict


def _message(
    diagnosis: Diagnosis,
    request: PlanRequest,
    suggestions: Sequence[Suggestion],
    table: FoodTable,
) -> str:
    if not diagnosis.conflicts:
        return diagnosis.message
    span = "day" if request.days == 1 else f"{request.days}-day plan"
    parts = "; ".join(c.description for c in diagnosis.conflicts)
    head = conflict_head(diagnosis.conflicts, request) or (
        f"No {span} meets these constraints together: {parts}."
    )
    if diagnosis.safety:
        head += " " + safety_sentence(diagnosis.safety, table)
    best = next((s for s in suggestions if s.verified), None)
    if best is None:
        return f"{head} No change was verified to give a plan in the time limit."
    how = f" ({best.flag})" if best.flag else ""
    if not best.smallest:
        # The README's 3-foods day was told "the smallest change: 8 foods"
        # where 6 plans: the search for a smaller one had stopped.
        return (
            f"{head} A change that gives a plan: {best.description}{how}; a "
            "smaller one may exist (the search for it stopped at its time share)."
        )
    return f"{head} The smallest change that gives a plan: {best.description}{how}."


def with_advice(
    request: PlanRequest,
    table: FoodTable,
    diagnose: Callable[[], Diagnosis],
    *,
    deadline: Deadline | None = None,
) -> Diagnosis:
    """Diagnose, then advise (the planner's hook), within the request's time limit.

    Inside an oracle solve of the advice, the diagnosis is skipped (the
    oracle only needs to know that there is no plan). ``deadline`` is the
    request's (None: ``time_limit`` from now); the advice gets only what it
    has left after the conflict search, no floor, so the request ends by its
    limit: advice with no time left names its changes unverified
    (:mod:`mealplan._deadline`).
    """
    if ORACLE.get():
        return Diagnosis(
            message="No plan meets the request.", conflicts=[], minimal=False
        )
    diagnosis = diagnose()
    # The oracle keeps time by time.monotonic(); the request's deadline by
    # its own clock (a test's fake one): carry over the seconds left.
    left = (
        request.time_limit
        if deadline is None
        else max(deadline.end - deadline.clock(), 0.0)
    )
    return advise(request, table, diagnosis, deadline=time.monotonic() + left)
