"""One grain or starch item at a lunch or dinner (issue 11).

Issue 11's dietitian, reading this session's plans: a vegan lunch of beans
with brown rice plus quinoa, a dinner of rice with stewed beans plus a cup of
wild rice, three potato pancakes plus spanakopita. The rule is the
``starch_per_meal`` row of ``foods/portion_caps.csv``; the model's rows are
read without the solver, and the independent checks (``tests/checks.py``,
which decide what is a starch on their own) and the realism counts must
catch each fault on a plan edited by hand.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

import mealplan
from mealplan._fped import POTATO
from mealplan._planner import resolve_targets
from mealplan._problem import ConstraintGroup, GroupKind, Problem, build_problem
from mealplan._realism import realism_defects
from mealplan._structure import dish_starch_oz_eq, is_starch, load_caps, starch_flags
from mealplan._structure_blocks import conflict_text
from tests.checks import check_structure, starch_items
from tests.items import with_meal
from tests.plans import PlanCache


@cache
def _dishes() -> mealplan.FoodTable:
    return mealplan.load_foods(dishes=True)


def _problem(table: mealplan.FoodTable, **extra: Any) -> Problem:
    req = mealplan.PlanRequest(person={"age": 40, "sex": "male"}, **extra)
    return build_problem(req, resolve_targets(req, table), table)


def _meal(problem: Problem, name: str) -> int:
    return next(k for k, m in enumerate(problem.meals) if m.name == name)


def test_the_caps_file_holds_the_rule_at_lunch_and_dinner_only() -> None:
    (cap,) = [c for c in load_caps() if c.kind == "starch"]
    assert cap.cap_id == "starch_per_meal"
    assert cap.scope == "meal"
    assert cap.values == {"lunch", "dinner"}
    assert cap.max_items == 1
    assert "breakfast" in cap.reasoning  # the choice to leave it free, said


@cache
def _dish_problem() -> Problem:
    return _problem(_dishes(), diet="vegan")


def test_the_model_holds_one_starch_a_lunch_or_dinner_with_dishes() -> None:
    problem = _dish_problem()
    assert problem.structure is not None
    ids = problem.food_ids
    table = _dishes()
    independent = starch_items(table)
    rows = [r for r in problem.structure.meal_caps if r.cap_id == "starch_per_meal"]
    assert {problem.meals[r.meal].name for r in rows} == {"lunch", "dinner"}
    for row in rows:
        assert row.group == "starch"
        assert row.max_items == 1
        chosen = {ids[f] for f in row.foods}
        assert {
            "beans-and-brown-rice",
            "quinoa-cooked",
            "tortilla-corn",
            "potato-baked",
        } <= chosen
        # Beans, tofu and a curry without rice are no starch.
        assert not chosen & {"black-beans-cooked", "tofu-firm-calcium"}
        # Exactly the foods the checks call a starch, by their own reading.
        meal_foods = {ids[f] for f in problem.meals[row.meal].foods}
        assert chosen == meal_foods & independent
    group = ConstraintGroup(GroupKind.STRUCTURE, "starch")
    assert group in problem.groups
    # The diagnosis switches the group off, and only it.
    table = _dishes()
    req = mealplan.PlanRequest(person={"age": 40, "sex": "male"}, diet="vegan")
    off = build_problem(req, resolve_targets(req, table), table, disabled=[group])
    assert off.structure is not None
    assert not [r for r in off.structure.meal_caps if r.group == "starch"]
    assert len(off.structure.meal_caps) == len(problem.structure.meal_caps) - 2
    # Breakfast is free: oatmeal or cereal with toast.
    breakfast = _meal(problem, "breakfast")
    assert not [
        r
        for r in problem.structure.meal_caps
        if r.meal == breakfast and r.group == "starch"
    ]


def test_without_dishes_the_rule_adds_no_row() -> None:
    # The lunch's grain or starch part (grain_side, bread: at most one)
    # already is the rule: the single-food model is left as it was.
    problem = _problem(mealplan.load_foods(dishes=False))
    assert problem.structure is not None
    assert not [r for r in problem.structure.meal_caps if r.group == "starch"]
    # Nor an empty group for the diagnosis to try.
    assert ConstraintGroup(GroupKind.STRUCTURE, "starch") not in problem.groups
    m = _meal(problem, "lunch")
    (part,) = [
        r
        for r in problem.structure.parts
        if r.meal == m and r.name == "grain or starch"
    ]
    assert part.max_items == 1


def test_a_callers_own_lunch_structure_says_how_many_starches() -> None:
    lunch = {
        "slot": "lunch",
        "parts": [
            {"name": "main", "roles": ["main", "protein"], "min_items": 1},
            {"name": "grains", "roles": ["grain_side", "bread"], "max_items": 2},
        ],
    }
    problem = _problem(_dishes(), diet="vegan", meal_structure=[lunch])
    assert problem.structure is not None
    rows = [r for r in problem.structure.meal_caps if r.group == "starch"]
    assert {problem.meals[r.meal].name for r in rows} == {"dinner"}


def test_is_starch_reads_roles_and_a_dishs_grains() -> None:
    assert is_starch({"grain_side"})
    assert is_starch({"bread"})
    assert not is_starch({"main"}, 0.5)
    assert is_starch({"main"}, 0.75)
    assert not is_starch({"protein"})


def test_the_dish_threshold_sorts_known_dishes() -> None:
    table = _dishes()
    starch = starch_items(table)
    for fid in (
        "rice-with-stewed-beans-puerto-rican-style",
        "beans-and-brown-rice",
        "spanakopitta",
        "potato-pancake",
    ):
        assert fid in starch, fid
    for fid in ("channa-saag", "chicken-breast-roasted", "black-beans-cooked"):
        assert fid in table.ids, fid
        assert fid not in starch, fid


def test_a_potato_dish_is_the_meals_starch() -> None:
    # FPED's white potatoes (V_STARCHY_POTATO) count at 2 oz-eq a cup: a
    # potato salad or a shepherd's pie is the starch of its meal as a baked
    # potato is, so a side of rice beside it is a second starch. A stew with
    # grain and potato below 3/4 oz-eq a serving is not.
    table = _dishes()
    starch = starch_items(table)
    flags = dict(zip(table.ids, starch_flags(table), strict=True))
    for fid in (
        "potato-salad-with-egg-made-with-mayonnaise-type-salad-dr",
        "shepherd-s-pie-with-beef",
        "potato-mashed-from-fresh-made-with-milk",
        "stewed-potatoes",
    ):
        assert fid in starch, fid
        assert flags[fid], fid
    assert dish_starch_oz_eq({"grains": 0.0, POTATO: 0.5}, 100.0) == 1.0
    assert dish_starch_oz_eq({"grains": 0.3}, 100.0) == pytest.approx(0.3)
    assert dish_starch_oz_eq(None, 100.0) == 0.0


def _edited(plan: mealplan.MealPlan, meal: str, foods: list[tuple[str, float]]) -> Any:
    return with_meal(plan, _dishes(), meal, foods)


def _plan(plans: PlanCache) -> mealplan.MealPlan:
    return plans.plan(
        mealplan.PlanRequest(person={"age": 50, "sex": "male"}, mip_gap=1.0),
        foods=_dishes(),
    )


@pytest.mark.parametrize(
    ("meal", "foods"),
    [
        ("lunch", [("beans-and-brown-rice", 200.0), ("quinoa-cooked", 185.0)]),
        (
            "dinner",
            [
                ("rice-with-stewed-beans-puerto-rican-style", 188.0),
                ("wild-rice-cooked", 164.0),
                ("broccoli-cooked", 78.0),
            ],
        ),
        ("dinner", [("potato-pancake", 210.0), ("spanakopitta", 162.0)]),
    ],
)
def test_the_checks_catch_two_starches(
    meal: str, foods: list[tuple[str, float]], plans: PlanCache
) -> None:
    plan = _plan(plans)
    table = _dishes()
    assert realism_defects(plan, table)["two_starches"] == 0
    bad = _edited(plan, meal, foods)
    assert realism_defects(bad, table)["two_starches"] == 1
    with pytest.raises(AssertionError, match="starch_per_meal"):
        check_structure(bad, table)


def test_oatmeal_and_toast_is_a_breakfast(plans: PlanCache) -> None:
    plan = _plan(plans)
    table = _dishes()
    fine = _edited(
        plan,
        "breakfast",
        [("oatmeal-cooked-water", 234.0), ("bread-whole-wheat", 32.0)],
    )
    assert realism_defects(fine, table)["two_starches"] == 0


def test_two_pinned_starches_at_lunch_are_named_by_the_diagnosis() -> None:
    pins = [
        {"food": "beans-and-brown-rice", "meal": "lunch"},
        {"food": "quinoa-cooked", "meal": "lunch"},
    ]
    with pytest.raises(mealplan.InfeasiblePlanError) as info:
        mealplan.plan(
            {
                "person": {"age": 40, "sex": "male"},
                "diet": "vegan",
                "pins": pins,
                "time_limit": 30,
            },
            _dishes(),
        )
    assert info.value.diagnosis is not None
    names = {c.constraint for c in info.value.diagnosis.conflicts}
    assert {"structure:starch", "pins"} <= names, names
    assert "one grain or starch item at a lunch or dinner" in str(info.value)


def test_the_diagnosis_names_the_rule_in_plain_words() -> None:
    request = mealplan.PlanRequest(person={"age": 40, "sex": "male"})
    what, fix = conflict_text(ConstraintGroup(GroupKind.STRUCTURE, "starch"), request)
    assert "one grain or starch item at a lunch or dinner" in what
    assert "starch_per_meal" in fix
