"""The guided start's cutoff tests stop on an effort limit, never on the clock."""

from __future__ import annotations

import math
from typing import Any

import pytest

import mealplan
from mealplan import _guided_start, _solution
from mealplan._deadline import Deadline
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from tests.checks import check_plan
from tests.counting import patch_solver
from tests.requesting import plan_off_the_clock


def test_a_cutoff_test_stopped_by_its_node_limit_falls_through_to_a_valid_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With no nodes allowed, every restricted MILP under the gap-test cutoff
    # stops with "no plan found" (as the vegetarian man of 22's did, after
    # 50): the strategy must go on to the restriction without the cutoff
    # and still return a plan that meets every rule, within its deadline.
    calls: list[tuple[int | None, bool]] = []
    run = _solution._run

    def spy(*args: Any, **kwargs: Any) -> Any:
        options = args[4]
        solution, result = run(*args, **kwargs)
        if options.cutoff is not None:
            calls.append((options.node_limit, bool(solution.units)))
        return solution, result

    patch_solver(monkeypatch, "_CUTOFF_NODES", 0)
    patch_solver(monkeypatch, "_run", spy)
    foods = mealplan.load_foods()
    request = {"person": {"age": 35, "sex": "female"}, "diet": "vegan"}
    result = plan_off_the_clock(request, foods)
    assert calls, "the guided start ran no cutoff test"
    assert all(limit == 0 for limit, _ in calls)
    assert result.status in (mealplan.PlanStatus.OPTIMAL, mealplan.PlanStatus.FEASIBLE)
    check_plan(result, foods)


def test_a_structured_day_widens_its_restriction_in_three_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Under the meal structure the gap test is tried on the relaxation's
    # foods, then with each meal's 5 foods of lowest reduced cost added, then
    # with the 30 of lowest reduced cost over the whole day; when all fail,
    # the support with 60 added is solved without the cutoff
    # (benchmarks/daily_tail.py: the smaller steps pass the test more often,
    # and sooner; the per-meal step holds the pregnant day's plan). With no
    # nodes allowed every test fails, so all four run.
    tests: list[set[int]] = []
    sub_mips: list[bool] = []
    cuts: list[bool] = []
    jumps: list[bool] = []
    free: list[set[int]] = []
    run = _solution._run

    def spy(*args: Any, **kwargs: Any) -> Any:
        model, options = args[1], args[4]
        foods = set(model.keys[:, 2].tolist())
        if options.cutoff is not None:
            tests.append(foods)
            sub_mips.append(options.sub_mips)
            cuts.append(options.cuts)
            jumps.append(options.feasibility_jump)
        elif model.is_mip:
            free.append(foods)  # the widest restriction, then the full MILP
        return run(*args, **kwargs)

    patch_solver(monkeypatch, "_CUTOFF_NODES", 0)
    patch_solver(monkeypatch, "_run", spy)
    # The single foods (a dish day adds the single foods' support first).
    foods = mealplan.load_foods(dishes=False)
    request = {"person": {"age": 35, "sex": "female"}, "diet": "vegan"}
    result = mealplan.plan({**request, "time_limit": 120, "mip_gap": 1.0}, foods)
    assert len(tests) == 3
    support, per_meal, first = tests
    # RINS and RENS at the support's root only: a widened restriction that
    # fails the test spent most of its 1-4 s of CPU in them.
    assert sub_mips == [True, False, False]
    # No cut pool on the support's restriction: its first plan under the
    # cutoff ends it, and HiGHS finds that plan only after the root's cut
    # rounds; the widenings keep their cuts (several pass only with them).
    assert cuts == [False, True, True]
    # Nor the feasibility jump there (it found nothing the others did not).
    assert jumps == [False, True, True]
    meals = len(result.request.meals or [])
    assert support < per_meal
    assert len(per_meal - support) <= _guided_start._WIDEN_PER_MEAL * meals
    assert support < first
    assert len(first - support) <= _guided_start._WIDEN_STRUCTURED_FIRST
    assert free, "the widest restriction was not solved without the cutoff"
    second = free[0]
    assert first < second
    assert (
        len(first - support) < len(second - support) <= _guided_start._WIDEN_STRUCTURED
    )
    check_plan(result, foods)


@pytest.mark.parametrize(
    ("person", "switched_on"),
    [({"age": 3, "sex": "male"}, False), ({"age": 35, "sex": "female"}, True)],
    ids=["toddler", "adult-switched-on"],
)
def test_a_widest_restriction_without_a_plan_asks_for_any_plan_first(
    monkeypatch: pytest.MonkeyPatch, person: dict[str, Any], switched_on: bool
) -> None:
    # A toddler's widest restriction can use its whole share without any
    # plan (a vegetarian boy of 3: none in 2.3 s with the objective, one in
    # 1.9 s without it), and the request then ended with no plan. Forced
    # here: every cutoff test fails at its node limit, and the widest
    # restriction with its objective is given no time. The guided start
    # must then ask the same restriction for any plan (no objective), start
    # the objective's search from it, and return a plan that meets every
    # rule: for a child of 1-3 by default, for an adult only with the switch
    # on (see _guided_start._ANY_PLAN_FIRST).
    starved: list[set[int]] = []
    any_plan: list[set[int]] = []
    started: list[set[int]] = []
    run = _solution._run

    def spy(*args: Any, **kwargs: Any) -> Any:
        model, options = args[1], args[4]
        start = args[5] if len(args) > 5 else kwargs.get("start")
        foods = set(model.keys[:, 2].tolist())  # (the objective adds columns)
        if model.is_mip and options.cutoff is None:
            if math.isinf(options.abs_gap):
                any_plan.append(foods)
            elif start and len(starved) == 1 and not started:
                started.append(foods)
            elif not start and not starved:
                starved.append(foods)
                expired = Deadline(0.0)
                return run(args[0], model, args[2], expired, options, *args[5:])
        return run(*args, **kwargs)

    patch_solver(monkeypatch, "_CUTOFF_NODES", 0)
    patch_solver(monkeypatch, "_run", spy)
    if switched_on:
        monkeypatch.setattr(_guided_start, "_ANY_PLAN_FIRST", True)
    foods = mealplan.load_foods(dishes=False)
    request = {"person": person, "diet": "vegetarian"}
    result = mealplan.plan({**request, "time_limit": 120}, foods)
    assert starved, "the widest restriction was never solved without the cutoff"
    # Any plan of the same restriction, then its objective from that plan.
    assert any_plan[:1] == starved
    assert started == starved
    assert result.status in (mealplan.PlanStatus.OPTIMAL, mealplan.PlanStatus.FEASIBLE)
    check_plan(result, foods)


@pytest.mark.parametrize("age", [1.0, 2.5, 3.99, 4.0, 35.0])
def test_only_a_child_of_1_to_3_asks_for_any_plan_first_by_default(age: float) -> None:
    """Solver-free: the flag the guided start reads, by age (an adult's full
    MILP finds the plan the any-plan step would have taken the time of)."""
    foods = mealplan.load_foods(dishes=False)
    req = parse_request({"person": {"age": age, "sex": "female"}})
    problem = build_problem(req, resolve_targets(req, foods), foods)
    assert problem.any_plan_first is (1.0 <= age < 4.0)
