"""Foods sold as gluten-free are charged for a request that need not avoid gluten.

Read from the table's names independently of mealplan._gluten_free.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mealplan import load_foods
from mealplan._gluten_free import gluten_free_products
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem


def _treated(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The candidates the objective charges as sweets, and every candidate."""
    table = load_foods()
    req = parse_request(data)
    problem = build_problem(req, resolve_targets(req, table), table)
    return {problem.food_ids[i] for i in problem.treats}, set(problem.food_ids)


def _gluten_free_by_name() -> set[str]:
    table = load_foods()
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    return {f for f, n in names.items() if re.search(r"gluten.free", n, re.I)}


@pytest.mark.parametrize(
    ("extra", "charged"),
    [
        ({}, True),
        ({"free_from": ["gluten"]}, False),
        ({"allergies": ["wheat"]}, False),
    ],
)
def test_gluten_free_products_are_charged_unless_asked_for(
    extra: dict[str, Any], charged: bool
) -> None:
    products = _gluten_free_by_name()
    assert len(products) >= 2
    data = {"person": {"age": 2, "sex": "male"}, **extra}
    treated, candidates = _treated(data)
    table = load_foods()
    mask = gluten_free_products(parse_request(data), table)
    found = {f for f, m in zip(table.ids, mask, strict=True) if m}
    if charged:
        assert found == products
        assert products & candidates
        assert products & candidates <= treated
    else:
        # Asked for: nothing is charged (the bundled products carry wheat in
        # doubt, so they are no candidates of these requests either).
        assert not found
        assert not products & treated
    # The ordinary pasta and bread are never charged for it.
    assert {"pasta-cooked", "bread-white"}.isdisjoint(treated)
