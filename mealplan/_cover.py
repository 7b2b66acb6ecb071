"""A combinatorial infeasibility proof: too few foods to cover a nutrient minimum.

With at most ``K`` foods a day, a food at one meal of a day and each food
capped at ``U_i`` units, a day's total of a nutrient is at most the sum of the
``K`` largest ``a_i * U_i`` (``a_i`` the nutrient per unit, negative values
counted as 0) over the candidate foods. When that sum is below a minimum
``N``, no plan exists, and no MILP (nor LP) has to say so: this is a proof,
not a heuristic, and it removes no integer-feasible plan (issue 15, the hard
day ``--age 73 --sex female --diet pescatarian --no-fortified --max-foods 4``
whose four most energy-dense foods at their portion caps give 1,570 of its
1,595 kcal).

The bound uses only the candidate foods (the filters: diet, allergies,
exclusions, fortified foods, priced foods), their portion caps (the
``portion_limits`` group, or the uncapped limits without it) and ``K``
(``max_foods``); so those groups and the nutrient's minimum are a conflict.
It is the LP relaxation's own bound for that one row (``sum y <= K`` with
``v <= U*y``), so it never proves less than the LP would; what it adds is that
it needs no solver call, answers in microseconds at any load, and names the
nutrient.

Skipped (no proof claimed) when a minimum is soft (``allow_shortfall``), when
regenerate fixes parts of an earlier plan, or with no ``max_foods``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mealplan._problem import ConstraintGroup, GroupKind

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from mealplan._problem import Problem

__all__ = [
    "Shortfall",
    "conflict_start",
    "fewest_foods",
    "relaxation",
    "shortfalls",
    "worst",
]


@dataclass(frozen=True)
class Shortfall:
    """A nutrient minimum that ``max_foods`` foods at their caps cannot reach."""

    group: ConstraintGroup
    """The minimum's constraint group (``min:energy_kcal``)."""
    nutrient: str
    need: float
    """The minimum a day (for a plan average: the average a day)."""
    most: float
    """The most the ``foods`` largest sources give a day at their caps."""
    foods: int
    """``max_foods``."""
    sources: tuple[str, ...]
    """Those largest sources' food ids, richest first."""
    more_foods_help: bool = True
    """Whether every candidate food together could reach the need (False: no
    number of foods reaches it; the food count is then not the conflict)."""


def shortfalls(problem: Problem) -> tuple[Shortfall, ...]:
    """Return every nutrient minimum of ``problem`` its food count cannot reach.

    Empty when the proof does not apply or every minimum can be reached; a
    non-empty result proves ``problem`` infeasible.
    """
    k = problem.max_foods
    if (
        k is None
        or problem.shortfall
        or problem.fixed
        or problem.fixed_scopes
        or not problem.food_ids
    ):
        return ()
    found: list[Shortfall] = []
    for bound in problem.bounds:
        if bound.sense != ">=" or bound.value <= 0:
            continue
        # A day's total is at most the k largest capped contributions. An
        # average over the days is at most the largest day's total, so the
        # same test holds for it. Negative coefficients only lower a total.
        per_food = np.maximum(np.nan_to_num(problem.coef[bound.key], nan=0.0), 0.0)
        reach = per_food * problem.max_units
        # Foods max_foods does not count: every supplement, and at most k
        # paired fats (each fat needs an item of its own in its meal, a
        # counted food, and each food is at one meal of a day).
        pills, fats = _uncounted(problem)
        counted = reach.copy()
        counted[pills] = 0.0
        counted[fats] = 0.0
        foods = _largest(counted, k)
        foods = foods[counted[foods] > 0]
        top = np.unique(np.concatenate([foods, pills, _largest(reach, k, fats)]))
        top = top[reach[top] > 0]
        top = top[np.argsort(-reach[top], kind="stable")]
        most = float(reach[top].sum())
        # A margin for the solver's own feasibility tolerance: claim only what
        # no solver would call feasible.
        if most < bound.value * (1.0 - 1e-6) - 1e-6:
            found.append(
                Shortfall(
                    group=bound.group,
                    nutrient=bound.nutrient,
                    need=bound.value,
                    most=most,
                    foods=k,
                    sources=tuple(problem.food_ids[i] for i in top if reach[i] > 0),
                    more_foods_help=bool(reach.sum() >= bound.value),
                )
            )
    return tuple(found)


def fewest_foods(problem: Problem) -> int | None:
    """Return the fewest foods a day that can reach every minimum of ``problem``.

    A lower bound on ``max_foods`` for any plan, by the same proof as
    :func:`shortfalls` (``problem.max_foods`` itself is ignored). None when
    the proof does not apply, or when some minimum is out of reach of every
    food together (no food count helps then).
    """
    if problem.shortfall or problem.fixed or problem.fixed_scopes:
        return None
    fewest = 0
    for bound in problem.bounds:
        if bound.sense != ">=" or bound.value <= 0:
            continue
        per_food = np.maximum(np.nan_to_num(problem.coef[bound.key], nan=0.0), 0.0)
        reach = per_food * problem.max_units
        pills, fats = _uncounted(problem)
        given = float(reach[pills].sum())
        fat_reach = np.sort(reach[fats])[::-1]
        counted = np.sort(np.delete(reach, np.concatenate([pills, fats])))[::-1]
        # n counted foods bring at most n paired fats.
        sums = np.array(
            [
                given + counted[:n].sum() + fat_reach[:n].sum()
                for n in range(len(counted) + 1)
            ]
        )
        enough = np.flatnonzero(sums >= bound.value * (1.0 - 1e-6) - 1e-6)
        if not len(enough):
            return None
        fewest = max(fewest, int(enough[0]))
    return fewest


def _uncounted(problem: Problem) -> tuple[np.ndarray, np.ndarray]:
    """Return the supplements and the paired fats: foods max_foods does not count."""
    from mealplan._formulation import _cap_exempt

    pills = np.asarray(sorted(problem.supplements), dtype=np.intp)
    fats = np.setdiff1d(np.asarray(_cap_exempt(problem), dtype=np.intp), pills)
    return pills, fats


def _largest(reach: np.ndarray, k: int, among: np.ndarray | None = None) -> np.ndarray:
    """Return the indices of the ``k`` largest of ``reach`` (over ``among``)."""
    idx = np.arange(len(reach)) if among is None else among
    if k >= len(idx):
        return idx.astype(np.intp)
    part = np.argpartition(-reach[idx], k - 1)[:k]
    return idx[part].astype(np.intp)


def worst(short: Sequence[Shortfall]) -> Shortfall:
    """Return the minimum furthest out of reach (a fraction of its need)."""
    return min(short, key=lambda s: (s.most / s.need, s.nutrient))


def conflict_start(problem: Problem) -> list[ConstraintGroup] | None:
    """Return the groups the proof rests on, or None when it does not apply.

    The worst minimum, ``max_foods``, the portion caps and every filter of
    the candidate foods: a conflict by :func:`shortfalls`, so the diagnosis's
    deletion filter can start from these few groups instead of all of them
    (its checks on subsets that still fail this proof need no solve either).
    """
    # Only where the food count is the conflict: a need no number of foods
    # reaches (no allowed source at all) is left to the whole deletion
    # filter, whose order prefers the constraints the user stated.
    short = [s for s in shortfalls(problem) if s.more_foods_help]
    if not short:
        return None
    named = {
        worst(short).group,
        ConstraintGroup(GroupKind.MAX_FOODS),
        ConstraintGroup(GroupKind.PORTION_LIMITS),
    }
    return [g for g in problem.groups if g in named or g.is_filter]


_WIDER = {
    "portion_limits": "larger portions",
    "diet": "a less strict diet",
    "fortified": "fortified foods",
    "exclude": "fewer excluded foods",
    "allergies": "fewer allergy filters (if your doctor agrees)",
    "priced": "foods without a known price",
}
"""What relaxing each group the proof rests on would add, in words."""


def relaxation(
    short: Shortfall,
    unit: str,
    label: str,
    names: Sequence[str],
    groups: Collection[str],
) -> str:
    """Say in one sentence why ``short`` has no plan and what would change that.

    ``names`` are the display names of ``short.sources``; ``groups`` the
    conflict's group names (only their relaxations are offered).
    """
    richest = "; ".join(names[:3]) + ("; ..." if len(names) > 3 else "")
    ways = ["more foods a day", *(w for g, w in _WIDER.items() if g in groups)]
    how = ", ".join(ways[:-1]) + " or " + ways[-1] if len(ways) > 1 else ways[0]
    # Past the k foods, the sources are fats max_foods does not count.
    fats = " with as many cooking fats" if len(short.sources) > short.foods else ""
    return (
        f"Even the {short.foods} richest sources of {label}{fats} at their portion caps"
        f" ({richest}) give at most {_fmt(short.most)} {unit} a day, short of"
        f" {_fmt(short.need)} {unit}: allow {how}."
    )


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
