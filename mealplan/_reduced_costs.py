"""Which foods outside a restriction cost least to enter, by the LP's reduced costs.

The guided start (:mod:`mealplan._guided_start`) widens a restricted MILP by
the foods whose columns have the lowest reduced costs in the relaxation,
over the whole day or meal by meal; the single foods' start
(:mod:`mealplan._single_foods`) does the same on its own relaxation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from mealplan._backend import BackendResult
    from mealplan._formulation import Model

__all__ = ["lowest_reduced_costs", "lowest_reduced_costs_per_meal"]


def lowest_reduced_costs(
    model: Model, lp: BackendResult, support: set[int], count: int
) -> set[int]:
    """Return ``count`` foods outside ``support`` whose columns cost least to enter."""
    if lp.col_duals is None:
        return set()
    k = len(model.keys)
    rc = lp.col_duals[:k]
    if model.maximise:
        rc = -rc
    foods = model.keys[:, 2]
    best: dict[int, float] = {}
    for f, r in zip(foods.tolist(), rc.tolist(), strict=True):
        if f not in support and r < best.get(f, np.inf):
            best[f] = r
    return set(sorted(best, key=lambda f: (best[f], f))[:count])


def lowest_reduced_costs_per_meal(
    model: Model, lp: BackendResult, support: set[int], count: int
) -> set[int]:
    """Return, meal by meal, ``count`` foods outside ``support`` cheapest to enter.

    A food's cost in a meal is its lowest reduced cost over that meal's
    columns (all days).
    """
    if lp.col_duals is None:
        return set()
    rc = lp.col_duals[: len(model.keys)]
    if model.maximise:
        rc = -rc
    meals = model.keys[:, 1]
    foods = model.keys[:, 2]
    out: set[int] = set()
    for m in np.unique(meals).tolist():
        at = np.flatnonzero(meals == m)
        best: dict[int, float] = {}
        for f, r in zip(foods[at].tolist(), rc[at].tolist(), strict=True):
            if f not in support and r < best.get(f, np.inf):
                best[f] = r
        out |= set(sorted(best, key=lambda f: (best[f], f))[:count])
    return out
