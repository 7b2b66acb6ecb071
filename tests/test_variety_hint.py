"""A week with a stricter variety rule than the default says so when it runs out of time.

The README's vegetarian woman of 35 needs UV mushrooms for vitamin D on most
days; with ``max_days_per_food`` 3 her week has no plan in 10 s nor in 30 s
(the rotation seed's day-plans each want the mushrooms, and a day without
them is not proven impossible, so no diagnosis comes), where the default 4
plans. "Raise time_limit" alone sent a user the wrong way: the message also
names the caller's own limit and the default.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import mealplan
from mealplan import SolverError
from mealplan._plan_search import variety_hint
from mealplan._request_parse import parse_request


def _hint(days: int, limit: int | None) -> str:
    body: dict[str, object] = {"person": {"age": 35, "sex": "female"}, "days": days}
    if limit is not None:
        body["max_days_per_food"] = limit
    return variety_hint(parse_request(body))


def test_the_hint_names_the_limit_and_the_default() -> None:
    hint = _hint(7, 3)
    assert "max_days_per_food 3" in hint
    assert "the default for 7 days is 4" in hint


@given(days=st.integers(1, 28), limit=st.one_of(st.none(), st.integers(1, 28)))
def test_the_hint_only_for_a_stricter_rule_than_the_default(
    days: int, limit: int | None
) -> None:
    stricter = limit is not None and days > 1 and limit < math.ceil(days / 2)
    assert bool(_hint(days, limit)) == stricter


def test_a_stricter_week_that_runs_out_of_time_says_so() -> None:
    # A short limit: the week has no plan in 30 s on this machine either.
    body = {
        "person": {"age": 35, "sex": "female"},
        "diet": "vegetarian",
        "days": 7,
        "max_days_per_food": 3,
        "time_limit": 2,
    }
    with pytest.raises(SolverError) as info:
        mealplan.plan(body)
    message = str(info.value)
    assert "raise time_limit" in message
    assert "max_days_per_food 3; the default for 7 days is 4" in message
    assert ". " not in message.rstrip(".")  # one sentence
