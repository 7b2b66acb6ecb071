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
    from numpy.typing import NDArray

    from mealplan._backend import BackendResult
    from mealplan._formulation import Model

__all__ = ["lowest_reduced_costs", "lowest_reduced_costs_per_meal"]


def lowest_reduced_costs(
    model: Model, lp: BackendResult, support: set[int], count: int
) -> set[int]:
    """Return ``count`` foods outside ``support`` whose columns cost least to enter."""
    rc = _reduced_costs(model, lp)
    if rc is None:
        return set()
    return _cheapest(model.keys[:, 2], rc, support, count)


def lowest_reduced_costs_per_meal(
    model: Model, lp: BackendResult, support: set[int], count: int
) -> set[int]:
    """Return, meal by meal, ``count`` foods outside ``support`` cheapest to enter.

    A food's cost in a meal is its lowest reduced cost over that meal's
    columns (all days).
    """
    rc = _reduced_costs(model, lp)
    if rc is None:
        return set()
    meals = model.keys[:, 1]
    foods = model.keys[:, 2]
    out: set[int] = set()
    for m in np.unique(meals).tolist():
        at = np.flatnonzero(meals == m)
        out |= _cheapest(foods[at], rc[at], support, count)
    return out


def _reduced_costs(model: Model, lp: BackendResult) -> NDArray[np.float64] | None:
    """Return the food columns' reduced costs as costs to minimise (None: no duals)."""
    if lp.col_duals is None:
        return None
    rc = np.asarray(lp.col_duals[: len(model.keys)], dtype=float)
    return -rc if model.maximise else rc


def _cheapest(
    foods: NDArray[np.int_], rc: NDArray[np.float64], support: set[int], count: int
) -> set[int]:
    """Return ``count`` foods outside ``support`` of lowest cost over their columns."""
    best: dict[int, float] = {}
    for f, r in zip(foods.tolist(), rc.tolist(), strict=True):
        if f not in support and r < best.get(f, np.inf):
            best[f] = r
    return set(sorted(best, key=lambda f: (best[f], f))[:count])
