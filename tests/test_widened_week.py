"""A longer plan lets foods recur before it lifts an RDA (issue 12, session 38).

Under the default variety rule (a food on at most half the days) the seed of
a week under the whole panel needs day-plans without a food in common; when
none comes in its share, the default rule yields (foods may recur on every
day, no meal repeats the day before, a note names those that do) before any
RDA or AI the default plans is lifted. The seed under the default rule is
made to fail here on purpose (the monkeypatched search), so the verdicts do
not depend on the machine's speed.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import given, settings

import mealplan
from mealplan import _plan_search
from mealplan._ai_floors import auto_minimums
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Problem, build_problem
from mealplan._sources import widened_week_note
from tests.checks import WIDENED_WEEK, check_plan, widened_week
from tests.strategies import days_eaten

WOMAN = {"age": 35, "sex": "female"}
TWO_DAYS = {"person": WOMAN, "days": 2, "time_limit": 60.0, "mip_gap": 1.0}


def _default_rule_fails(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """Make every search under the default variety rule end without a plan.

    Returns the ``max_days_per_food`` of each search asked, in order.
    """
    real = _plan_search.search
    asked: list[int | None] = []

    def search(req: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(req.max_days_per_food)
        if req.max_days_per_food is None:
            msg = "no seed in time (test)"
            raise mealplan.SolverError(msg, status="Time limit")
        return real(req, *args, **kwargs)

    monkeypatch.setattr(_plan_search, "search", search)
    return asked


def _planned_floors(plan: mealplan.MealPlan, foods: mealplan.FoodTable) -> set[str]:
    """Return the floors the default adds that ``plan`` still plans."""
    req = plan.request
    names = auto_minimums(req, resolve_targets(req, foods))
    return {
        n
        for n in names
        if (b := plan.targets.get(n)) is not None and b.minimum is not None
    }


def test_a_week_without_a_seed_in_time_lets_foods_recur_and_keeps_its_rdas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _default_rule_fails(monkeypatch)
    foods = mealplan.load_foods()
    plan = mealplan.plan(TWO_DAYS, foods)
    # Asked under the default rule first, then with foods allowed every day.
    assert asked[:2] == [None, 2]
    # Every RDA and AI the default plans is still planned (and met: the checker).
    names = auto_minimums(plan.request, resolve_targets(plan.request, foods))
    assert names
    assert _planned_floors(plan, foods) == names
    assert not plan.unplanned_minimums
    assert not [n for n in plan.notes if " not planned: no plan meeting" in n]
    # The echo is the caller's request: the rule yielded, the request did not.
    assert plan.request.max_days_per_food is None
    # Two days with foods allowed on both share some (no meal repeats).
    note = widened_week(plan)
    assert note is not None
    assert note.startswith("No plan of 2 days meeting every RDA and AI the default ")
    assert "with each food on at most 1 of them" in note
    assert note.endswith("(minimums not met in time are then lifted, with a note).")
    check_plan(plan, foods)


def test_a_mothers_week_lets_foods_recur_before_it_lifts_her_choline_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A mother's choline AI is a floor from the start, searched for in its
    # own share: a week of hers without a seed under the default rule lets
    # foods recur (the floor kept) before it lifts the floor (session 39: a
    # lactating vegan's week met it so, where it had been lifted).
    asked = _default_rule_fails(monkeypatch)
    foods = mealplan.load_foods()
    mother = {"age": 30, "sex": "female", "lactation": True}
    plan = mealplan.plan({**TWO_DAYS, "person": mother}, foods)
    assert asked[:2] == [None, 2]
    choline = plan.targets.get("choline_mg")
    assert choline is not None
    assert choline.minimum is not None
    assert not [n for n in plan.notes if " not planned: no plan meeting" in n]
    assert widened_week(plan) is not None
    check_plan(plan, foods)


def test_the_callers_own_variety_rule_never_yields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The same request with the caller's own limit: only a search under it,
    # which ends without a plan, so the RDAs are lifted as before.
    real = _plan_search.search
    asked: list[int | None] = []

    def search(req: Any, targets: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(req.max_days_per_food)
        if len(asked) == 1:
            msg = "no seed in time (test)"
            raise mealplan.SolverError(msg, status="Time limit")
        return real(req, targets, *args, **kwargs)

    monkeypatch.setattr(_plan_search, "search", search)
    foods = mealplan.load_foods()
    plan = mealplan.plan({**TWO_DAYS, "max_days_per_food": 1}, foods)
    assert set(asked) == {1}
    assert widened_week(plan) is None
    assert not any(WIDENED_WEEK in n for n in plan.notes)
    assert plan.unplanned_minimums
    assert [n for n in plan.notes if " not planned: no plan meeting" in n]
    check_plan(plan, foods)


def test_a_widened_weeks_meal_is_regenerated_within_its_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Regenerating keeps the days the plan has each food on (the rule it was
    # made under), so the days kept never break the rule by themselves.
    _default_rule_fails(monkeypatch)
    foods = mealplan.load_foods()
    plan = mealplan.plan(TWO_DAYS, foods)
    assert widened_week(plan) is not None
    monkeypatch.undo()
    again = mealplan.regenerate(plan, day=2, meal="dinner", foods=foods)
    kept = [d for d in plan.days if d.day != 2]
    assert [d.items for d in again.days if d.day != 2] == [d.items for d in kept]
    dinner = {i.food_id for i in plan.days[1].items if i.meal == "dinner"}
    assert {i.food_id for i in again.days[1].items if i.meal == "dinner"} != dinner
    check_plan(again, foods)


@functools.cache
def _week_problem() -> Problem:
    """The default 7-day problem of a woman of 35 (its foods and their indices)."""
    foods = mealplan.load_foods()
    req = parse_request({"person": WOMAN, "days": 7})
    return build_problem(req, resolve_targets(req, foods), foods)


@settings(max_examples=60, deadline=None)
@given(eaten=days_eaten(400, 7))
def test_the_note_names_each_base_over_the_default_with_its_days(
    eaten: dict[int, frozenset[int]],
) -> None:
    foods = mealplan.load_foods()
    req = parse_request({"person": WOMAN, "days": 7})
    problem = _week_problem()
    units = {(d, 0, f): 1.0 for f, on in eaten.items() for d in on}
    note = widened_week_note(req, problem, units, foods)
    # Restated from the table's own base column: the days of each base.
    base = dict(zip(foods.ids, foods.texts("base"), strict=True))
    days: dict[str, set[int]] = {}
    for f, on in eaten.items():
        fid = problem.food_ids[f]
        days.setdefault(base[fid] or fid, set()).update(on)
    over = {key: len(on) for key, on in days.items() if len(on) > 4}
    if not over:
        assert note is None
        return
    assert note is not None
    assert WIDENED_WEEK in note
    listed = note.split("rather than lift any: ")[1].split("; no meal")[0]
    assert listed == ", ".join(f"{k} ({n} days)" for k, n in sorted(over.items()))
