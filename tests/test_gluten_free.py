"""Foods sold as gluten-free are charged for a request that need not avoid gluten.

Read from the table's names independently of mealplan._gluten_free.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mealplan import load_foods
from mealplan._gluten_free import gluten_free_products
from mealplan._planner import parse_request
from tests.treats import charges


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
    treated, candidates = charges(data)
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
