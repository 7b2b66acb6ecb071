"""Count covers: how many foods a minimum needs, as rows on the ``y`` binaries.

Why: under the meal structure the LP relaxation's bound was weak (issue 10:
the gap test failed and the full MILP ran to the deadline). Measured on
``benchmarks/load.py``'s hardest default day (a vegetarian man of 34): the LP
bound 1.218; the same model with only the ``y`` binaries integer (portions
continuous) 1.552, the MILP's own optimum about 1.55; with only the portions
integer 1.24-1.28. So the gap is the ``y`` columns' fractions, and it goes
once the 12-foods cap and the meal parts are dropped (1.223). Each link
``v <= max_units*y`` is the convex hull of one food, so the LP pays for a
food in proportion to how much of its largest portion it eats: it meets a
vitamin D minimum with two thirds of a soy milk, a third of a UV mushroom
and an orange juice, and spreads the cap's 12 foods over 16.

A cover row says how many foods a minimum needs at the least. For a row
``sum_f a_f v_f >= need`` (a nutrient minimum of a day, or a food-pattern
group's lower band) over foods of capacity ``c_f = a_f * max_units_f`` (the
most one food can give: ``v_f <= max_units_f * y_f``, and a food is in one
meal a day, so its columns' ``y`` sum to 0 or 1), let ``k`` be the fewest
foods whose largest capacities reach ``need``. Every plan then holds

    sum of y over the foods with a_f > 0  >=  k,

since ``Y`` foods give at most the sum of the ``Y`` largest capacities,
which is below ``need`` when ``Y < k``. The LP relaxation has no such
count: it can reach ``need`` with fractions of ``y`` summing to
``need / max c_f``.

A pattern group's row has a shortfall column ``under`` (charged in the
objective), ``servings >= need - under``. With ``g = need - C_{k-1} > 0``
(``C_j`` the sum of the ``j`` largest capacities), every plan holds

    Y + under / g >= k.

Proof: for ``Y >= k`` it holds as ``under >= 0``. For ``Y <= k-1``,
``under >= need - C_Y = g + sum_{j=Y+1}^{k-1} c_(j) >= g + (k-1-Y) * g``,
since each of those capacities is at least ``c_(k) >= g`` (``C_k >= need``).
So ``under / g >= k - Y``. (A mixed-integer rounding of the knapsack row.)

Both are valid for every plan of the model they are added to, the LP and
the restricted MILPs alike (a restriction computes them over its own
columns). ``tests/test_covers.py`` checks them on plans without a solver.

**Off by default** (:data:`ENABLED`): measured with
``benchmarks/covers_ab.py`` (session 9, load 10-15), they raised the LP
bound little (load.py's hardest day 1.218 -> 1.248; the gap to its plans is
0.33) and on load.py's 48 days left the CPU as it was (median 0.210 ->
0.200 s, p95 3.46 -> 3.08 s, total 38.4 -> 39.1 s) while 25 plans came out
worse and 12 better (a higher bound lifts the gap test's cutoff, so a
restricted MILP stops at a worse first plan); with ``panel: full`` two of
three hard days lost their plan in 30 s. What the gap is made of instead:
``benchmarks/bound_gap.py`` and ``bound_gap_latest.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import INF, Block

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._arrays import ModelBuilder

__all__ = ["ENABLED", "cover_count", "nutrient_covers", "pattern_cover"]

ENABLED = False
"""Whether the formulation adds the covers (see the module docstring)."""

# A plan the solver accepts may miss a row by its feasibility tolerance
# (1e-7 absolute in HiGHS): capacities within this relative margin of the
# need count as reaching it, so a cover never asks for one food too many.
_MARGIN = 1e-6


def cover_count(capacity: NDArray[np.float64], need: float) -> tuple[int, float] | None:
    """Return ``(k, g)``: the fewest capacities reaching ``need``, and what is left.

    ``k`` is the smallest count whose largest capacities sum to at least
    ``need`` (less a tolerance margin); ``g = need - C_{k-1}`` is the part of
    the need the ``k - 1`` largest leave (> 0). None when ``need`` is not
    positive or every capacity together cannot reach it (the row itself is
    then infeasible without its slack, which the cover cannot say more of).
    """
    if need <= 0 or not len(capacity):
        return None
    tolerance = _MARGIN * max(1.0, abs(need))
    ordered = np.sort(np.asarray(capacity, dtype=float))[::-1]
    reach = np.cumsum(ordered)
    enough = np.flatnonzero(reach >= need - tolerance)
    if not len(enough):
        return None
    k = int(enough[0]) + 1
    below = float(reach[k - 2]) if k > 1 else 0.0
    return k, need - below


def _food_capacity(
    b: ModelBuilder, ks: NDArray[np.int64], per_unit: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Return the keys among ``ks`` that give something, and each distinct food's capacity."""
    p = b.problem
    foods = b.keys[ks, 2]
    amount = np.nan_to_num(per_unit[foods], nan=0.0)
    gives = amount > 0
    ks, foods, amount = ks[gives], foods[gives], amount[gives]
    capacity = amount * p.max_units[foods]
    # One value per food: a food's columns (one per meal) share one ``y``
    # budget of 1 a day, so it counts once.
    _, first = np.unique(foods, return_index=True)
    return ks, capacity[first]


def nutrient_covers(b: ModelBuilder) -> None:
    """Per day and nutrient minimum: at least ``k`` foods that carry the nutrient.

    Only hard rows (no shortfall slacks) and only when ``y`` columns exist.
    Rows with ``k`` of 1 are kept too: they stop the LP meeting a minimum with
    a fraction of one food's ``y``.
    """
    p = b.problem
    if not ENABLED or not b.need_y or p.shortfall or not len(b.keys):
        return
    for d in range(p.days):
        ks_day = np.flatnonzero(b.day_mask(d))
        for bound in p.bounds:
            if bound.sense != ">=":
                continue
            # A plan-average minimum holds each day only as its daily floor.
            need = bound.value * bound.daily_floor if bound.average else bound.value
            ks, capacity = _food_capacity(b, ks_day, p.coef[bound.key])
            found = cover_count(capacity, need)
            if found is None:
                continue
            k, _ = found
            # No constraint group: the rows of a group are its bound's own
            # (the diagnosis and the tests read them); a cover only follows.
            b.add_row(b.y[ks], 1.0, float(k), INF, Block.COVER)


def pattern_cover(
    b: ModelBuilder,
    ks: NDArray[np.int64],
    credit: NDArray[np.float64],
    need: float,
    under: int,
) -> None:
    """``Y + under / g >= k`` for one day's food-pattern group (see the module docstring).

    ``ks``: the day's keys of the group, ``credit``: servings per unit by
    food, ``need``: the servings below which ``under`` pays, ``under``: that
    shortfall column.
    """
    if not ENABLED or not b.need_y or not len(ks):
        return
    members, capacity = _food_capacity(b, ks, credit)
    found = cover_count(capacity, need)
    if found is None:
        return
    k, g = found
    b.add_row(
        np.append(b.y[members], under),
        np.append(np.ones(len(members)), 1.0 / g),
        float(k),
        INF,
        Block.COVER,
    )
