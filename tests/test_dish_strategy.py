"""The guided start with FNDDS dishes: the single foods' support as a candidate.

With the dishes the relaxation meets the food pattern with fractions of many
dishes; its support alone often holds no whole-portion plan within the gap
test, and the restrictions used to widen step by step to the full MILP (the
default woman of 35 got no plan in 10 s on a loaded machine). The single
foods' relaxation's support, added to it, holds one.
"""

from __future__ import annotations

from typing import Any

import pytest

import mealplan._optimiser as optimiser
from mealplan._catalog import load_foods
from mealplan._deadline import Deadline
from mealplan._optimiser import (
    Restriction,
    _guided,
    _single_food_support,
    abs_tolerance,
)
from mealplan._planner import build_problem, parse_request, resolve_targets

_WOMAN_35 = {"person": {"age": 35, "sex": "female"}}


def _problem(body: dict[str, Any], *, dishes: bool) -> Any:
    table = load_foods(dishes=dishes)
    req = parse_request(body)
    return table, build_problem(req, resolve_targets(req, table), table)


def test_the_problem_knows_its_dishes() -> None:
    # Recomputed from the table: a dish is a row with an FNDDS code.
    table, problem = _problem(_WOMAN_35, dishes=True)
    expected = {
        k for k, fid in enumerate(problem.food_ids) if table.food(fid).fndds_code
    }
    assert expected
    assert problem.dishes == expected
    assert len(expected) < len(problem.food_ids)
    _, plain = _problem(_WOMAN_35, dishes=False)
    assert plain.dishes == frozenset()


def test_the_single_foods_support_holds_no_dish() -> None:
    _, problem = _problem(_WOMAN_35, dishes=True)
    backend = optimiser.make_backend("highs")
    singles, bound = _single_food_support(problem, None, backend, Deadline(300.0))
    assert bound is not None
    assert singles
    assert not singles & problem.dishes


def test_the_dish_day_passes_the_gap_test_with_the_single_foods(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The default woman of 35 with dishes: the relaxation's support holds no
    # plan under the gap test's cutoff; with the single foods' support added
    # the next restriction (node-limited, so the verdict does not depend on
    # the machine's speed) holds one within the tolerance. Before, every
    # restriction under the cutoff failed and the wide one ran without it.
    _, problem = _problem(_WOMAN_35, dishes=True)
    seen: list[tuple[frozenset[int], float | None, str]] = []
    restricted = optimiser._restricted

    def recorded(*args: Any, **kwargs: Any) -> Any:
        found = restricted(*args, **kwargs)
        cutoff = (args[6] if len(args) > 6 else kwargs.get("how", Restriction())).cutoff
        seen.append((frozenset(args[2]), cutoff, found.status.value))
        return found

    monkeypatch.setattr(optimiser, "_restricted", recorded)
    deadline = Deadline(300.0)
    found = _guided(problem, None, deadline, 1e-4, abs_tolerance(problem))
    assert not deadline.hit
    assert found is not None
    assert found.within_abs_gap, (found.objective, found.bound)
    assert all(cutoff is not None for _, cutoff, _ in seen)
    # The passing restriction holds single foods beyond the dishes' support.
    foods, _, status = seen[-1]
    assert status in {"optimal", "feasible"}
    assert foods - seen[0][0]
    assert foods - problem.dishes
