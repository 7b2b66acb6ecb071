"""The diagnosis never advises a child, or a pregnancy, to eat less than its need."""

from __future__ import annotations

import pytest

import mealplan

# The dietitian review of session 34: a vegan boy of 3 without the coconut
# drink has no plan, and the first change offered was "eat at least 578
# kcal a day instead of 1,046".
VEGAN_BOY = {
    "person": {"age": 3, "sex": "male"},
    "diet": "vegan",
    "dislikes": ["coconut"],
    "time_limit": 60,
}


def test_no_energy_cut_is_offered_to_a_child() -> None:
    with pytest.raises(mealplan.InfeasiblePlanError) as info:
        mealplan.plan(VEGAN_BOY)
    diagnosis = info.value.diagnosis
    assert diagnosis is not None
    fields = {s.field for s in diagnosis.suggestions}
    assert "kcal_min" not in fields, fields
    assert not any(
        "kcal a day instead of" in s.description for s in diagnosis.suggestions
    )
