"""Soft, sugar-sweetened and alcoholic drinks cost the objective a sweet's charge.

Solver-free: the formulation's column costs with and without the charge;
one plan shows an adult who includes a glass of wine still gets it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import mealplan
from mealplan._catalog import load_foods
from mealplan._exclusions import treat_drinks
from mealplan._formulation import EXTRAS_COST, formulate
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import Problem, build_problem
from tests.checks import check_plan, soft_drink

ADULT = {"age": 40, "sex": "male"}


def _problem(body: dict[str, object]) -> Problem:
    req = parse_request(body)
    table = load_foods()
    return build_problem(req, resolve_targets(req, table), table)


def test_the_treat_drinks_are_soft_and_alcoholic_drinks_only() -> None:
    table = load_foods()
    treats = {
        f for f, m in zip(table.ids, treat_drinks(table).tolist(), strict=True) if m
    }
    assert {"cola", "diet-cola", "ginger-ale", "lemonade", "beer", "wine-red"} <= treats
    # 100 % juice, milk, plant milks, water and foods that only share a word.
    for kept in (
        "orange-juice-calcium",
        "milk-whole",
        "soy-milk-fortified",
        "water-tap",
        "club-soda",
        "crackers-saltine",
        "fruit-cocktail-juice",
    ):
        assert kept not in treats, kept
    # Every soft drink by the independent words of tests/checks.py is one.
    texts = {
        f: f"{n} | {d}"
        for f, n, d in zip(
            table.ids,
            table.texts("name"),
            table.texts("sr28_description"),
            strict=True,
        )
    }
    assert {f for f, t in texts.items() if soft_drink(t)} <= treats


@pytest.mark.parametrize("drink", ["cola", "wine-red", "lemonade"])
def test_a_treat_drink_costs_a_sweets_charge_per_serving(drink: str) -> None:
    problem = _problem({"person": ADULT})
    assert drink in problem.food_ids
    index = problem.food_ids.index(drink)
    assert index in problem.treats
    charged = formulate(problem)
    plain = formulate(dataclasses.replace(problem, treats=problem.treats - {index}))
    keys = charged.keys
    cols = np.flatnonzero(keys[:, 2] == index)
    assert len(cols) > 0
    extra = charged.col_cost[cols] - plain.col_cost[cols]
    # The same charge as a sweet's: positive, equal at every meal, and no
    # other column's cost moves.
    assert np.all(extra > 0)
    assert np.allclose(extra, extra[0])
    others = np.setdiff1d(np.arange(len(plain.col_cost)), cols)
    assert np.array_equal(charged.col_cost[others], plain.col_cost[others])
    # Exactly a sweet's charge: the drink planned as if it were a sweet.
    category = list(problem.category)
    category[index] = "snacks_sweets"
    as_sweet = formulate(
        dataclasses.replace(
            problem, treats=problem.treats - {index}, category=tuple(category)
        )
    )
    assert np.allclose(charged.col_cost[cols], as_sweet.col_cost[cols])
    assert EXTRAS_COST > 0


def test_a_person_who_includes_wine_gets_it() -> None:
    table = load_foods()
    plan = mealplan.plan(
        {"person": ADULT, "include": ["wine-red"], "mip_gap": 1.0}, table
    )
    assert "wine-red" in {i.food_id for i in plan.items}
    check_plan(plan, table)
