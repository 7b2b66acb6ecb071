"""A first plan (``mip_gap`` 1) keeps no claim the request's gap does not back.

Solver-free: ``_plan_search.first_plan`` is given what a first search returned.
"""

from __future__ import annotations

from typing import Any

import pytest

from mealplan import _plan_search
from mealplan._optimiser import Solution, SolveStatus
from mealplan._planner import parse_request


def _first(monkeypatch: pytest.MonkeyPatch, objective: float, bound: float) -> Solution:
    # What _judge leaves under the first plan's own gap of 1: optimal, and
    # "within the absolute tolerance" because the gap of 1 is met.
    found = Solution(
        SolveStatus.OPTIMAL,
        objective=objective,
        bound=bound,
        gap=(objective - bound) / objective,
        within_abs_gap=True,
        abs_gap=0.3,
    )

    def search(*args: Any, **kwargs: Any) -> tuple[Any, Solution, list[str]]:
        return (None, found, [])

    monkeypatch.setattr(_plan_search, "search", search)
    req = parse_request({"person": {"age": 28, "sex": "female"}})
    return _plan_search.first_plan(req, None, None, None, {})[1]  # type: ignore[arg-type]


def test_a_first_plan_far_from_its_bound_is_not_called_close(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A lactating woman's first plan, 1.26 servings above its bound, read
    # "within 0.3 servings of the best possible one" when nothing better
    # was found in the search after it.
    sol = _first(monkeypatch, objective=2.61, bound=1.35)
    assert sol.status is SolveStatus.FEASIBLE
    assert not sol.within_abs_gap


def test_a_first_plan_within_the_tolerance_keeps_saying_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sol = _first(monkeypatch, objective=1.50, bound=1.35)
    assert sol.status is SolveStatus.FEASIBLE
    assert sol.within_abs_gap
