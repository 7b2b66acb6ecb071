"""A request with two separate conflicts gets a combination that plans.

A $1 budget and a vegan day without fortified foods are two conflicts: the
diagnosis names one irreducible set, and no change of its groups alone can
plan while the other stands. The advice then looks for the conflict that
remains once the first is relaxed and offers the smallest combination over
both, besides saying per group why it alone does not help. The combination's
patch, applied alone, must make the whole request plan, and each of its
parts must be needed.
"""

from __future__ import annotations

from typing import Any

import pytest

import mealplan
from mealplan import FoodTable, InfeasiblePlanError
from mealplan._advice import oracle_mode
from mealplan._oracle import merge_patch
from tests.strategies import small_table

REQUEST: dict[str, Any] = {
    "person": {"age": 35, "sex": "female"},
    "meals": None,
    "budget_per_day": 1.0,
    "diet": "vegan",
    "allow_fortified": False,
    "time_limit": 60,
}


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return small_table()


def _plans(request: dict[str, Any], table: FoodTable) -> bool:
    try:
        with oracle_mode():
            mealplan.plan(request, table)
    except InfeasiblePlanError:
        return False
    return True


def test_two_conflicts_get_a_combination_that_plans(table: FoodTable) -> None:
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(REQUEST, table)
    diagnosis = info.value.diagnosis
    assert diagnosis is not None
    named = {c.constraint for c in diagnosis.conflicts}
    # No single group's change plans: every group says why in words.
    assert not any(
        s.verified and len(s.constraints) == 1 for s in diagnosis.suggestions
    )
    assert all(c.relaxation for c in diagnosis.conflicts)
    assert any("another one remains" in n for n in diagnosis.advice_notes)
    combo = next(s for s in diagnosis.suggestions if len(s.constraints) > 1)
    assert combo.verified
    # It reaches beyond the conflict named: the other one is relaxed too.
    assert set(combo.constraints) - named
    assert _plans(merge_patch(REQUEST, combo.patch), table)
    assert combo.flag in diagnosis.message
    # Each part is needed: the patch without any one key has no plan.
    for key in combo.patch:
        part = {k: v for k, v in combo.patch.items() if k != key}
        if key == "objective":
            continue  # goes with the budget it drops
        assert not _plans(merge_patch(REQUEST, part), table), key
