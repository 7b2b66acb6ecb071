"""Advice for a request that has no plan, verified on the whole request.

The diagnosis names a set of the request's constraint groups in conflict. For
each group, :func:`advise` searches the smallest change of that group alone
that makes the *whole* request plannable, using :func:`mealplan.plan` itself
as the oracle (so the advice holds for exactly what the user will run next):

- a number (budget, max_foods, max_days_per_food, a nutrient bound, the
  energy range) is moved by a galloping or bisection search between its value
  and the furthest value allowed, which is never beyond a safety limit (a UL
  or CDRR is never raised, a user's own maximum only up to the UL) nor outside
  what the API accepts;
- a list (exclude, include, pins, bans) is shrunk by a deletion filter to the
  fewest entries to drop;
- a switch (portion_limits, macro_limits, allow_fortified, diet) is tried.

Allergies are never relaxed. When no single group helps, the smallest
combination of groups (pairs first) that gives a plan is reported instead.
Every suggestion carries a JSON merge patch (RFC 7386, :func:`merge_patch`)
and the CLI flags that apply it; it is *verified* when a plan was found with
the patch applied. Oracle solves are budgeted against a deadline: a search
cut short keeps the best verified value (``smallest=False``), or reports its
candidate as unverified.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mealplan._models import (
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


__all__ = ["advise", "merge_patch", "oracle_mode", "with_advice"]


def _combination(ctx: Context, groups: Sequence[str]) -> Suggestion | None:
    """Find the first pair (then triple) of groups whose full relaxation gives a plan."""
    full = {g: p for g in groups if (p := full_relaxation(ctx, g)) is not None}
    names = sorted(full)
    for r in (2, 3):
        for combo in _combinations(names, r):
            patch: dict[str, Any] = {}
            for g in combo:
                patch = merge_patch(patch, full[g][0]) | {
                    k: v for k, v in full[g][0].items() if v is None
                }
            ok = ctx.oracle.feasible(patch)
            if ok is None:
                return None
            if ok:
                words = " and ".join(full[g][1] for g in combo)
                return suggest(
                    ctx,
                    list(combo),
                    f"together: {words}",
                    ", ".join(sorted({k for g in combo for k in full[g][0]})),
                    " ".join(full[g][2] for g in combo),
                    patch,
                    float(r),
                    True,
                    smallest=False,
                )
    return None


def _combinations(items: Sequence[str], r: int) -> Iterator[tuple[str, ...]]:
    from itertools import combinations

    yield from combinations(items, r)


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
    from mealplan._planner import resolve_targets

    targets = {b.nutrient: b for b in resolve_targets(request, table).bounds}
    ctx = Context(
        request,
        table,
        targets,
        _safety_bounds(request),
        Oracle(request, table, deadline),
    )
    groups = [c.constraint for c in diagnosis.conflicts]
    found: dict[str, Found] = {}
    for group in sorted(groups, key=_useful_first):
        found[group] = relax_group(ctx, group)
    suggestions = [f.suggestion for f in found.values() if f.suggestion is not None]
    notes = [f.note for g in groups if (f := found[g]).note is not None]
    if groups and not any(s.verified for s in suggestions):
        combo = _combination(ctx, groups)
        if combo is not None:
            notes.append(
                "No single constraint can be relaxed alone to give a plan; a combination can."
            )
            suggestions.append(combo)
        elif not ctx.oracle.timed_out:
            notes.append(
                "No single constraint, nor a pair or triple of them, could be relaxed to give a plan."
            )
    if ctx.oracle.timed_out:
        notes.append(
            "The time limit ran out during the advice: suggestions marked unverified were "
            "not re-planned, and some may not be the smallest change (raise time_limit)."
        )
    suggestions.sort(key=lambda s: (not s.verified, s.size, s.constraints))
    conflicts = [_relaxed(c, found.get(c.constraint)) for c in diagnosis.conflicts]
    return diagnosis.model_copy(
        update={
            "conflicts": conflicts,
            "suggestions": suggestions,
            "advice_notes": notes,
            "message": _message(diagnosis, request, suggestions),
        }
    )


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
    diagnosis: Diagnosis, request: PlanRequest, suggestions: Sequence[Suggestion]
) -> str:
    if not diagnosis.conflicts:
        return diagnosis.message
    span = "day" if request.days == 1 else f"{request.days}-day plan"
    parts = "; ".join(c.description for c in diagnosis.conflicts)
    head = f"No {span} meets these constraints together: {parts}."
    best = next((s for s in suggestions if s.verified), None)
    if best is None:
        return f"{head} No change was verified to give a plan in the time limit."
    how = f" ({best.flag})" if best.flag else ""
    return f"{head} The smallest change that gives a plan: {best.description}{how}."


def with_advice(
    request: PlanRequest,
    table: FoodTable,
    diagnose: Callable[[], Diagnosis],
    *,
    started: float | None = None,
) -> Diagnosis:
    """Diagnose, then advise (the planner's hook), within the request's time limit.

    Inside an oracle solve of the advice, the diagnosis is skipped (the
    oracle only needs to know that there is no plan). ``started`` is the
    ``time.monotonic()`` at which the request began; the advice ends by
    ``started + time_limit`` (the conflict search shares that deadline), with
    a floor of a tenth of the limit, at most 1 s, to verify its first change.
    """
    if ORACLE.get():
        return Diagnosis(
            message="No plan meets the request.", conflicts=[], minimal=False
        )
    diagnosis = diagnose()
    now = time.monotonic()
    end = (started if started is not None else now) + request.time_limit
    # The conflict search shares the request's deadline, so the advice ends
    # with it too; a small floor lets it verify at least its first change.
    deadline = max(end, now + min(1.0, request.time_limit / 10))
    return advise(request, table, diagnosis, deadline=deadline)
