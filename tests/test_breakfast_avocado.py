"""Avocado at breakfast is avocado toast, not a fruit beside a bowl of cereal.

The realism runs of sessions 41-43 served "cream of wheat with avocado" to
a vegan girl of 6 and instant oatmeal with avocado and butter to a girl of
1: avocado counted as the breakfast fruit. Its role ``breakfast_spread``
(``foods/structure.csv``) makes it, at breakfast only, go on toast or bread
(a companion rule, as a spread's); at lunch and dinner it stays a fruit or
side. tests/checks.py checks every plan for it from the table's roles.
"""

from __future__ import annotations

from typing import Any

import pytest

import mealplan
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from tests.checks import check_plan
from tests.plans import PlanCache
from tests.requesting import plan_off_the_clock


def _rules(request: dict[str, Any]) -> dict[str, set[str]]:
    """Each meal's companion rules that avocado needs, by meal name."""
    table = mealplan.load_foods()
    req = parse_request(request)
    problem = build_problem(req, resolve_targets(req, table), table)
    assert problem.structure is not None
    avocado = problem.food_ids.index("avocado")
    out: dict[str, set[str]] = {m.name: set() for m in problem.meals}
    for row in problem.structure.companions:
        if avocado in row.needs:
            out[problem.meals[row.meal].name].add(row.words)
    return out


def test_avocado_needs_bread_at_breakfast_only() -> None:
    table = mealplan.load_foods()
    roles = dict(zip(table.ids, table.tags("roles"), strict=True))
    assert {"fruit", "breakfast_spread"} <= set(roles["avocado"])
    rules = _rules({"person": {"age": 35, "sex": "female"}, "diet": "vegan"})
    assert rules["breakfast"] == {"avocado at breakfast on toast or bread"}
    assert not rules["lunch"]
    assert not rules["dinner"]


@pytest.mark.parametrize(
    "request_",
    [
        {"person": {"age": 1, "sex": "female"}, "diet": "pescatarian"},
        {"person": {"age": 6, "sex": "female"}, "diet": "vegan"},
        # Asked for: avocado still comes, at a meal where it is at home or
        # on bread at breakfast.
        {"person": {"age": 30, "sex": "female"}, "include": ["avocado"]},
    ],
)
def test_a_breakfast_with_avocado_has_bread(
    request_: dict[str, Any], plans: PlanCache
) -> None:
    table = mealplan.load_foods()
    plan = plan_off_the_clock(request_, table, plans)
    check_plan(plan, table)  # the rule, read from the table's roles
    roles = dict(zip(table.ids, table.tags("roles"), strict=True))
    for day in plan.days:
        breakfast = [i for i in day.items if i.meal == "breakfast"]
        if any(i.food_id == "avocado" for i in breakfast):
            assert any("bread" in roles[i.food_id] for i in breakfast)
