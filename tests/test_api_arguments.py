"""Wrong argument types in the Python API are typed one-sentence errors (issue 15).

The request and saved plans are validated by their models; these are the
other arguments: a food table that is not one, a day that is a bool or a
float, rejected foods that are a string or not strings, a plan that is not a
MealPlan. Each used to raise an AttributeError or TypeError from deep inside,
or (``day=True``) silently re-plan day 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import mealplan


@pytest.fixture(scope="module")
def day() -> mealplan.MealPlan:
    return mealplan.plan({"person": {"age": 35, "sex": "female"}, "time_limit": 60})


def wrong(value: object) -> Any:
    """``value`` as Any: a wrong argument the type checker would refuse."""
    return value


CASES: list[tuple[str, Callable[[Any], Any], type[mealplan.MealPlanError], str]] = [
    (
        "plan",
        lambda p: mealplan.plan(p.request, wrong(123)),
        mealplan.FoodTableError,
        "plan: foods must be a FoodTable",
    ),
    (
        "regenerate",
        lambda p: mealplan.regenerate(p, day=1, foods=wrong(123)),
        mealplan.FoodTableError,
        "regenerate: foods must be a FoodTable",
    ),
    (
        "explain",
        lambda p: mealplan.explain(p, wrong(123)),
        mealplan.FoodTableError,
        "explain: foods",
    ),
    (
        "render_text",
        lambda p: mealplan.render_text(p, wrong("foods.csv")),
        mealplan.FoodTableError,
        "(got str)",
    ),
    (
        "render_markdown",
        lambda p: mealplan.render_markdown(p, wrong(1.0)),
        mealplan.FoodTableError,
        "(got float)",
    ),
    (
        "render_html",
        lambda p: mealplan.render_html(p, wrong([])),
        mealplan.FoodTableError,
        "(got list)",
    ),
    (
        "grocery_list",
        lambda p: mealplan.grocery_list(p, wrong(123)),
        mealplan.FoodTableError,
        "grocery_list: foods",
    ),
    (
        "day=True",
        lambda p: mealplan.regenerate(p, day=True),
        mealplan.RequestError,
        "day must be a whole number from 1 to 1 (got True)",
    ),
    (
        "day=1.5",
        lambda p: mealplan.regenerate(p, day=wrong(1.5)),
        mealplan.RequestError,
        "(got 1.5)",
    ),
    (
        "reject=str",
        lambda p: mealplan.regenerate(p, day=1, reject="banana"),
        mealplan.RequestError,
        "reject must be a list of food ids (got str)",
    ),
    (
        "reject=[1]",
        lambda p: mealplan.regenerate(p, day=1, reject=wrong([1])),
        mealplan.RequestError,
        "reject must hold food ids as strings (got 1)",
    ),
    (
        "plan=None",
        lambda p: mealplan.regenerate(wrong(None), day=1),
        mealplan.RequestError,
        "the plan must be a MealPlan",
    ),
    (
        "plan=dict",
        lambda p: mealplan.regenerate(p.model_dump(), day=1),
        mealplan.RequestError,
        "(got dict)",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_wrong_argument_types_are_typed_errors(
    day: mealplan.MealPlan,
    call: Callable[[Any], Any],
    error: type[mealplan.MealPlanError],
    words: str,
) -> None:
    with pytest.raises(error) as info:
        call(day)
    message = str(info.value)
    assert words in message
    assert "\n" not in message
    assert message.endswith(".")
