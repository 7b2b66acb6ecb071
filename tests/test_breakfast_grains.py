"""One bread or grain dish at a breakfast, and a cereal only with toast (session 28).

Read as a dietitian, 12 of the 127 default days had a cereal beside another
grain at breakfast: a whole-wheat tortilla (6 days), a bagel (2), an English
muffin, a croissant, a blueberry muffin, an 8-year-old's pancakes.
Cereal with toast, eggs with oatmeal and eggs with toast stay breakfasts. The
model's rows are read without the solver; the independent checks
(``tests/checks.py``, which find grains by FPED and by name) must catch each
fault on a plan edited by hand, and a plan with the two pinned is refused.
"""

from __future__ import annotations

from functools import cache

import pytest

import mealplan
from mealplan._meal_rules import BREAKFAST_BREAD_WORDS, BREAKFAST_CEREAL_WORDS
from mealplan._planner import resolve_targets
from mealplan._problem import ConstraintGroup, GroupKind, build_problem
from mealplan._structure import is_breakfast_grain, is_toast
from mealplan._structure_blocks import conflict_text
from tests.checks import check_structure
from tests.items import with_meal
from tests.plans import PlanCache


@cache
def _table() -> mealplan.FoodTable:
    return mealplan.load_foods(dishes=True)


def _plan(plans: PlanCache) -> mealplan.MealPlan:
    return plans.plan(
        mealplan.PlanRequest(person={"age": 50, "sex": "male"}, mip_gap=1.0),
        foods=_table(),
    )


def _breakfast_rows(request: mealplan.PlanRequest) -> dict[str, set[str]]:
    table = _table()
    problem = build_problem(request, resolve_targets(request, table), table)
    assert problem.structure is not None
    meal = next(k for k, m in enumerate(problem.meals) if m.name == "breakfast")
    ids = problem.food_ids
    return {
        p.name: {ids[f] for f in p.foods}
        for p in problem.structure.parts
        if p.meal == meal and p.name in (BREAKFAST_BREAD_WORDS, BREAKFAST_CEREAL_WORDS)
    }


def test_the_model_holds_the_breakfast_grains() -> None:
    rows = _breakfast_rows(mealplan.PlanRequest(person={"age": 50, "sex": "male"}))
    grains = rows[BREAKFAST_BREAD_WORDS]
    alone = rows[BREAKFAST_CEREAL_WORDS]
    # Breads, pancakes and grain dishes are one a breakfast; eggs are free.
    assert {"bread-whole-wheat", "tortilla-whole-wheat", "pancakes-frozen"} <= grains
    assert {"bagel-plain", "english-muffin", "blintz-cheese-filled"} <= grains
    assert not {"egg-scrambled", "egg-fried", "cheese-souffle"} & grains
    # A cereal goes with toast only: toast is in the first row, not the second.
    assert {"cheerios", "oatmeal-cooked-water", "tortilla-whole-wheat"} <= alone
    assert {"pancakes-frozen", "bagel-plain", "english-muffin"} <= alone
    assert not {"bread-whole-wheat", "bread-rye", "egg-scrambled"} & alone


def test_a_callers_own_breakfast_structure_says_what_it_wants() -> None:
    own = mealplan.MealStructure(
        slot=mealplan.MealSlot.BREAKFAST,
        parts=[
            mealplan.MealPart(
                name="grains", roles=["cereal_rte", "bread"], min_items=1, max_items=2
            ),
            mealplan.MealPart(name="milk", roles=["dairy"]),
        ],
    )
    request = mealplan.PlanRequest(
        person={"age": 50, "sex": "male"}, meal_structure=[own]
    )
    assert _breakfast_rows(request) == {}


def test_the_words_and_flags() -> None:
    assert is_toast(["bread"], "1 slice")
    assert not is_toast(["bread"], '1 tortilla medium (approx 6" dia)')
    assert not is_toast(["cereal_rte"], "1 slice")
    assert is_breakfast_grain(["breakfast_dish"], "breads_bakery", starch=False)
    assert is_breakfast_grain(["breakfast_dish"], "breakfast_dishes", False, 0.54)
    assert not is_breakfast_grain(["breakfast_dish"], "breakfast_dishes", False, 0.27)
    assert not is_breakfast_grain(["breakfast_dish", "protein"], "eggs", False)
    assert is_breakfast_grain(["bread"], "breads_bakery", starch=True)


@pytest.mark.parametrize(
    "foods",
    [
        [("special-k", 31.0), ("tortilla-whole-wheat", 41.0), ("milk-2pct", 244.0)],
        [("special-k", 31.0), ("pancakes-frozen", 73.0), ("milk-2pct", 244.0)],
        [("wheat-chex", 47.0), ("bagel-plain", 99.0), ("milk-2pct", 244.0)],
        [("bread-whole-wheat", 32.0), ("pancakes-frozen", 73.0)],
        [("oatmeal-cooked-water", 234.0), ("english-muffin", 57.0)],
    ],
)
def test_the_checks_catch_two_breakfast_grains(
    foods: list[tuple[str, float]], plans: PlanCache
) -> None:
    table = _table()
    plan = _plan(plans)
    check_structure(plan, table)
    with pytest.raises(AssertionError):
        check_structure(with_meal(plan, table, "breakfast", foods), table)


@pytest.mark.parametrize(
    "foods",
    [
        [("special-k", 31.0), ("bread-whole-wheat", 32.0), ("milk-2pct", 244.0)],
        [("oatmeal-cooked-water", 234.0), ("egg-scrambled", 61.0)],
        [("egg-scrambled", 61.0), ("bread-whole-wheat", 32.0)],
        [("pancakes-frozen", 73.0), ("egg-fried", 46.0)],
    ],
)
def test_cereal_with_toast_and_eggs_with_a_grain_are_breakfasts(
    foods: list[tuple[str, float]],
    plans: PlanCache,
) -> None:
    table = _table()
    check_structure(with_meal(_plan(plans), table, "breakfast", foods), table)


def test_a_cereal_pinned_beside_a_tortilla_is_refused_with_the_rule() -> None:
    pins = [
        {"food": "special-k", "meal": "breakfast"},
        {"food": "tortilla-whole-wheat", "meal": "breakfast"},
    ]
    with pytest.raises(mealplan.InfeasiblePlanError) as info:
        mealplan.plan(
            {"person": {"age": 40, "sex": "male"}, "pins": pins, "time_limit": 30}
        )
    assert BREAKFAST_CEREAL_WORDS in str(info.value)


def test_the_diagnosis_says_the_breakfast_rules_in_plain_words() -> None:
    request = mealplan.PlanRequest(person={"age": 40, "sex": "male"})
    what, _ = conflict_text(ConstraintGroup(GroupKind.STRUCTURE, "breakfast"), request)
    assert BREAKFAST_BREAD_WORDS in what
    assert BREAKFAST_CEREAL_WORDS in what
    lunch, _ = conflict_text(ConstraintGroup(GroupKind.STRUCTURE, "lunch"), request)
    assert BREAKFAST_CEREAL_WORDS not in lunch


def test_a_child_of_1_to_3_keeps_breakfast_free() -> None:
    # Quarter portions: the rule cost a toddler's 3-day plan its plan at 10 s.
    assert _breakfast_rows(mealplan.PlanRequest(person={"age": 2, "sex": "male"})) == {}
    four = _breakfast_rows(mealplan.PlanRequest(person={"age": 4, "sex": "male"}))
    assert set(four) == {BREAKFAST_BREAD_WORDS, BREAKFAST_CEREAL_WORDS}
