"""The conflict search's verdicts do not depend on the clock.

Each check of the deletion filter stops on an effort limit (branch-and-bound
nodes), not on time: a group whose check is left open is kept and marked
``proven: false``, and the same groups are left open whatever the deadline
(or the machine's load), as long as the deadline itself is not reached.
"""

from __future__ import annotations

from typing import Any

import pytest

import mealplan
from mealplan import FoodTable, _diagnose, _planner
from mealplan._deadline import Deadline
from mealplan._solution import Solution, SolveStatus
from tests.checks import assert_irreducible
from tests.strategies import small_table

# At most three foods a day: its checks need branching, not just an LP. (Two
# foods were, until session 10 capped meat and fish at 1.5 x RACC a meal: then
# the LP alone proves every check, and no check is left open.)
REQUEST: dict[str, Any] = {
    "person": {"age": 35, "sex": "female"},
    "meals": None,
    "max_foods": 3,
}


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return small_table()


def _verdict(table: FoodTable, seconds: float) -> mealplan.Diagnosis:
    req = mealplan.parse_request(REQUEST)
    targets = _planner.resolve_targets(req, table)
    return _diagnose.diagnose(
        req, targets, table, deadline=Deadline(seconds), measure=False
    )


def test_open_checks_are_assumed_and_the_same_under_any_deadline(
    table: FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No branching allowed: every check that needs it is left open.
    monkeypatch.setattr(_diagnose, "_CHECK_NODES", 0)
    long, short = _verdict(table, 60.0), _verdict(table, 8.0)
    assert [(c.constraint, c.proven) for c in long.conflicts] == [
        (c.constraint, c.proven) for c in short.conflicts
    ]
    assert long.minimal is short.minimal is False
    assert any(not c.proven for c in long.conflicts)
    # The checker asserts the proven members necessary, not the assumed ones.
    unproven = [c.constraint for c in long.conflicts if not c.proven]
    assert_irreducible(REQUEST, table, [c.constraint for c in long.conflicts], unproven)


def test_finished_checks_prove_an_irreducible_conflict(table: FoodTable) -> None:
    diagnosis = _verdict(table, 60.0)
    assert diagnosis.minimal
    assert all(c.proven for c in diagnosis.conflicts)
    assert_irreducible(REQUEST, table, [c.constraint for c in diagnosis.conflicts])


def test_checks_cut_short_by_their_part_are_asked_again(
    table: FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every check given only a part of the time left runs out (as a slow
    # check does on a loaded machine); the filter asks those groups again
    # with all that is left, and the conflict is proven irreducible.
    solve_without = _diagnose._solve_without
    cut: list[int] = []

    def slow(*args: Any, **kwargs: Any) -> Any:
        deadline = args[8]
        if deadline.seconds < 59.0:  # a part of the 60 s clock, not all of it
            cut.append(1)
            return Solution(
                SolveStatus.NO_SOLUTION,
                solver_status="Time limit reached",
                time_limited=True,
            )
        return solve_without(*args, **kwargs)

    monkeypatch.setattr(_diagnose, "_solve_without", slow)
    diagnosis = _verdict(table, 60.0)
    assert cut
    assert diagnosis.minimal
    assert all(c.proven for c in diagnosis.conflicts)
    assert_irreducible(REQUEST, table, [c.constraint for c in diagnosis.conflicts])
