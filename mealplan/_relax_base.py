"""The advice's shared parts: a group's outcome, its context, and the searches.

:class:`Found` and :class:`Context` are what every relaxation in
:mod:`mealplan._relax` (and :mod:`mealplan._relax_count`) works with;
:func:`suggest` builds a :class:`~mealplan._models.Suggestion`;
:func:`_gallop` and :func:`_bisect` are the number searches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mealplan._models import NutrientBound, PlanRequest, Suggestion
from mealplan._oracle import Oracle

if TYPE_CHECKING:
    from mealplan._catalog import FoodTable


__all__ = ["Context", "Found", "suggest"]

_BISECT_STEPS = 6


# ----------------------------------------------------------------- suggestions


@dataclass
class Found:
    """A group's outcome: a suggestion, or a note saying why there is none."""

    suggestion: Suggestion | None = None
    note: str | None = None
    timed_out: bool = False
    refine: Callable[[], Suggestion | None] | None = None
    """Proves (or improves) the suggestion with the time the other groups
    leave: run once every group has its advice (the budget's floor proof)."""


@dataclass
class Context:
    request: PlanRequest
    table: FoodTable
    targets: Mapping[str, NutrientBound]
    safety: Mapping[str, NutrientBound]
    oracle: Oracle
    notes: list[str] = field(default_factory=list)
    settled: bool = False
    """Whether a verified change proven the smallest is already in hand (the
    searches after it look for alternatives, with shorter goal solves)."""


def suggest(
    ctx: Context,
    groups: Sequence[str],
    text: str,
    field_: str,
    flag: str,
    patch: dict[str, Any],
    size: float,
    verified: bool | None,
    *,
    smallest: bool = True,
) -> Suggestion:
    return Suggestion(
        constraints=list(groups),
        description=text,
        field=field_,
        flag=flag,
        patch=patch,
        size=round(size, 6),
        verified=bool(verified),
        smallest=smallest and verified is not None,
    )


def _toggle(
    ctx: Context, group: str, text: str, field_: str, flag: str, patch: dict[str, Any]
) -> Found:
    ok = ctx.oracle.feasible(patch)
    if ok is False:
        return Found(note=f"{text[0].upper()}{text[1:]} alone does not give a plan.")
    return Found(suggest(ctx, [group], text, field_, flag, patch, 0.5, ok))


def _gallop(
    check: Callable[[int], bool | None], start: int, stop: int
) -> tuple[int | None, bool, bool]:
    """Smallest n in [start, stop] with check(n); (n, verified, smallest)."""
    last_bad = start - 1
    step = 1
    n = start
    good: int | None = None
    while n <= stop:
        ok = check(n)
        if ok is None:
            return (stop, False, False) if good is None else (good, True, False)
        if ok:
            good = n
            break
        last_bad = n
        if n == stop:
            return None, True, True
        n = min(n + step, stop)
        step *= 2
    if good is None:
        return None, True, True
    lo = last_bad
    while good - lo > 1:
        mid = (lo + good) // 2
        ok = check(mid)
        if ok is None:
            return good, True, False
        if ok:
            good = mid
        else:
            lo = mid
    return good, True, True


def _bisect(
    check: Callable[[float], float | bool | None],
    good: float,
    bad: float,
    tol: float,
) -> tuple[float, bool]:
    """Move ``good`` (feasible) towards ``bad``; (value, converged).

    ``check`` returns False, None (out of time), or for a feasible value the
    value its plan actually reaches (a witness that may jump further).
    """
    for _ in range(_BISECT_STEPS):
        if abs(bad - good) <= tol:
            return good, True
        mid = (good + bad) / 2
        ok = check(mid)
        if ok is None:
            return good, False
        if ok is False:
            bad = mid
            continue
        reach = mid if ok is True else float(ok)
        # The witness lies between mid and bad (it met the trial bound).
        good = reach if min(mid, bad) <= reach <= max(mid, bad) else mid
    return good, abs(bad - good) <= tol * 2
