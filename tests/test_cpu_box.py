"""A one-day plan's search after its first plan is boxed in CPU seconds, and says so."""

from __future__ import annotations

from typing import Any

import pytest

import mealplan
import mealplan._optimiser as optimiser
import mealplan._stops as stops
from mealplan import _solution
from mealplan._catalog import load_foods
from mealplan._cpu_box import CpuBox
from mealplan._deadline import Deadline
from mealplan._formulation import Goal, formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Restrictions, build_problem
from tests.checks import check_plan
from tests.counting import patch_solver, record_models


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_box_counts_from_the_first_plan_and_never_restarts() -> None:
    clock = _Clock()
    box = CpuBox(2.0, clock=clock)
    inf = float("inf")
    clock.now = 150.0  # CPU spent before any plan does not count
    assert not box.stop(inf, 0.0)
    assert box.started is None
    assert not box.stop(5.0, 0.0)
    assert box.started == 150.0
    clock.now = 151.9
    assert not box.stop(4.0, 0.0)  # a better plan does not restart the box
    assert not box.fired
    clock.now = 152.1
    assert box.stop(3.0, 0.0)
    assert box.fired
    late = CpuBox(1.0, clock=clock)
    late.start()
    assert not late.skip()
    clock.now = 153.2
    assert late.skip()
    assert late.fired


def test_either_stop_asks_every_stop() -> None:
    asked: list[str] = []

    def make(name: str, says: bool) -> Any:
        def stop(primal: float, dual: float) -> bool:
            asked.append(name)
            return says

        return stop

    assert stops.either(None, None) is None
    one = make("a", False)
    assert stops.either(None, one) is one
    both = stops.either(make("b", True), make("c", False))
    assert both is not None
    assert both(1.0, 0.0)
    assert asked == ["b", "c"]


# A 2-year-old pescatarian girl under the RDAs: no restriction under the gap
# test's cutoff holds a plan (node limited: the same at any load), so the
# first plan comes from the widest restriction without it.
_GIRL = {"person": {"age": 2, "sex": "female"}, "diet": "pescatarian", "panel": "rda"}
_WOMAN = {"person": {"age": 35, "sex": "female"}, "panel": "rda"}


def test_a_day_whose_box_ran_out_keeps_its_plan_with_an_honest_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = load_foods(dishes=False)
    req = parse_request(_GIRL)
    problem = build_problem(req, resolve_targets(req, table), table)
    # A box of 0 s: the search ends at the first plan in hand. And no
    # tolerance: a first plan within 0.3 servings of its bound ends the
    # search before any box (whether it is hung on the solver's path: a
    # change of the caps once made this girl's first plan close enough).
    patch_solver(monkeypatch, "ONE_DAY_BOX_CPU_SECONDS", 0.0)
    monkeypatch.setattr(optimiser, "abs_tolerance", lambda *a, **k: 0.0)
    models = record_models(monkeypatch)
    deadline = Deadline(300.0)
    found = optimiser.solve(problem, deadline=deadline)
    assert found.boxed
    assert found.box_cpu_seconds == 0.0
    assert not deadline.hit
    assert found.units
    assert found.status is optimiser.SolveStatus.FEASIBLE
    assert not found.within_abs_gap
    assert found.objective is not None
    assert found.bound is not None
    assert found.gap == pytest.approx((found.objective - found.bound) / found.objective)
    # Every MILP was a restriction: the full MILP never ran.
    full = formulate(problem).num_cols
    assert all(cols < full for mip, cols in models if mip)
    # A caller asking for a tighter gap, a proven bound, a node limit or a
    # goal gets no box; nor does a plan of several days.
    assert optimiser._one_day_default(problem, None, 1e-4, None, None)
    assert not optimiser._one_day_default(problem, None, 1e-5, None, None)
    assert not optimiser._one_day_default(problem, None, 1e-4, 0.0, None)
    assert not optimiser._one_day_default(problem, None, 1e-4, None, 50)
    goal = Goal.from_pair(("min", "cost"))
    assert not optimiser._one_day_default(problem, goal, 1e-4, None, None)
    week = build_problem(
        parse_request({**_GIRL, "days": 2}), resolve_targets(req, table), table
    )
    assert not optimiser._one_day_default(week, None, 1e-4, None, None)
    # The plan says why it stopped, and it meets every rule.
    plan = mealplan.plan({**_GIRL, "time_limit": 300}, table)
    assert plan.status == "feasible"
    assert any("0 s of CPU after the first plan" in n for n in plan.notes), plan.notes
    check_plan(plan, table)


def test_a_day_that_passes_the_gap_test_is_not_boxed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The default woman of 35 passes the gap test on a restriction: her plan
    # is the answer at once, and a box of 0 s changes nothing.
    table = load_foods(dishes=False)
    req = parse_request({"person": {"age": 35, "sex": "female"}})
    problem = build_problem(req, resolve_targets(req, table), table)
    patch_solver(monkeypatch, "ONE_DAY_BOX_CPU_SECONDS", 0.0)
    found = optimiser.solve(problem, deadline=Deadline(300.0))
    assert found.units
    assert not found.boxed
    assert found.box_cpu_seconds is None


def test_gap_tests_out_of_cpu_fall_through_to_a_valid_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With no CPU for the gap tests, none runs (as if each had stopped at
    # its node limit): the widest restriction without the cutoff gives the
    # plan, which meets every rule.
    cutoffs: list[float | None] = []
    run = _solution._run

    def spy(*args: Any, **kwargs: Any) -> Any:
        if args[1].is_mip:
            cutoffs.append(args[4].cutoff)
        return run(*args, **kwargs)

    patch_solver(monkeypatch, "_GAP_TESTS_CPU_SECONDS", 0.0)
    patch_solver(monkeypatch, "_run", spy)
    table = load_foods(dishes=False)
    request = {"person": {"age": 35, "sex": "female"}, "diet": "vegan"}
    plan = mealplan.plan({**request, "time_limit": 300}, table)
    assert cutoffs
    assert all(c is None for c in cutoffs), cutoffs
    assert plan.status in ("optimal", "feasible")
    check_plan(plan, table)


def test_a_regenerated_day_of_a_longer_plan_is_boxed_as_a_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # regenerate() keeps every day but one: its search is a day's, so it is
    # boxed like one. Unboxed, the whole plan's MILP ran after the day's
    # restrictions failed the gap test and went to the time limit without
    # beating their plan (a woman's week with dishes: a lunch in 10 s).
    table = load_foods(dishes=False)
    # The second day of a 2-day plan is kept, the first re-planned: the plan
    # itself shows the re-planned day can be met (a one-day plan copied in
    # as the second day, its foods then barred from the first by the
    # variety rule, left none once the girl's milk changed). A woman's
    # 2-day plan: the girl's took 19 s of the suite's time, the woman's 0.6 s,
    # and the box is the same for every person.
    both = mealplan.plan(
        {**_WOMAN, "days": 2, "time_limit": 300, "mip_gap": 1.0}, table
    )
    req = parse_request({**_WOMAN, "days": 2})
    targets = resolve_targets(req, table)
    whole = build_problem(req, targets, table)
    per = whole.units_per_portion  # half portions for an adult
    fixed = tuple(
        (1, i.meal, i.food_id, i.portions * per)
        for i in both.days[1].items
        if i.kind == "food"
    )
    problem = build_problem(
        req,
        targets,
        table,
        restrictions=Restrictions(fixed=fixed, free=(0, None)),
    )
    assert optimiser._free_days(problem) == 1
    # The request's default gap for 2 days is 1 %: boxed all the same.
    assert optimiser._one_day_default(problem, None, 0.01, None, None)
    assert not optimiser._one_day_default(problem, None, 1e-5, None, None)
    assert optimiser._free_days(whole) == 2
    assert not optimiser._one_day_default(whole, None, 0.01, None, None)
    patch_solver(monkeypatch, "ONE_DAY_BOX_CPU_SECONDS", 0.0)
    monkeypatch.setattr(optimiser, "abs_tolerance", lambda *a, **k: 0.0)
    deadline = Deadline(300.0)
    found = optimiser.solve(problem, mip_gap=0.01, deadline=deadline)
    assert found.units
    # Its box (0 s of CPU) ended the search, not the 300 s limit: whether the
    # day's restrictions or the full MILP found the plan hangs on the
    # solver's path (the widest restriction may hold every food), so only
    # the box is asserted.
    assert found.boxed
    assert found.box_cpu_seconds == 0.0
    assert not deadline.hit
