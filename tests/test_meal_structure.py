"""Meal structure in the model: parts, companions, one form a day, whole units, taste.

Every plan is checked by :func:`tests.checks.check_plan`, which recomputes the
structure rules from the plan and the food table (``check_structure``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import FoodTable, InfeasiblePlanError
from mealplan._realism import realism_defects
from tests.checks import check_outcome, check_plan

ADULT = {"age": 35, "sex": "female"}


@pytest.fixture(scope="module")
def foods() -> FoodTable:
    return mealplan.load_foods()


def _items(plan: mealplan.MealPlan) -> set[str]:
    return {i.food_id for i in plan.items}


def test_default_day_has_no_realism_defects(foods: FoodTable) -> None:
    result = mealplan.plan({"person": ADULT, "structure": True}, foods)
    check_plan(result, foods)
    defects = realism_defects(result, foods)
    assert sum(defects.values()) == 0, defects


def test_structured_days_are_proven_close_to_the_bound_not_stopped_by_the_clock(
    foods: FoodTable,
) -> None:
    # Once timed out at 10 s (the restricted MILP could not close a half-serving
    # gap on the pattern); PATTERN_BAND makes them provable, within the seeded
    # preference's own size (abs_tolerance). A generous limit and a proven gap
    # (not a time-limit stop, which has no bound) keep this speed-free.
    from mealplan._structure_blocks import SEED_WEIGHT

    # The single foods: with the dishes the bound is weak and a day that
    # fails the gap test is time-boxed instead (tests/test_dish_strategy.py).
    foods = mealplan.load_foods(dishes=False)
    for person in ({"age": 15, "sex": "male"}, {"age": 25, "sex": "male"}):
        extra = {"allergies": ["milk", "egg"]} if person["age"] == 25 else {}
        result = mealplan.plan(
            {"person": person, "structure": True, "time_limit": 120, **extra}, foods
        )
        check_plan(result, foods)
        assert result.gap is not None
        assert result.objective_value is not None
        assert result.gap * abs(result.objective_value) <= SEED_WEIGHT + 1e-6
        assert sum(realism_defects(result, foods).values()) == 0
        if result.status.value == "feasible":
            # The note states the tolerance the plan was proven within (it
            # used to say 0.02 servings whatever the tolerance was).
            said = f"at most {SEED_WEIGHT:g} servings from the best possible one"
            assert any(said in note for note in result.notes), result.notes


def test_structure_false_is_the_bare_model(foods: FoodTable) -> None:
    bare = mealplan.plan(
        {"person": ADULT, "structure": False, "pins": [{"food": "olive-oil"}]}, foods
    )
    assert "olive-oil" in _items(bare)
    # Sugar is never an item under the structure (a fat is, as part of an item).
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(
            {"person": ADULT, "structure": True, "pins": [{"food": "honey"}]}, foods
        )
    assert info.value.diagnosis is not None
    names = {c.constraint for c in info.value.diagnosis.conflicts}
    assert "structure:items" in names


def test_oil_is_the_cooking_fat_of_an_item_of_its_meal(foods: FoodTable) -> None:
    from mealplan._report import item_label

    result = mealplan.plan(
        {"person": ADULT, "structure": True, "pins": [{"food": "olive-oil"}]}, foods
    )
    check_plan(result, foods)  # one fat a meal, <= 1 tbsp, part of a host item
    assert sum(realism_defects(result, foods).values()) == 0
    oil = next(i for i in result.items if i.food_id == "olive-oil")
    host = next(
        i for i in result.items if i.food_id == oil.part_of and i.meal == oil.meal
    )
    assert oil.grams <= 15.0
    items = result.days[0].items
    assert items.index(oil) == items.index(host) + 1  # listed with its item
    label = item_label(oil)
    assert label.startswith(f"↳ {oil.part_as} ")
    assert label.endswith("olive oil")
    assert "olive oil" in mealplan.render_text(result)
    # No meal split: still one fat, part of an item of the day.
    day = mealplan.plan(
        {
            "person": ADULT,
            "structure": True,
            "meals": None,
            "pins": [{"food": "olive-oil"}],
        },
        foods,
    )
    check_plan(day, foods)
    assert next(i for i in day.items if i.food_id == "olive-oil").part_of


_GENEROUS = 60.0
"""Seconds for the plans whose verdict needs a plan (a default day, a few
tenths of a second quietly): at load 6-8 the default 10 s ran out (no plan,
SolverError); each checks it did not run to this limit."""


def _generous(request: dict[str, Any], foods: FoodTable) -> mealplan.MealPlan:
    plan = mealplan.plan({**request, "time_limit": _GENEROUS}, foods)
    assert plan.solve_seconds < _GENEROUS, plan.solve_seconds
    return plan


def test_dislikes_are_never_planned_and_likes_are_favoured(foods: FoodTable) -> None:
    base = _generous({"person": ADULT, "structure": True}, foods)
    eaten = sorted(_items(base))
    disliked = _generous(
        {"person": ADULT, "structure": True, "dislikes": eaten[:2]}, foods
    )
    check_plan(disliked, foods)
    assert not set(eaten[:2]) & _items(disliked)
    # A like is a tie-break (half a missed food-pattern serving a meal), so
    # one liked food may lose to the day's other needs: lentils alone did
    # once a meat at lunch had to be a serving (session 37). Two legumes
    # liked, at least one is eaten.
    likes = ["lentils", "chickpeas"]
    liked = _generous({"person": ADULT, "structure": True, "likes": likes}, foods)
    check_plan(liked, foods)

    def eaten_liked(plan: mealplan.MealPlan) -> int:
        return sum(i.food_id.split("-")[0] in likes for i in plan.items)

    assert eaten_liked(liked) > eaten_liked(base)


def test_variety_seed_is_deterministic_and_varies(foods: FoodTable) -> None:
    one = _generous({"person": ADULT, "structure": True, "variety_seed": 1}, foods)
    again = _generous({"person": ADULT, "structure": True, "variety_seed": 1}, foods)
    assert [(i.food_id, i.portions) for i in one.items] == [
        (i.food_id, i.portions) for i in again.items
    ]
    plans = [
        _items(
            _generous({"person": ADULT, "structure": True, "variety_seed": s}, foods)
        )
        for s in (1, 2, 3)
    ]
    assert len({frozenset(p) for p in plans}) > 1


def test_overridden_breakfast_structure_is_kept(foods: FoodTable) -> None:
    structure = [
        {
            "slot": "breakfast",
            "parts": [
                {"name": "hot cereal", "roles": ["cereal_hot"], "min_items": 1},
                {"name": "fruit", "roles": ["fruit"], "min_items": 1},
                {"name": "milk", "roles": ["dairy", "plant_milk"]},
            ],
        }
    ]
    result = mealplan.plan(
        {"person": ADULT, "structure": True, "meal_structure": structure}, foods
    )
    check_plan(result, foods)
    breakfast = [i for i in result.items if i.meal == "breakfast"]
    roles = {fid: set(foods.food(fid).roles) for fid in (i.food_id for i in breakfast)}
    assert any("cereal_hot" in r for r in roles.values()), roles
    assert any("fruit" in r for r in roles.values()), roles


def test_an_impossible_breakfast_is_named_by_the_diagnosis(foods: FoodTable) -> None:
    structure = [
        {
            "slot": "breakfast",
            "parts": [{"name": "cereal", "roles": ["cereal_rte"], "min_items": 1}],
        }
    ]
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(
            {
                "person": ADULT,
                "structure": True,
                "diet": "vegan",
                "meal_structure": structure,
                # No milk can come with the cereal: only cereal is allowed.
                "time_limit": 20,
            },
            foods,
        )
    assert info.value.diagnosis is not None
    names = {c.constraint for c in info.value.diagnosis.conflicts}
    assert "structure:breakfast" in names, names
    assert info.value.diagnosis is not None
    assert "breakfast" in info.value.diagnosis.message


requests = st.fixed_dictionaries(
    {
        "person": st.fixed_dictionaries(
            {
                "age": st.integers(4, 80),
                "sex": st.sampled_from(["female", "male"]),
            }
        ),
        "diet": st.sampled_from(["omnivore", "pescatarian", "vegetarian", "vegan"]),
        "allergies": st.lists(
            st.sampled_from(["milk", "egg", "peanuts", "tree_nuts", "fish", "wheat"]),
            max_size=2,
            unique=True,
        ),
        "likes": st.lists(
            st.sampled_from(["salmon", "yogurt", "beans", "oats", "apple"]),
            max_size=2,
        ),
        "dislikes": st.lists(st.sampled_from(["broccoli", "milk", "egg"]), max_size=1),
        "variety_seed": st.one_of(st.none(), st.integers(0, 10_000)),
        # One day: a day always returns its best plan found in time, so the
        # verdict does not depend on machine speed (weeks: test_weekly).
        "days": st.just(1),
        "time_limit": st.just(30),
        "structure": st.just(True),
        # The checks are on constraints, not optimality: the first plan found
        # is enough (two of six examples ran the full 30 s to a 40-80 % gap).
        "mip_gap": st.just(1.0),
    }
)


@settings(max_examples=6)
@given(request=requests)
def test_random_requests_keep_the_structure_rules(
    request: dict[str, Any], foods: FoodTable
) -> None:
    check_outcome(request, foods)


def test_cli_taste_flags_reach_the_request() -> None:
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mealplan",
            "plan",
            "--age",
            "35",
            "--sex",
            "female",
            "--like",
            "lentils",
            "--dislike",
            "banana",
            "--variety-seed",
            "7",
            "--structure",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    request = plan["request"]
    assert request["likes"] == ["lentils"]
    assert request["dislikes"] == ["banana"]
    assert request["variety_seed"] == 7
    assert request["structure"] is True
    assert all("banana" not in i["food_id"] for d in plan["days"] for i in d["items"])


def test_the_default_seed_is_the_persons_own_and_deterministic(
    foods: FoodTable,
) -> None:
    # Without variety_seed, a structured plan draws its tie-break preference
    # from the person, diet and allergies: the same person always gets the
    # same plan, and different people draw different preferences (banana and
    # millet were in 14 of 15 realism plans with no such seed).
    from mealplan._meal_structure import default_seed

    request = {"person": ADULT, "structure": True}
    first = mealplan.plan(request, foods)
    again = mealplan.plan(request, foods)
    assert [i.model_dump() for i in first.items] == [
        i.model_dump() for i in again.items
    ]
    seeds = {
        default_seed(mealplan.parse_request({"person": p, "structure": True}))
        for p in ({"age": 35, "sex": "female"}, {"age": 36, "sex": "female"})
    } | {default_seed(mealplan.parse_request({**request, "diet": "vegan"}))}
    assert len(seeds) == 3
