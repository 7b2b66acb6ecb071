"""FDA/EPA's fish advice a day: one serving of fish at most (``daily_fish_caps``).

A pregnant woman's 1-day plan held two fish mains, 9 oz of fish; the weekly
cap (12 oz) has no week to count in a 1-day plan. The caps table's fish day
rows (one FDA/EPA serving a day: 1-4 oz for children 1-11, 4 oz in pregnancy
and lactation) are a safety rule: they hold in every day of every plan, with
the portion caps off too, an include or pin past one is refused (exit 2),
and the diagnosis names them. ``tests/checks.py`` re-checks every day from
the plan and the caps file alone, by its own reading of the rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import UnsafeFoodError
from mealplan._catalog import load_foods
from mealplan._cli import main
from mealplan._day_seed import _day_by_day
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._life_stage_caps import load_life_stage_caps
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import ConstraintGroup, GroupKind, Problem, build_problem
from mealplan._relax import relax_group
from mealplan._week_caps import day_amounts
from mealplan._weekly import _day_types
from mealplan._weekly_seed import Contested, rotation_seed
from tests.checks import check_life_stage_caps, check_plan, fish_classes
from tests.requesting import GENEROUS_LIMIT, first_plan_or_none
from tests.strategies import pregnant_or_lactating

OZ = 28.349523125
PREGNANT = {"age": 30, "sex": "female", "pregnancy": True}
LACTATING = {"age": 30, "sex": "female", "lactation": True}
SALMON, TUNA, TILAPIA = (
    "salmon-sockeye-canned",
    "tuna-light-canned-oil",
    "tilapia-cooked",
)


@pytest.fixture(scope="module")
def foods() -> mealplan.FoodTable:
    return load_foods()


def _problem(request: dict[str, Any], foods: mealplan.FoodTable) -> Problem:
    req = parse_request(request)
    return build_problem(req, resolve_targets(req, foods), foods)


def fish_oz(plan: mealplan.MealPlan, foods: mealplan.FoodTable) -> list[float]:
    """Ounces of fish (a dish: its recipe's fish) on each day, read independently."""
    fish = fish_classes(foods)
    return [
        sum(i.grams * fish[i.food_id][1] for i in d.items if i.food_id in fish) / OZ
        for d in plan.days
    ]


# ------------------------------------------------------------------ the data


def test_every_child_age_and_pregnancy_have_a_fish_day_cap() -> None:
    day = {
        c.cap_id: c
        for c in load_life_stage_caps()
        if c.scope == "day" and c.fish_advice
    }
    # One FDA/EPA serving a day: the child's serving by age, 4 oz for an adult.
    assert {k: (c.min_age, c.max_age, c.amount, c.unit) for k, c in day.items()} == {
        "toddler_fish_day": (1, 4, 1, "oz"),
        "child_fish_day": (4, 8, 2, "oz"),
        "child_fish_day_8": (8, 11, 3, "oz"),
        "child_fish_day_11": (11, 12, 4, "oz"),
        "pregnancy_fish_day": (0, 130, 4, "oz"),
    }
    assert day["pregnancy_fish_day"].life_stages == {"pregnancy", "lactation"}
    for cap in day.values():
        assert "fda.gov/fishadvice" in cap.source
        assert cap.reasoning
        assert cap.selectors == (
            ("category", frozenset({"fish_seafood"})),
            ("fish", frozenset({"any"})),
        )
    # Every age of the advice's children has one, and none is left out.
    for age in range(1, 12):
        assert sum(c.applies(age) for c in day.values() if not c.life_stages) == 1
    # Each has its item row (implied, but each fish's bound in the model).
    items = {
        (c.min_age, c.max_age, c.life_stages, c.selectors): c.amount
        for c in load_life_stage_caps()
        if c.scope == "item" and c.fish_advice
    }
    for cap in day.values():
        key = (cap.min_age, cap.max_age, cap.life_stages, cap.selectors)
        assert items[key] == cap.amount, cap.cap_id
    # The day cap is never above the week's (a day of it is 1/3 of the week).
    week = {
        (c.min_age, c.max_age, frozenset(c.life_stages)): c.amount
        for c in load_life_stage_caps()
        if c.scope == "week" and "_good_" not in c.cap_id
    }
    for cap in day.values():
        assert (
            cap.amount * 3 == week[cap.min_age, cap.max_age, frozenset(cap.life_stages)]
        )


def test_the_cap_is_its_own_safety_group(foods: mealplan.FoodTable) -> None:
    for person in (PREGNANT, LACTATING):
        problem = _problem({"person": person}, foods)
        assert [(r.cap_id, r.limit) for r in problem.fish_day_caps] == [
            ("pregnancy_fish_day", 4)
        ]
        assert "daily_fish_caps" in problem.group_names
        # A safety rule, not a portion cap: it stays with the portion caps off.
        loose = _problem({"person": person, "portion_limits": False}, foods)
        assert [r.cap_id for r in loose.fish_day_caps] == ["pregnancy_fish_day"]
        assert loose.day_caps == ()
        # Switched off (the diagnosis), there is none.
        req = parse_request({"person": person})
        off = build_problem(
            req, resolve_targets(req, foods), foods, disabled={"daily_fish_caps"}
        )
        assert off.fish_day_caps == ()
    for person in ({"age": 30, "sex": "female"}, {"age": 30, "sex": "male"}):
        problem = _problem({"person": person}, foods)
        assert problem.fish_day_caps == ()
        assert "daily_fish_caps" not in problem.group_names
    # Salmon's ounces per unit: a half of its 3 oz portion is 1 1/2 oz.
    problem = _problem({"person": PREGNANT}, foods)
    (row,) = problem.fish_day_caps
    k = problem.food_ids.index(SALMON)
    assert dict(zip(row.foods, row.per_unit, strict=True))[k] == pytest.approx(
        float(problem.unit_grams[k]) / OZ
    )
    group = ConstraintGroup.parse("daily_fish_caps")
    assert group.kind is GroupKind.DAILY_FISH_CAPS
    assert "fish" in group.words


def test_a_dish_counts_its_recipes_fish() -> None:
    table = load_foods(dishes=True)
    problem = _problem({"person": PREGNANT}, table)
    (row,) = problem.fish_day_caps
    fish = fish_classes(table)
    dishes = [
        (problem.food_ids[f], w)
        for f, w in zip(row.foods, row.per_unit, strict=True)
        if fish[problem.food_ids[f]][1] < 1
    ]
    assert dishes, "no dish with fish among the candidates"
    for fid, w in dishes:
        k = problem.food_ids.index(fid)
        assert w == pytest.approx(float(problem.unit_grams[k]) / OZ * fish[fid][1])


# ----------------------------------------------------------------- the plans


@pytest.fixture(scope="module")
def pescatarian_day(foods: mealplan.FoodTable) -> mealplan.MealPlan:
    """A pregnant pescatarian's day that likes fish: 4.6 oz before the cap.

    Optimised (not the first plan): fish is what the objective wants most,
    so the cap is what holds it (0.3 s of CPU).
    """
    body = {
        "person": PREGNANT,
        "diet": "pescatarian",
        "likes": ["fish"],
        "time_limit": GENEROUS_LIMIT,
    }
    plan = mealplan.plan(body, foods)
    assert not any("time limit" in n.lower() for n in plan.notes), plan.notes
    return plan


def test_a_pregnant_pescatarian_day_holds_one_serving(
    pescatarian_day: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    check_plan(pescatarian_day, foods)  # check_life_stage_caps among the rest
    (oz,) = fish_oz(pescatarian_day, foods)
    assert 0 < oz <= 4 * (1 + 1e-6)  # fish liked: some, one serving at most
    assert any("pregnancy_fish_day 4 oz" in n for n in pescatarian_day.notes)


def test_the_checker_catches_two_fish_mains(
    pescatarian_day: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    # The day's first item made 5 oz of tilapia (the checker's own reading).
    (day,) = pescatarian_day.days
    items = [
        day.items[0].model_copy(update={"food_id": TILAPIA, "grams": 5 * OZ}),
        *day.items[1:],
    ]
    over = pescatarian_day.model_copy(
        update={"days": [day.model_copy(update={"items": items})]}
    )
    with pytest.raises(AssertionError, match="pregnancy_fish_day"):
        check_life_stage_caps(over, foods)
    # A safety rule: checked with the portion caps off too.
    with pytest.raises(AssertionError, match="pregnancy_fish_day"):
        check_life_stage_caps(over, foods, portion_limits=False)
    # Not for a woman who is neither pregnant nor lactating.
    person = over.request.person
    assert person is not None
    plain = over.model_copy(
        update={
            "request": over.request.model_copy(
                update={"person": person.model_copy(update={"pregnancy": False})}
            )
        }
    )
    check_life_stage_caps(plain, foods)


def test_without_portion_caps_the_day_keeps_one_serving(
    foods: mealplan.FoodTable,
) -> None:
    body = {
        "person": LACTATING,
        "diet": "pescatarian",
        "likes": ["fish"],
        "portion_limits": False,
        "time_limit": GENEROUS_LIMIT,
    }
    plan = mealplan.plan(body, foods)
    assert not any("time limit" in n.lower() for n in plan.notes), plan.notes
    # check_plan's meal-structure checks assume the portion caps: the fish
    # caps alone, as check_plan reads them for such a plan.
    check_life_stage_caps(plan, foods, portion_limits=False)
    assert fish_oz(plan, foods)[0] <= 4 * (1 + 1e-6)
    assert any("pregnancy_fish_day 4 oz" in n for n in plan.notes)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    person=pregnant_or_lactating(),
    diet=st.sampled_from(["omnivore", "pescatarian"]),
    likes=st.sampled_from([[], ["fish"]]),
    days=st.sampled_from([1, 1, 2]),
)
def test_every_pregnant_or_lactating_day_holds_one_serving(
    person: dict[str, Any], diet: str, likes: list[str], days: int
) -> None:
    """Any such person, diet and taste: every day of the plan at most 4 oz."""
    foods = load_foods()
    request = {"person": person, "diet": diet, "likes": likes, "days": days}
    plan = first_plan_or_none(request, foods)
    if plan is None:
        return
    check_plan(plan, foods)
    assert all(oz <= 4 * (1 + 1e-6) for oz in fish_oz(plan, foods))


def test_each_seeded_day_holds_one_serving(foods: mealplan.FoodTable) -> None:
    """The day-by-day and rotation seeds plan each day under the cap."""
    req = parse_request(
        {"person": PREGNANT, "diet": "pescatarian", "likes": ["fish"], "days": 2}
    )
    targets = resolve_targets(req, foods)
    problem = build_problem(req, targets, foods)
    day_by_day = _day_by_day(req, targets, foods)
    assert day_by_day is not None
    rotation = rotation_seed(req, targets, foods, Deadline(GENEROUS_LIMIT))
    assert not isinstance(rotation, Contested), rotation
    for seed in (day_by_day, rotation):
        if seed is None:  # no rotation for this request: the day-by-day alone
            continue
        amounts = day_amounts(problem.fish_day_caps, seed)
        assert any(a > 0 for a in amounts.values())  # fish liked: some
        assert all(a <= 4 * (1 + 1e-6) for a in amounts.values()), amounts


def test_every_day_of_every_model_has_the_row(foods: mealplan.FoodTable) -> None:
    """Solver-free: the whole-plan model and the column generation's pricing.

    A row of group daily_fish_caps at 4 oz on each day of the 3-day model,
    and in each day type's pricing problem (whose columns the master
    combines, so every column keeps the cap).
    """
    req = parse_request({"person": LACTATING, "days": 3})
    targets = resolve_targets(req, foods)
    group = ConstraintGroup(GroupKind.DAILY_FISH_CAPS)

    def rows(problem: Any) -> list[float]:
        model = formulate(problem)
        return [
            float(model.row_upper[r])
            for r, g in enumerate(model.row_group)
            if g == group
        ]

    assert rows(build_problem(req, targets, foods)) == [pytest.approx(4.0)] * 3
    pricing = _day_types(req, targets, foods).pricing
    assert pricing
    for problem in pricing:
        assert rows(problem) == [pytest.approx(4.0)]


def test_regenerate_keeps_one_serving(
    pescatarian_day: mealplan.MealPlan, foods: mealplan.FoodTable
) -> None:
    new = mealplan.regenerate(pescatarian_day, day=1, foods=foods)
    assert new.days[0].items != pescatarian_day.days[0].items
    check_life_stage_caps(new, foods)
    assert fish_oz(new, foods)[0] <= 4 * (1 + 1e-6)


# ---------------------------------------------------- includes and diagnosis


def test_fish_included_within_a_serving_is_planned(foods: mealplan.FoodTable) -> None:
    """Solver-free: two half portions (1 1/2 oz each) are 3 oz, within 4 oz."""
    problem = _problem({"person": PREGNANT, "include": [SALMON, TUNA]}, foods)
    assert not problem.impossible


@pytest.mark.parametrize(
    ("request_", "where"),
    [
        ({"person": PREGNANT, "include": [SALMON, TUNA, TILAPIA]}, "include"),
        (
            {
                "person": LACTATING,
                "days": 2,
                "include": [TILAPIA],
                "pins": [{"food": SALMON, "days": [2]}, {"food": TUNA, "days": [2]}],
            },
            "include and pins",
        ),
    ],
)
def test_fish_placed_past_a_serving_is_refused(
    foods: mealplan.FoodTable, request_: dict[str, Any], where: str
) -> None:
    """Three half portions are 4 1/2 oz a day: refused before any solve."""
    with pytest.raises(UnsafeFoodError, match="pregnancy_fish_day") as caught:
        _problem(request_, foods)
    assert caught.value.rule == "pregnancy_fish_day"
    assert caught.value.food in {SALMON, TUNA, TILAPIA}
    assert f"in {where} hold at least 4.5 oz of fish" in str(caught.value)
    # Without the life stage the same request builds: no fish day cap holds.
    person = {k: v for k, v in request_["person"].items() if k == "age" or k == "sex"}
    assert not _problem({**request_, "person": person}, foods).fish_day_caps


def test_fish_included_past_a_serving_exits_2_on_the_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["plan", "--age", "30", "--sex", "female", "--pregnant"]
    for food in (SALMON, TUNA, TILAPIA):
        args += ["--include", food]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "pregnancy_fish_day's 4 oz a day" in err
    assert "fda.gov/fishadvice" in err
    assert "\n" not in err


def test_the_diagnosis_names_the_daily_fish_cap(foods: mealplan.FoodTable) -> None:
    """60 ug of vitamin D a day from food, no fortified foods nor mushrooms.

    Fish is then the source, and one serving a day too little; without the
    portion caps (which the cap outlives) the diagnosis takes 2 s of CPU.
    """
    request = {
        "person": PREGNANT,
        "diet": "pescatarian",
        "allow_fortified": False,
        "exclude": ["mushrooms"],
        "portion_limits": False,
        "bounds": {"vitamin_d_ug": {"minimum": 60}},
        "time_limit": GENEROUS_LIMIT,
    }
    with pytest.raises(mealplan.InfeasiblePlanError) as caught:
        mealplan.plan(request, foods)
    assert caught.value.diagnosis is not None
    conflicts = {c.constraint: c for c in caught.value.diagnosis.conflicts}
    assert "daily_fish_caps" in conflicts
    assert conflicts["daily_fish_caps"].proven
    assert "fish limit a day" in str(caught.value)


def test_the_advice_never_lifts_the_daily_fish_cap() -> None:
    found = relax_group(None, "daily_fish_caps")  # type: ignore[arg-type]
    assert found.suggestion is None
    assert found.note is not None
    assert "never" in found.note
