"""A diagnosis blocked by a nutrient a supplement supplies offers that supplement.

A vegan day without fortified foods has no vitamin B12 source: the smallest
change is to allow a B12 tablet (``--supplement vitamin-b12-250ug``), the
person's other choices kept. The suggestion is verified like the others:
its patch, applied alone, plans, and the plan passes the independent
checker (``tests/checks.py``, which reads the dose from the supplements file,
not from the optimiser). The life-stage filter, the diet and a plan by cost
never get a supplement they could not be planned with.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

import mealplan
from mealplan import FoodTable, InfeasiblePlanError
from mealplan._advice_supplements import (
    SUPPLEMENT_SIZE,
    candidates,
    supplement_advice,
    too_young_note,
)
from mealplan._oracle import Oracle, merge_patch
from mealplan._planner import resolve_targets
from mealplan._relax import Context
from mealplan._supplements import with_supplements
from tests.checks import check_plan

VEGAN: dict[str, Any] = {
    "person": {"age": 35, "sex": "female"},
    "diet": "vegan",
    "allow_fortified": False,
    "time_limit": 60,
}
B12 = ["min:vitamin_b12_ug"]
D = ["min:vitamin_d_ug"]


@pytest.fixture(scope="module")
def table() -> FoodTable:
    # The bundled table: on the small test slice a vegan day has a second
    # conflict (the macro shares), so no single change plans there.
    return mealplan.load_foods()


def _ids(request: dict[str, Any], groups: list[str]) -> dict[str, list[str]]:
    req = mealplan.parse_request(request)
    nutrients = [g.partition(":")[2] for g in groups]
    return {n: [s.id for s in ss] for n, ss in candidates(req, nutrients, None).items()}


def test_vegan_day_is_advised_a_b12_tablet_that_plans(table: FoodTable) -> None:
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(VEGAN, table)
    diagnosis = info.value.diagnosis
    assert diagnosis is not None
    assert "min:vitamin_b12_ug" in {c.constraint for c in diagnosis.conflicts}
    best = diagnosis.suggestions[0]
    assert best.patch == {"supplements": ["vitamin-b12-250ug"]}
    assert best.flag == "--supplement vitamin-b12-250ug"
    assert best.field == "supplements"
    assert best.verified
    assert best.size == SUPPLEMENT_SIZE
    assert "supplement" in best.description
    assert "B12" in best.description
    assert "--supplement vitamin-b12-250ug" in diagnosis.message
    # Independent check: the patched request plans, and the plan meets
    # every bound with the tablet's labelled dose (from the supplements file).
    plan = mealplan.plan(merge_patch(VEGAN, best.patch), table)
    assert [i.food_id for i in plan.items if i.kind == "supplement"]
    check_plan(plan, with_supplements(table, plan.request))


def test_lowest_safe_dose_first_per_nutrient() -> None:
    got = _ids(VEGAN, [*B12, *D, "min:magnesium_mg", "min:calcium_mg"])
    assert got["vitamin_b12_ug"] == ["vitamin-b12-250ug", "vitamin-b12-1000ug"]
    # A vegan is never offered the lanolin D3 (tablet or drops).
    assert got["vitamin_d_ug"] == [
        "vitamin-d3-vegan-10ug-drops",
        "vitamin-d3-vegan-25ug",
    ]
    assert got["magnesium_mg"][0] == "magnesium-100mg"
    assert got["calcium_mg"][0] == "calcium-200mg"
    omnivore = _ids({**VEGAN, "diet": "omnivore"}, D)
    assert omnivore["vitamin_d_ug"][0] == "vitamin-d3-10ug"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"person": {"age": 8, "sex": "female"}}, id="under-9"),
        pytest.param({"supplements": True}, id="all-allowed"),
        pytest.param({"budget_per_day": 5.0}, id="budget"),
        pytest.param({"objective": "cost"}, id="cost"),
        pytest.param(
            {"supplements": ["vitamin-b12-250ug", "vitamin-b12-1000ug"]}, id="listed"
        ),
    ],
)
def test_no_supplement_the_planner_would_not_offer(change: dict[str, Any]) -> None:
    assert _ids({**VEGAN, **change}, B12) == {}


def test_dose_over_the_life_stage_ul_is_never_advised() -> None:
    # 1-3 y: supplemental magnesium UL 65 mg; 9-13 y: 350 mg, but the 4-8 y
    # child gets none at all (minimum age 9).
    teen = _ids({**VEGAN, "person": {"age": 10, "sex": "male"}}, ["min:magnesium_mg"])
    assert teen["magnesium_mg"] == ["magnesium-100mg", "magnesium-250mg"]
    from mealplan._supplements import load_supplements, supplement_ul

    person = mealplan.parse_request({**VEGAN, "person": {"age": 10, "sex": "male"}})
    assert person.person is not None
    for s in load_supplements():
        if s.id in teen.get(s.nutrient, []):
            ul = supplement_ul(person.person, s.nutrient)
            assert ul is not None
            assert s.daily_dose <= ul


def test_a_week_gets_the_tablet_verified_on_the_whole_plan() -> None:
    # The supplement advice alone (the whole week's diagnosis takes seconds):
    # its re-plan covers every day, and so does the plan the patch gives.
    table = mealplan.load_foods()
    week = {**VEGAN, "days": 3, "mip_gap": 1.0}
    req = mealplan.parse_request(week)
    targets = {b.nutrient: b for b in resolve_targets(req, table).bounds}
    oracle = Oracle(req, table, time.monotonic() + 60)
    ctx = Context(req, table, targets, targets, oracle)
    (tablet,) = supplement_advice(ctx, B12)
    assert tablet.verified
    assert tablet.patch == {"supplements": ["vitamin-b12-250ug"]}
    plan = mealplan.plan(merge_patch(week, tablet.patch), table)
    assert all(
        any(i.kind == "supplement" for i in d.items)
        or d.total("vitamin_b12_ug").amount >= 2.4
        for d in plan.days
    )
    check_plan(plan, with_supplements(table, plan.request))


def test_a_child_too_young_for_the_tablets_is_told_whom_to_ask(
    table: FoodTable,
) -> None:
    # A vegan boy of 7 with nut and soy allergies has no vitamin B12 source
    # (the coconut and rice drinks carry tree nuts, the fortified soy milks
    # soy) and the tablets start at 9: the only advice was to eat vegetarian.
    request = {
        "person": {"age": 7, "sex": "male"},
        "diet": "vegan",
        "allergies": ["peanuts", "tree_nuts", "soy"],
    }
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(request, table)
    diagnosis = info.value.diagnosis
    assert diagnosis is not None
    assert "min:vitamin_b12_ug" in {c.constraint for c in diagnosis.conflicts}
    assert not any(s.field == "supplements" for s in diagnosis.suggestions)
    (note,) = [n for n in diagnosis.advice_notes if "paediatrician" in n]
    assert "vitamin B12" in note
    assert "age 9" in note
    assert "child of 7" in note


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"person": {"age": 7, "sex": "female"}}, True),
        ({"person": {"age": 9, "sex": "female"}}, False),  # offered the tablet
        ({"person": {"age": 35, "sex": "female"}}, False),
    ],
)
def test_the_too_young_note_is_for_children_only(
    change: dict[str, Any], said: bool
) -> None:
    request = mealplan.parse_request({**VEGAN, **change})
    assert (too_young_note(request, B12) is not None) is said
    # A conflict no tablet supplies (iron) is never noted, nor one without
    # a person (explicit targets).
    assert too_young_note(request, ["min:iron_mg"]) is None
    assert too_young_note(request.model_copy(update={"person": None}), B12) is None
