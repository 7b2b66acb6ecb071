"""The diagnosis's LP screen (mealplan._hot_lp): one model, the same verdicts.

Counts and verdicts only, never seconds: the screen's answer on each set of
groups switched off is the cold relaxation's, and the conflict search finds
the same conflict with it, building fewer models.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import FoodTable, _diagnose, _hot_lp, _planner
from mealplan._backend_highs import HighsBackend
from mealplan._deadline import Deadline
from mealplan._formulation import formulate
from mealplan._optimiser import SolveStatus
from mealplan._problem import Restrictions, build_problem, row_only, without_rows
from mealplan._restriction import _relaxation
from tests.strategies import small_table

# At most two foods a day: most checks are settled by the relaxation.
REQUEST: dict[str, Any] = {
    "person": {"age": 35, "sex": "female"},
    "meals": None,
    "max_foods": 2,
}


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return small_table()


def _problem(table: FoodTable) -> Any:
    req = mealplan.parse_request(REQUEST)
    targets = _planner.resolve_targets(req, table)
    return build_problem(req, targets, table, restrictions=Restrictions(hard=True))


@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_the_hot_screen_answers_as_the_cold_relaxation(data: st.DataObject) -> None:
    # One loaded model, row groups switched off and on again in any order:
    # each verdict is the one a fresh relaxation of that problem gives.
    table = small_table()
    problem = _problem(table)
    rows = sorted((g for g in problem.groups if row_only(g)), key=lambda g: g.name)
    screen = _hot_lp.HotRelaxation(problem)
    for _ in range(4):
        off = data.draw(st.sets(st.sampled_from(rows)))
        hot = screen.infeasible(off, Deadline(60))
        variant = without_rows(problem, off)
        cold, _ = _relaxation(
            variant, formulate(variant, None, relax=True), HighsBackend(), Deadline(60)
        )
        assert hot is (cold.status is SolveStatus.INFEASIBLE)
    assert screen.solves == 4


def _diagnosis(table: FoodTable) -> tuple[mealplan.Diagnosis, int]:
    calls = [0]
    solve_without = _diagnose._solve_without

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return solve_without(*args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_diagnose, "_solve_without", counted)
        req = mealplan.parse_request(REQUEST)
        targets = _planner.resolve_targets(req, table)
        found = _diagnose.diagnose(
            req, targets, table, deadline=Deadline(60), measure=False
        )
    return found, calls[0]


def test_the_conflict_search_finds_the_same_conflict_with_fewer_models(
    table: FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    screened, solved = _diagnosis(table)
    monkeypatch.setattr(
        _hot_lp.HotRelaxation, "infeasible", lambda self, off, deadline: False
    )
    cold, all_solved = _diagnosis(table)
    assert [(c.constraint, c.proven) for c in screened.conflicts] == [
        (c.constraint, c.proven) for c in cold.conflicts
    ]
    assert screened.minimal
    assert cold.minimal
    # Checks the screen proved infeasible built and solved no model of their own.
    assert solved < all_solved
