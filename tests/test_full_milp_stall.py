"""After the guided start, the full MILP stops once it stalls (no clock in the tests)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import mealplan
from mealplan import _guided_start, _solution
from mealplan._optimiser import Solution, SolveStatus, _full_milp_stop
from mealplan._stops import stall_once_planned, stall_stop
from tests.checks import check_plan
from tests.counting import patch_solver


def test_the_stall_stop_ends_the_search_only_after_its_seconds_without_a_better_plan() -> (
    None
):
    now = [100.0]
    stop = stall_stop(3.0, clock=lambda: now[0])
    assert not stop(5.0, 1.0)  # the start: the clock restarts
    now[0] = 102.9
    assert not stop(5.0, 1.2)  # no better plan, still within 3 s
    now[0] = 103.5
    assert not stop(4.0, 1.2)  # a better plan restarts the clock
    now[0] = 106.4
    assert not stop(4.0, 1.3)
    now[0] = 106.6
    assert stop(4.0, 1.3)  # 3.1 s without a better plan
    assert stop(4.0 - 1e-12, 1.3)  # rounding is no better plan


def test_a_restrictions_stall_counts_from_its_first_plan() -> None:
    # The budget's cheapest restriction (Restriction.stall) never stops
    # plan-less: a slow first plan keeps its time, then the stall counts.
    now = [100.0]
    stop = stall_once_planned(0.3, clock=lambda: now[0])
    assert not stop(float("inf"), 1.0)
    now[0] = 105.0
    assert not stop(float("inf"), 1.1)  # 5 s and still no plan: searches on
    assert not stop(2.6, 1.1)  # the first plan starts the clock
    now[0] = 105.2
    assert not stop(2.6, 2.4)
    now[0] = 105.4
    assert stop(2.6, 2.4)  # 0.4 s without a better plan


def _guided_plan() -> Solution:
    return Solution(
        SolveStatus.FEASIBLE, units={(0, 0, 1): 1.0}, objective=2.0, bound=1.0
    )


def test_the_full_milp_stalls_only_after_a_restricted_plan_at_the_default_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patch_solver(monkeypatch, "_FULL_STALL_SECONDS", 3.0)
    plan = _guided_plan()
    assert _full_milp_stop(plan, 1e-4, 0.3, None, True) is not None
    assert _full_milp_stop(plan, 0.01, 0.02, None, True) is not None  # several days
    # No plan in hand: the full MILP is the only search.
    assert _full_milp_stop(None, 1e-4, 0.3, None, True) is None
    assert (
        _full_milp_stop(Solution(SolveStatus.FEASIBLE), 1e-4, 0.3, None, True) is None
    )
    # The caller asked for more: a tighter gap, a proven bound, an effort limit.
    assert _full_milp_stop(plan, 1e-6, 0.3, None, True) is None
    assert _full_milp_stop(plan, 1e-4, 0.0, None, True) is None
    assert _full_milp_stop(plan, 1e-4, 0.3, 500, True) is None
    assert _full_milp_stop(plan, 1e-4, 0.3, None, False) is None  # maximising


def test_a_full_milp_stopped_by_the_stall_keeps_an_honest_status_gap_and_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The guided start's plan is made to look far from its bound, so the full
    # MILP runs from it; with no seconds allowed the stall stop ends it at
    # HiGHS's first callback. The plan is FEASIBLE with its real gap, and a
    # note says the solver stopped before proving it optimal (not the clock).
    guided = _guided_start._guided  # what _optimiser imported
    full: list[Any] = []
    run = _solution._run

    def weak_bound(*args: Any, **kwargs: Any) -> Solution | None:
        solution = guided(*args, **kwargs)
        assert solution is not None
        assert solution.objective is not None
        return dataclasses.replace(
            solution,
            status=SolveStatus.FEASIBLE,
            bound=solution.objective - 5.0,
            gap=None,
            within_abs_gap=False,
        )

    def spy(*args: Any, **kwargs: Any) -> Any:
        start = args[5] if len(args) > 5 else kwargs.get("start")
        if start:
            full.append(args[4])
        return run(*args, **kwargs)

    patch_solver(monkeypatch, "_guided", weak_bound)
    patch_solver(monkeypatch, "_run", spy)
    patch_solver(monkeypatch, "_FULL_STALL_SECONDS", 0.0)
    # The single foods: on the dish table a one-day plan's search is
    # time-boxed after its first plan (DISH_BOX_SECONDS), and a box spent on
    # the widest restriction skips the full MILP this test is about.
    foods = mealplan.load_foods(dishes=False)
    result = mealplan.plan(
        {"person": {"age": 35, "sex": "female"}, "time_limit": 120}, foods
    )
    assert len(full) == 1
    assert full[0].stop is not None
    assert result.status is mealplan.PlanStatus.FEASIBLE
    assert result.gap is not None
    assert result.gap > 0
    assert not any("time limit" in note.lower() for note in result.notes), result.notes
    assert any("stopped before it proved" in note for note in result.notes), (
        result.notes
    )
    check_plan(result, foods)
