"""Row groups of a built planning model, switched off without building again.

:func:`without_rows` gives the diagnosis's deletion filter the variants it
asks for by the dozen (10-40 ms each saved): the groups :func:`row_only` says
only drop rows of their own.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from mealplan._nutrients import Nutrient
from mealplan._problem_data import Problem
from mealplan._problem_groups import ConstraintGroup, GroupKind
from mealplan._problem_parts import _charges, _supplement_charge

if TYPE_CHECKING:
    from collections.abc import Collection


_ROW_KINDS = frozenset(
    {
        GroupKind.MIN,
        GroupKind.MAX,
        GroupKind.MACRO,
        GroupKind.MAX_FOODS,
        GroupKind.BUDGET,
    }
)


def row_only(group: ConstraintGroup) -> bool:
    """Whether switching ``group`` off only drops rows of its own.

    The nutrient bounds (but the energy maximum, which also caps each food's
    amount once the portion limits are off), the AMDR shares, ``max_foods``
    and the budget: their foods, meals and structure stay as they are.
    """
    if group.kind is GroupKind.MAX and group.nutrient == Nutrient.ENERGY.value:
        return False
    return group.kind in _ROW_KINDS


def without_rows(problem: Problem, groups: Collection[ConstraintGroup]) -> Problem:
    """Return ``problem`` with the row groups (:func:`row_only`) of ``groups`` off too.

    It is what :func:`build_problem` builds with those groups switched off
    as well (``tests/test_problem_rows.py`` compares every field), without
    building again (10-40 ms): the diagnosis's deletion filter asks for
    dozens of such variants. ``problem`` must carry no
    ``Restrictions.penalty`` (those charges are not told apart from the
    supplements' own, which depend on the bounds).
    """
    off = frozenset(g for g in groups if row_only(g))
    if off <= problem.disabled:
        return problem
    bounds = tuple(b for b in problem.bounds if b.group not in off)
    pills = np.zeros(len(problem.food_ids), dtype=bool)
    pills[sorted(problem.supplements)] = True
    charges = _supplement_charge(pills, problem.coef, bounds, problem.units_per_portion)
    return replace(
        problem,
        bounds=bounds,
        macro=tuple(m for m in problem.macro if m.group not in off),
        max_foods=(
            None if ConstraintGroup(GroupKind.MAX_FOODS) in off else problem.max_foods
        ),
        budget=None if ConstraintGroup(GroupKind.BUDGET) in off else problem.budget,
        disabled=problem.disabled | off,
        penalty=MappingProxyType(_charges(charges, [])),
    )
