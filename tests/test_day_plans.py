"""One request's seeds share the day-plans they find (session 39).

The rotation's first day-plan is the same one-day problem under the default
variety rule and with foods allowed on every day, and after a base is
widened; the request plans it once (:mod:`mealplan._day_plans`). And a
rotation that ended on a contested key skips the day-by-day seed when the
caller has a wider rule to try next (:class:`mealplan._weekly_seed.Contested`).
No solver runs here: the plans are stand-ins, the verdicts exact.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import mealplan
from mealplan import _day_seed, _weekly_seed
from mealplan._day_plans import remembered, remembering
from mealplan._deadline import Deadline
from mealplan._optimiser import Solution, SolveStatus
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Restrictions

WOMAN = {"person": {"age": 35, "sex": "female"}, "days": 1}


def _counted(status: SolveStatus) -> tuple[list[int], Any]:
    calls: list[int] = []

    def plan() -> tuple[Any, Solution]:
        calls.append(1)
        return object(), Solution(status, units={(0, 0, 0): 1.0})

    return calls, plan


def _inputs(**update: Any) -> tuple[Any, Any, Any]:
    foods = mealplan.load_foods()
    req = parse_request({**WOMAN, **update})
    return req, resolve_targets(req, foods), foods


def test_a_day_plan_found_is_planned_once_per_request() -> None:
    req, targets, foods = _inputs()
    calls, plan = _counted(SolveStatus.FEASIBLE)
    with remembering():
        first = remembered(req, targets, foods, Restrictions(), plan)
        again = remembered(req, targets, foods, Restrictions(), plan)
        # The variety rule builds nothing for one day: the widened seed's
        # day-plan is the default rule's.
        loose = req.model_copy(update={"max_days_per_food": 7})
        widened = remembered(loose, targets, foods, Restrictions(), plan)
    assert len(calls) == 1
    assert again[1] is first[1]
    assert widened[1] is first[1]


def test_other_inputs_plan_again() -> None:
    req, targets, foods = _inputs()
    calls, plan = _counted(SolveStatus.FEASIBLE)
    banned = Restrictions(bans=((None, None, foods.ids[0]),))
    older, older_targets, _ = _inputs(person={"age": 70, "sex": "female"})
    with remembering():
        remembered(req, targets, foods, Restrictions(), plan)
        remembered(req, targets, foods, banned, plan)
        remembered(older, older_targets, foods, Restrictions(), plan)
        remembered(req, targets, foods.subset(foods.ids[:50]), Restrictions(), plan)
    assert len(calls) == 4


@pytest.mark.parametrize(
    "status",
    [SolveStatus.NO_SOLUTION, SolveStatus.INFEASIBLE],
)
def test_a_search_without_a_plan_is_not_kept(status: SolveStatus) -> None:
    # A search that ran out proves nothing for a longer share.
    req, targets, foods = _inputs()
    calls, plan = _counted(status)
    with remembering():
        remembered(req, targets, foods, Restrictions(), plan)
        remembered(req, targets, foods, Restrictions(), plan)
    assert len(calls) == 2


def test_nothing_is_kept_outside_a_request() -> None:
    req, targets, foods = _inputs()
    calls, plan = _counted(SolveStatus.FEASIBLE)
    remembered(req, targets, foods, Restrictions(), plan)
    with remembering():
        remembered(req, targets, foods, Restrictions(), plan)
    with remembering():  # a new request remembers nothing of the last one
        remembered(req, targets, foods, Restrictions(), plan)
    remembered(req, targets, foods, Restrictions(), plan)
    assert len(calls) == 4


def _contested(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every rotation end on a contested key; return the seeds asked."""
    asked: list[str] = []

    def rotation(*args: Any, **kwargs: Any) -> Any:
        asked.append("rotation")
        return _weekly_seed.Contested(frozenset({"mushrooms"}))

    def day_by_day(*args: Any, **kwargs: Any) -> Any:
        asked.append("day_by_day")

    monkeypatch.setattr(_day_seed, "rotation_seed", rotation)
    monkeypatch.setattr(_day_seed, "_day_by_day", day_by_day)
    return asked


@pytest.mark.parametrize(("after_contest", "seeds"), [(True, 3), (False, 1)])
def test_a_contested_rotation_skips_the_day_by_day_seed_when_asked(
    monkeypatch: pytest.MonkeyPatch, after_contest: bool, seeds: int
) -> None:
    asked = _contested(monkeypatch)
    req, targets, foods = _inputs(days=3)
    start = _day_seed._first_plan(
        req, targets, foods, Deadline(60), wider={}, after_contest=after_contest
    )
    assert start is None
    assert asked == ["rotation", "day_by_day", "day_by_day"][:seeds]


def test_the_rotation_says_contested_when_its_repairs_run_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every rotation in conflict over a key no proof settles: after its
    # repairs, the rotation says which key (not a bare None, which means
    # "no plan of a day at all" or "not applicable").
    conflict = _weekly_seed._Conflict(1, frozenset({"mushrooms"}))
    monkeypatch.setattr(_weekly_seed, "_rotation", lambda *a, **k: conflict)
    monkeypatch.setattr(_weekly_seed, "_prove_needed", lambda *a, **k: None)
    req, targets, foods = _inputs(days=3)
    made = _weekly_seed.rotation_seed(req, targets, foods, Deadline(60))
    assert made == _weekly_seed.Contested(frozenset({"mushrooms"}))


def _spied_restrictions(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, float]]:
    """Record each restricted MILP's (goal, share); the first (the LP support) holds no plan.

    So a day-plan goes to its widest restriction, whose share and goal the
    seed tests read.
    """
    from mealplan import _guided_start

    asked: list[tuple[Any, float]] = []
    real = _guided_start._restricted  # type: ignore[attr-defined]

    def restricted(problem: Any, goal: Any, *args: Any, **kwargs: Any) -> Any:
        how = args[4] if len(args) > 4 else kwargs.get("how")
        asked.append((goal, 1.0 if how is None else how.share))
        if len(asked) == 1:
            return Solution(SolveStatus.NO_SOLUTION)
        return real(problem, goal, *args, **kwargs)

    monkeypatch.setattr(_guided_start, "_restricted", restricted)
    return asked


def _day_problem(person: dict[str, Any]) -> tuple[Any, Any]:
    """A 3-day request's one-day problem (a seed's day-plan) and its day request."""
    from mealplan._models import NutrientPeriod
    from mealplan._problem import build_problem

    req, targets, foods = _inputs(person=person, days=3)
    day_req = req.model_copy(
        update={"days": 1, "nutrient_period": NutrientPeriod.DAILY}
    )
    return build_problem(day_req, targets, foods), day_req


@pytest.mark.parametrize(
    ("person", "any_first"),
    [
        ({"age": 2, "sex": "male"}, True),
        ({"age": 35, "sex": "female"}, False),
    ],
)
def test_a_toddlers_seed_day_plan_asks_for_any_plan_first(
    monkeypatch: pytest.MonkeyPatch, person: dict[str, Any], any_first: bool
) -> None:
    # A seed's day-plan (any plan will do) whose LP support holds none goes
    # to the widest restriction: a toddler's asks it for any plan first (a
    # vegan boy of 3's came in 1.2 s that way, 2.5 s with the objective);
    # anyone else's asks with the objective (adults' first plans cost more).
    from mealplan import _guided_start
    from mealplan._arrays import FEASIBILITY

    asked = _spied_restrictions(monkeypatch)
    problem, day_req = _day_problem(person)
    found = _weekly_seed._first(problem, day_req, Deadline(120))
    assert found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert (asked[1][0] is FEASIBILITY) is any_first
    # The seed's search for any plan gets most of its time (the vegan boy of
    # 3's 3-day plan: his wider rule's day-plan found one at 1.9 s of a
    # 2.66 s share on some runs, none on others, and his plan failed).
    if any_first:
        seed_share = _guided_start._SEED_ANY_PLAN.share
        assert asked[1][1] == seed_share > _guided_start._ANY_PLAN.share


@pytest.mark.parametrize("seed", [True, False])
def test_a_seeds_widest_restriction_gets_most_of_its_time(
    monkeypatch: pytest.MonkeyPatch, seed: bool
) -> None:
    # A seed's day-plan (any plan will do) gives its widest restriction most
    # of its share: the full MILP after it rarely finds a plan it did not (a
    # vegan boy of 16's first day-plan found its plan just inside half of
    # its share on most runs, and his week lifted five RDAs on the others).
    # Any other search keeps half for the full MILP. Spied, no timing.
    from mealplan import _guided_start
    from mealplan._optimiser import solve

    asked = _spied_restrictions(monkeypatch)
    problem, day_req = _day_problem({"age": 40, "sex": "male"})
    if seed:
        found = _weekly_seed._first(problem, day_req, Deadline(120))
    else:
        found = solve(problem, deadline=Deadline(120), abs_gap=math.inf)
    assert found.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    expected = _guided_start._SEED_WIDE_SHARE if seed else 0.5
    assert asked[1][1] == expected
