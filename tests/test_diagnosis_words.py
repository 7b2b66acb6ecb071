"""The diagnosis in plain words: the life stage, the diet, the safety rules in play.

Checked on small tables so each diagnosis takes well under a second.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import mealplan
from mealplan import FoodTable, InfeasiblePlanError
from mealplan._safety import life_stages, load_safety_rules, unsafe_foods
from tests.strategies import small_table

PREGNANT = {"age": 30, "sex": "female", "pregnancy": True, "trimester": 2}
SOFT_CHEESES = ["feta", "queso-fresco", "brie", "blue-cheese"]


@pytest.fixture(scope="module")
def cheese_table() -> FoodTable:
    """Vegan foods plus soft cheeses: for a vegetarian without fortified foods,
    the soft cheeses are the only vitamin B12 there is."""
    table = mealplan.load_foods()
    vegan = table.allowed(diet="vegan", allergies=[], exclude=[], allow_fortified=False)
    return table.subset(sorted({*vegan, *SOFT_CHEESES}))


def _diagnosis(request: dict[str, Any], table: FoodTable) -> mealplan.Diagnosis:
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(request, table)
    diagnosis = info.value.diagnosis
    assert isinstance(diagnosis, mealplan.Diagnosis), diagnosis
    return diagnosis


def test_a_safety_rule_in_the_conflict_is_named_with_its_source(
    cheese_table: FoodTable,
) -> None:
    request: dict[str, Any] = {
        "person": {"age": 30, "sex": "female"},
        "diet": "vegetarian",
        "allow_fortified": False,
        "meals": None,
        "time_limit": 30,
        # The small table's question is the safety rule, not meal structure.
        "structure": False,
    }
    # Not pregnant: the soft cheeses are allowed and the day plans.
    mealplan.plan(request, cheese_table)
    diagnosis = _diagnosis({**request, "person": PREGNANT}, cheese_table)
    rules = {r.rule: r for r in load_safety_rules()}
    assert [s.rule for s in diagnosis.safety] == ["soft_cheese"]
    named = diagnosis.safety[0]
    assert named.life_stages == ["pregnancy"]
    assert named.source == rules["soft_cheese"].source
    # Its foods are ones the rule leaves out for pregnancy, and would plan:
    unsafe = unsafe_foods(cheese_table, ["pregnancy"])
    assert named.foods
    assert all(unsafe[f].rule == "soft_cheese" for f in named.foods)
    # ...the message says so in words, with the source, and never relaxes it.
    assert "food-safety rule for pregnancy" in diagnosis.message
    assert rules["soft_cheese"].source in diagnosis.message
    assert "never relaxed" in diagnosis.message
    assert "vitamin B12" in diagnosis.message
    for s in diagnosis.suggestions:
        assert "person" not in s.patch  # the advice never lifts the life stage


def test_a_safety_rule_is_named_only_for_foods_the_person_would_eat() -> None:
    # Kippered herring is rich in vitamin B12 (18.7 ug per 100 g), unsafe in
    # pregnancy (refrigerated smoked fish) and not vegetarian: the diet is no
    # part of the conflict (without it the herring is still left out by the
    # safety rule), but naming it would tell a vegetarian that fish could
    # meet her need (a vegetarian boy of 7 was told swordfish, beer and cola
    # could meet his vitamin D).
    table = mealplan.load_foods()
    vegan = table.allowed(diet="vegan", allergies=[], exclude=[], allow_fortified=False)
    fish = ["herring-kippered"]
    assert set(fish) <= set(unsafe_foods(table, ["pregnancy"]))
    table = table.subset(sorted({*vegan, *SOFT_CHEESES, *fish}))
    request: dict[str, Any] = {
        "person": PREGNANT,
        "diet": "vegetarian",
        "allow_fortified": False,
        "meals": None,
        "time_limit": 30,
        "structure": False,
    }
    diagnosis = _diagnosis(request, table)
    vegetarian = set(
        table.allowed(
            diet="vegetarian", allergies=[], exclude=[], allow_fortified=False
        )
    )
    named = [f for s in diagnosis.safety for f in s.foods]
    assert named  # the soft cheeses are what the rule keeps from her
    assert set(named) <= vegetarian, named
    assert "herring" not in diagnosis.message.lower()


def test_no_safety_rule_is_named_when_none_is_in_play() -> None:
    # A pregnant day short of money: the rules leave foods out, but those
    # foods would not make the budget, so no rule is named.
    request = {
        "person": PREGNANT,
        "meals": None,
        "budget_per_day": 0.3,
        "time_limit": 30,
    }
    table = small_table()
    assert unsafe_foods(table, ["pregnancy"])  # the rules do leave foods out
    diagnosis = _diagnosis(request, table)
    assert diagnosis.safety == []
    assert "food-safety" not in diagnosis.message


def test_the_message_names_the_life_stage_and_the_diet() -> None:
    request = {
        "person": PREGNANT,
        "diet": "vegan",
        "allow_fortified": False,
        "meals": None,
        # With the default food count the small table's day first runs out of
        # protein (its conflict: portion caps, max_foods, protein, fortified
        # foods, diet; proven, and as valid): 20 foods leave the B12 conflict.
        # One meal a day (meals None) also holds tofu and tempeh to one
        # serving a day (racc_tofu_tempeh, session 10), another way to a
        # protein conflict: portion limits off. The B12 wording is what this
        # test reads.
        "max_foods": 20,
        "portion_limits": False,
        "time_limit": 30,
    }
    diagnosis = _diagnosis(request, small_table())
    names = [c.constraint for c in diagnosis.conflicts]
    assert "min:vitamin_b12_ug" in names
    assert "diet" in names
    assert diagnosis.message.startswith(
        "A pregnant vegan day cannot reach 2.6 µg of vitamin B12 a day (RDA)"
    )


def test_no_safety_rule_is_named_when_its_foods_need_unrealistic_portions() -> None:
    # A vegan 2-year-old allergic to soy and tree nuts has no vitamin B12
    # source (the fortified coconut drink is a tree nut). The choking rule
    # leaves raw mushrooms out, whose trace B12 (0.04-0.1 ug per 100 g) only
    # "meets" the 0.9 ug RDA with the portion caps off (900 g of crimini):
    # the rule is not what blocks the plan, so it is not named.
    table = mealplan.load_foods()
    person = mealplan.Person(age=2, sex="male")
    allergies = ["soy", "tree_nuts"]
    request = {"person": person.model_dump(), "diet": "vegan", "allergies": allergies}
    diagnosis = _diagnosis(request, table)
    assert "min:vitamin_b12_ug" in {c.constraint for c in diagnosis.conflicts}
    assert diagnosis.safety == []
    assert "food-safety" not in diagnosis.message
    # Independently of the planner: the foods the rules leave out for her
    # (vegan, free of her allergens) hold too little B12 to reach the RDA
    # even at a generous 200 g each.
    unsafe = unsafe_foods(table, life_stages(person))
    allowed = set(
        table.allowed(
            diet="vegan", allergies=allergies, exclude=[], allow_fortified=True
        )
    )
    b12 = dict(zip(table.ids, table.numbers("vitamin_b12_ug"), strict=True))
    most = sum(
        2 * float(b12[f]) for f in unsafe if f in allowed and not math.isnan(b12[f])
    )
    assert 0 < most < 0.9


def _advice_diagnosis(smallest: bool) -> Any:
    from mealplan._models import Diagnosis

    return Diagnosis.model_validate(
        {
            "message": "m",
            "conflicts": [
                {
                    "constraint": "max_foods",
                    "description": "at most 3 foods a day",
                    "relaxation": "r",
                    "proven": True,
                },
                {
                    "constraint": "portion_limits",
                    "description": "realistic portion caps",
                    "relaxation": "Lifting the portion caps alone does not give a plan.",
                    "proven": True,
                },
            ],
            "minimal": True,
            "suggestions": [
                {
                    "constraints": ["max_foods"],
                    "description": "allow up to 8 foods a day (from 3)",
                    "field": "max_foods",
                    "flag": "--max-foods 8",
                    "patch": {"max_foods": 8},
                    "size": 1.67,
                    "verified": True,
                    "smallest": smallest,
                },
            ],
        }
    )


@pytest.mark.parametrize("smallest", [True, False])
def test_a_change_not_proven_smallest_is_not_called_so(smallest: bool) -> None:
    # The README's 3-foods day read "The smallest change that gives a plan:
    # --max-foods 8" where 6 plans (the search for a smaller one had stopped).
    from mealplan._advice import _message
    from mealplan._catalog import load_foods
    from mealplan._planner import parse_request

    diagnosis = _advice_diagnosis(smallest)
    req = parse_request({"person": {"age": 73, "sex": "female"}, "max_foods": 3})
    message = _message(diagnosis, req, diagnosis.suggestions, load_foods())
    assert ("The smallest change that gives a plan" in message) is smallest
    assert ("a smaller one may exist" in message) is not smallest
    text = mealplan.render_diagnosis_text(diagnosis)
    assert ("a smaller change may exist" in text) is not smallest


def test_a_minimal_conflict_is_not_said_to_plan_when_relaxed_alone() -> None:
    # "Relaxing any one of these makes a plan possible" stood above "Lifting
    # the portion caps alone does not give a plan": the set is irreducible.
    for text in (
        mealplan.render_diagnosis_text(_advice_diagnosis(True)),
        mealplan.render_html(_advice_diagnosis(True)),
    ):
        assert "Relaxing any one of these makes a plan possible" not in text
        assert "without any one of them, the others together have a plan" in text
