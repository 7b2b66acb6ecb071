"""Work a diagnosis does not repeat or spend for nothing (issue 16: day diagnoses fast).

Each test counts solves or reads the caps the advice hands the oracle, never
the clock: the verdicts hold at any load (generous time limits, and the
counted work is decided before any solve runs out of time).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

import mealplan
from mealplan import FoodTable
from mealplan._oracle import Oracle, merge_patch
from mealplan._planner import parse_request
from mealplan._relax import _SETTLED_GOAL_CAP
from tests.strategies import small_table

ADULT = {"age": 35, "sex": "female"}


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return small_table()


def test_a_request_answered_before_is_not_solved_again(table: FoodTable) -> None:
    # An oracle on the request with another change applied (a combination's
    # search for one group's smallest change) shares the answers: the same
    # whole request, reached by another patch, is not solved twice.
    request = parse_request({"person": ADULT, "meals": None, "time_limit": 60})
    first = Oracle(request, table, time.monotonic() + 60)
    patch = {"max_foods": 40}
    answer = first.run(patch)
    assert first.solves == 1
    assert answer is not None
    changed = parse_request(merge_patch(first.base, patch))
    second = Oracle(changed, table, time.monotonic() + 60, cache=first.cache)
    assert second.run({}) is answer
    assert second.solves == 0
    # A different request is still solved.
    assert second.run({"max_foods": 30}) is not None
    assert second.solves == 1


def test_the_default_limit_starts_no_budget_floor_proof(
    table: FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under a 10 s limit the floor proof's share (1 s) never moved the bound
    # past the cheapest relaxation's: it is not started, and the budget's
    # advice is still the verified cheapest plan found.
    started: list[Any] = []
    below = Oracle.below

    def counted(self: Oracle, *args: Any, **kwargs: Any) -> Any:
        started.append(args)
        return below(self, *args, **kwargs)

    monkeypatch.setattr(Oracle, "below", counted)
    request = {
        "person": ADULT,
        "meals": None,
        "budget_per_day": 0.5,
        "bounds": {"vitamin_d_ug": {"minimum": 0}},
    }
    with pytest.raises(mealplan.InfeasiblePlanError) as caught:
        mealplan.plan(request, table)
    budget = [
        s for s in caught.value.diagnosis.suggestions if s.constraints == ["budget"]
    ]
    assert started == []
    if budget and budget[0].verified:
        # What was shown is said: a plan at this budget, not the smallest.
        assert not budget[0].smallest


HARD_DAY: dict[str, Any] = {
    "person": {"age": 73, "sex": "female"},
    "diet": "pescatarian",
    "allow_fortified": False,
    "max_foods": 3,
    # Generous: the food count's one feasibility solve finishes at any load.
    "time_limit": 60,
}


def test_a_need_is_searched_briefly_once_the_smallest_change_is_verified(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The hard day's 5 foods are proven the smallest change first; the lowest
    # energy need's most-energy plan (which no budget settles: a 4-food plan
    # was neither found nor ruled out in 60 s) is then an alternative's
    # search, capped short.
    caps: list[tuple[tuple[str, str], float | None]] = []
    run = Oracle.run

    def recorded(
        self: Oracle,
        patch: Any,
        goal: Any = ("min", "none"),
        cap: Any = None,
        **kw: Any,
    ) -> Any:
        caps.append((goal, cap))
        return run(self, patch, goal, cap, **kw)

    monkeypatch.setattr(Oracle, "run", recorded)
    with pytest.raises(mealplan.InfeasiblePlanError) as caught:
        mealplan.plan(HARD_DAY)
    first = caught.value.diagnosis.suggestions[0]
    assert first.patch == {"max_foods": 5}
    assert first.verified
    assert first.smallest
    energy = [cap for goal, cap in caps if goal == ("max", "energy_kcal")]
    assert energy == [_SETTLED_GOAL_CAP]
