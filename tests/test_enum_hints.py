"""A near miss of an enum's value is answered with the value meant.

``--allergy peanut`` was refused with the nine allergens listed and no
pointer to 'peanuts' (the new-user review of session 31).
"""

from __future__ import annotations

import pytest

from mealplan import RequestError
from mealplan._planner import parse_request


@pytest.mark.parametrize(
    ("body", "meant"),
    [
        ({"allergies": ["peanut"]}, "peanuts"),
        ({"allergies": ["tree nuts"]}, "tree_nuts"),
        ({"allergies": ["Egg"]}, "egg"),
        ({"diet": "vegitarian"}, "vegetarian"),
    ],
)
def test_a_near_miss_names_the_value(body: dict[str, object], meant: str) -> None:
    with pytest.raises(RequestError) as caught:
        parse_request({"person": {"age": 30, "sex": "female"}, **body})
    assert f"did you mean {meant!r}?" in str(caught.value)
    assert "?." not in str(caught.value)  # one sentence, one full stop


def test_no_hint_without_a_near_value() -> None:
    with pytest.raises(RequestError) as caught:
        parse_request({"person": {"age": 30, "sex": "female"}, "allergies": ["xyz"]})
    assert "did you mean" not in str(caught.value)
