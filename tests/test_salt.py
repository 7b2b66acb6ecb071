"""Measured table salt where a day's foods fall short of the sodium AI (issue 12).

The planner adds salt after the solve (``mealplan._salt``); every plan the
suite makes goes through tests/checks.py, whose salt rules are written out
there (SR28 02047's 6 g teaspoon, eighths, from age 4, the fewest steps that
reach the AI from foods/dri_full.csv, never past a maximum). Here: those
rules on drawn days, without a solver, and what a person asks for.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import FoodTable, MealPlan, RequestError
from mealplan._cli import main
from mealplan._models import PlanItem
from mealplan._planner import parse_request, resolve_targets
from mealplan._salt import salt_ids, salt_text, with_salt
from tests.checks import (
    SALT_HOST_ROLES,
    _check_added_salt,
    _check_salt_item,
    cell_float,
    check_plan,
)
from tests.items import plan_item
from tests.plans import PlanCache
from tests.requesting import plan_off_the_clock
from tests.strategies import persons

VEGAN_MAN = {"person": {"age": 40, "sex": "male"}, "diet": "vegan"}


@cache
def _table() -> FoodTable:
    return mealplan.load_foods()


@cache
def _vegan_day() -> MealPlan:
    return plan_off_the_clock(VEGAN_MAN, _table())


def _salt(plan: MealPlan) -> list[PlanItem]:
    return [i for i in plan.items if i.kind == "salt"]


@pytest.mark.parametrize(
    ("portions", "text"),
    [
        (0.125, "⅛ tsp"),
        (0.25, "¼ tsp"),
        (0.375, "⅜ tsp"),
        (1.0, "1 tsp"),
        (1.625, "1⅝ tsp"),
    ],
)
def test_salt_reads_in_eighths_of_a_teaspoon(portions: float, text: str) -> None:
    assert salt_text(portions) == text


def test_salt_is_never_a_candidate_food() -> None:
    from mealplan._problem import build_problem

    table = _table()
    assert salt_ids(table) == {"salt"}
    # Not in a structured day, nor in a bare one (no meals, no structure),
    # where a condiment would otherwise be a food of its own.
    for extra in ({}, {"meals": None, "structure": False}):
        req = parse_request({**VEGAN_MAN, **extra})
        problem = build_problem(req, resolve_targets(req, table), table)
        assert "salt" not in problem.food_ids


def test_a_vegan_day_is_salted_up_to_the_sodium_ai() -> None:
    plan = _vegan_day()
    check_plan(plan, _table())  # the salt rules of tests/checks.py among them
    salt = _salt(plan)
    assert salt, "the vegan day's foods give less sodium than the 1,500 mg AI"
    (sodium,) = [t for t in plan.days[0].totals if t.nutrient == "sodium_mg"]
    assert 1500 <= sodium.amount <= 2300
    assert len({i.meal for i in salt}) == len(salt)  # one line a meal
    assert any("Table salt is added" in n for n in plan.notes)
    text = mealplan.render_text(plan, _table())
    assert "↳ seasoned with" in text
    assert "table salt" in text


def test_no_added_salt_when_asked_or_under_four(plans: PlanCache) -> None:
    plan = plan_off_the_clock({**VEGAN_MAN, "added_salt": False}, _table(), plans)
    assert not _salt(plan)
    assert not any("Table salt is added" in n for n in plan.notes)
    toddler = plan_off_the_clock(
        {"person": {"age": 2.5, "sex": "female"}, "diet": "vegan"}, _table()
    )
    assert not _salt(toddler)


def test_the_cli_flag_turns_it_off(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", "--age", "40", "--sex", "male", "--diet", "vegan"]
    assert main([*argv, "--no-added-salt", "--format", "json"]) == 0
    plan = MealPlan.model_validate_json(capsys.readouterr().out)
    assert plan.request.added_salt is False
    assert not _salt(plan)


def test_a_plan_with_salt_the_request_turned_off_is_refused() -> None:
    data = json.loads(_vegan_day().model_dump_json())
    data["request"]["added_salt"] = False
    with pytest.raises(ValueError, match="added_salt off"):
        MealPlan.model_validate(data)


def test_a_plan_with_salt_that_says_none_reached_its_ai_is_refused() -> None:
    data = json.loads(_vegan_day().model_dump_json())
    assert data["sodium_ai_by_salt"] is True
    data["sodium_ai_by_salt"] = False
    with pytest.raises(ValueError, match="sodium_ai_by_salt false"):
        MealPlan.model_validate(data)


def test_edited_salt_is_caught_on_regenerate(tmp_path: Path) -> None:
    plan = _vegan_day()
    data = json.loads(plan.model_dump_json())
    salted = next(i for i in data["days"][0]["items"] if i["kind"] == "salt")
    salted["portions"] += 0.125
    salted["grams"] = round(salted["portions"] * 6.0, 4)
    edited = MealPlan.model_validate(data)
    with pytest.raises(RequestError, match="added salt"):
        mealplan.regenerate(edited, day=1, meal="dinner", foods=_table())


def test_a_regenerated_meal_keeps_the_other_meals_and_salts_the_day() -> None:
    plan = _vegan_day()
    salted = {i.meal for i in _salt(plan)}
    assert salted
    # A meal other than a salted one is regenerated, whichever meals the
    # plan salts (the solver's choice of foods decides).
    meal = next(m.name for m in plan.request.meals or [] if m.name not in salted)
    again = mealplan.regenerate(plan, day=1, meal=meal, foods=_table())
    check_plan(again, _table())
    # The other meals stay as they were, their salt included (regenerating
    # dinner once took lunch's salt away when the new dinner was saltier).
    kept = [i for i in plan.items if i.meal != meal]
    assert any(i.kind == "salt" for i in kept)
    assert [i for i in again.items if i.meal != meal] == kept


def test_a_regenerated_meal_alone_gets_the_salt_the_day_still_needs() -> None:
    # Without a solver: the vegan day as if its dinner were regenerated (the
    # new dinner unsalted). The kept meals stay as they were, salt or none;
    # what the day is still short of goes to dinner alone.
    from mealplan._salt import Salter

    # A vegan man of 60: his day salts lunch and dinner (of 40, since the
    # fortified soy milk is vegan, his day salts lunch alone).
    plan = plan_off_the_clock(
        {**VEGAN_MAN, "person": {"age": 60, "sex": "male"}}, _table()
    )
    table = _table()
    req = plan.request
    salter = Salter.of(table, req, resolve_targets(req, table))
    assert salter is not None
    kept_meals = {i.meal for i in plan.items if i.meal != "dinner"}
    salt = {i.meal: i for i in plan.items if i.kind == "salt"}
    assert "dinner" in salt, salt
    assert set(salt) & kept_meals, salt

    def kept(items: list[PlanItem]) -> list[PlanItem]:
        return [i for i in items if i.meal in kept_meals]

    day = [i for i in plan.items if not (i.kind == "salt" and i.meal == "dinner")]
    out = salter.season(day, kept_meals=kept_meals)
    assert kept(out) == kept(day)
    # The fewest steps: dinner's salt as the plan had it.
    assert [i for i in out if i.meal == "dinner"] == [
        i for i in plan.items if i.meal == "dinner"
    ]
    # No salt left on the kept meals: dinner gets all the day needs, and
    # lunch is not salted (salting afresh would spread it over the day).
    bare = [i for i in plan.items if i.kind != "salt"]
    out = salter.season(bare, kept_meals=kept_meals)
    assert kept(out) == kept(bare)
    added = [i for i in out if i.kind == "salt"]
    assert added
    assert {i.meal for i in added} == {"dinner"}
    # A step more at lunch than the day needs is kept, not taken back.
    lunch = salt["lunch"]
    more = lunch.model_copy(
        update={
            "grams": lunch.grams + salter.step_g,
            "portions": lunch.portions + 0.125,
        }
    )
    richer = [more if i is lunch else i for i in day]
    out = salter.season(richer, kept_meals=kept_meals)
    assert kept(out) == kept(richer)
    assert more in out


# ----------------------------------------------------------------- property


def _savoury(table: FoodTable) -> list[str]:
    roles = dict(zip(table.ids, table.tags("roles"), strict=True))
    return sorted(f for f in table.ids if SALT_HOST_ROLES & set(roles[f]))


@settings(max_examples=40)
@given(
    person=persons(st.floats(1, 90)),
    picks=st.lists(
        st.tuples(st.integers(0, 10_000), st.floats(10, 500)), min_size=0, max_size=6
    ),
    added=st.booleans(),
)
def test_drawn_days_get_the_fewest_steps_within_every_limit(
    person: dict[str, Any], picks: list[tuple[int, float]], added: bool
) -> None:
    table = _table()
    savoury = _savoury(table)
    req = parse_request({"person": person, "added_salt": added})
    targets = resolve_targets(req, table)
    items: list[PlanItem] = []
    for k, (i, grams) in enumerate(picks):
        fid = savoury[i % len(savoury)]
        if any(o.food_id == fid for o in items):
            continue  # a food is at one meal of a day
        items.append(plan_item(fid, grams, ("lunch", "dinner")[k % 2]))
    out = with_salt(items, table, req, targets)
    assert [i for i in out if i.kind == "food"] == items  # foods untouched
    frame = table.frame
    totals: dict[str, float] = {}
    for col in table.nutrients:
        values = [(i.grams, cell_float(frame, i.food_id, col)) for i in out]
        totals[col] = sum(g * v / 100 for g, v in values if v == v)
    for item in out:
        if item.kind == "salt":
            _check_salt_item(item, out, table)
    _check_added_salt(req, out, totals, table, targets)


@pytest.mark.parametrize(
    "extra", [{"include": ["salt"]}, {"pins": [{"food": "salt", "meal": "lunch"}]}]
)
def test_asking_for_salt_as_a_food_is_a_request_error(extra: dict[str, Any]) -> None:
    with pytest.raises(RequestError, match="table salt"):
        mealplan.plan({**VEGAN_MAN, **extra}, _table())


def test_a_plan_saved_before_added_salt_can_be_regenerated(plans: PlanCache) -> None:
    # Saved by an earlier version: no salt lines, no added_salt field (a
    # plan made without added salt, its request's field taken out).
    plan = plan_off_the_clock({**VEGAN_MAN, "added_salt": False}, _table(), plans)
    data = json.loads(plan.model_dump_json())
    del data["request"]["added_salt"]
    old = MealPlan.model_validate(data)
    again = mealplan.regenerate(old, day=1, meal="dinner", foods=_table())
    check_plan(again, _table())
    assert _salt(again)  # the day planned again is salted


def test_a_dish_is_seasoned_only_when_nothing_else_can_be() -> None:
    # An FNDDS dish's recipe salts it already: the single food gets the salt.
    table = mealplan.load_foods(dishes=True)
    req = parse_request(VEGAN_MAN)
    targets = resolve_targets(req, table)
    dish = next(
        f
        for f, code, roles in zip(
            table.ids, table.texts("fndds_code"), table.tags("roles"), strict=True
        )
        if code and "main" in roles and table.food(f).vegan
    )

    # The dish is the bigger item, with more room under 1 % of its weight.
    rice = plan_item("brown-rice-cooked", 100.0, "dinner")
    salted = with_salt([plan_item(dish, 300.0, "dinner"), rice], table, req, targets)
    hosts = {i.part_of for i in salted if i.kind == "salt"}
    assert hosts == {"brown-rice-cooked"}
    # Alone, the dish is seasoned: its 300 g fall short of the man's AI.
    alone = with_salt([plan_item(dish, 300.0, "dinner")], table, req, targets)
    assert {i.part_of for i in alone if i.kind == "salt"} == {dish}


@pytest.mark.parametrize(
    "extra",
    [
        {"exclude": ["salt"]},
        {"dislikes": ["salt"]},
        {"bans": [{"food": "salt", "meal": "dinner"}]},
        {"bans": [{"food": "salt", "days": [1]}]},
    ],
)
def test_salt_the_request_says_no_to_is_never_added(
    extra: dict[str, Any], plans: PlanCache
) -> None:
    # The vegan man's foods give less sodium than the AI (he is salted
    # above): excluded, disliked or banned (even at one meal), no salt at
    # all, and the day is reported short of the AI instead.
    plan = plan_off_the_clock({**VEGAN_MAN, **extra}, _table(), plans)
    assert not _salt(plan)
    assert not any("Table salt is added" in n for n in plan.notes)
    (sodium,) = [t for t in plan.days[0].totals if t.nutrient == "sodium_mg"]
    assert sodium.amount < 1500
    # The reports then show the AI as not planned, and a note says why.
    assert plan.sodium_ai_by_salt is False
    row = next(
        line
        for line in mealplan.render_text(plan).splitlines()
        if line.strip().startswith("Sodium")
    )
    assert "1,500 mg (AI, not planned)" in row
    assert row.rstrip().endswith("short (not planned)")
    assert [n for n in plan.notes if n.startswith("No table salt is added")] == [
        "No table salt is added to reach the sodium AI of 1,500 mg: the request "
        "says no to salt (exclude, dislikes or a ban); the sodium shown is the "
        "foods' own, and the AI is reported, not planned."
    ]
    check_plan(plan, _table())
